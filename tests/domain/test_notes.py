"""Notes and the sorted note list."""
from __future__ import annotations

import pytest

from app.domain.lanes import Dynamic, Lane
from app.domain.notes import Note, NoteList


@pytest.mark.parametrize("kwargs", [
    dict(tick=0, lane=Lane.RED, cymbal=True),
    dict(tick=0, lane=Lane.YELLOW, double_kick=True),
    dict(tick=0, lane=Lane.KICK, dynamic=Dynamic.ACCENT),
    dict(tick=0, lane=Lane.KICK, flam=True),
    dict(tick=-5, lane=Lane.RED),
])
def test_invalid_notes_refused(kwargs) -> None:
    with pytest.raises(ValueError):
        Note(**kwargs)


def test_with_drops_flags_the_new_lane_cannot_hold() -> None:
    n = Note(0, Lane.YELLOW, cymbal=True, dynamic=Dynamic.GHOST)
    assert n.with_(lane=Lane.RED) == Note(0, Lane.RED, dynamic=Dynamic.GHOST)
    assert n.with_(lane=Lane.KICK) == Note(0, Lane.KICK)
    assert n.with_(lane=Lane.BLUE).cymbal
    assert Note(0, Lane.KICK, double_kick=True).with_(lane=Lane.RED).double_kick is False


def test_note_list_keeps_order_and_one_note_per_key() -> None:
    nl = NoteList([Note(480, Lane.RED), Note(0, Lane.GREEN, cymbal=True), Note(0, Lane.KICK)])
    assert [n.key for n in nl] == [(0, 0), (0, 4), (480, 1)]
    old = nl.put(Note(0, Lane.GREEN))
    assert old == Note(0, Lane.GREEN, cymbal=True) and len(nl) == 3
    assert nl.get(0, Lane.GREEN) == Note(0, Lane.GREEN)
    assert nl.in_range(1, 480) == [] and nl.in_range(0, 481)[-1].tick == 480
    assert [t for t, _ in nl.chords()] == [0, 480]
    nl.remove(Note(480, Lane.RED))
    with pytest.raises(KeyError):
        nl.remove(Note(480, Lane.RED))
    assert nl.ticks() == [0] and nl.first_tick == 0 and nl.last_tick == 0
