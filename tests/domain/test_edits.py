"""Reversible edits: every edit applied then reverted leaves the chart as it was."""
from __future__ import annotations

import copy

import pytest

from app.domain import edits as E
from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note
from app.domain.phrases import Phrase, PhraseKind
from app.domain.song import empty_chart
from app.domain.tempo_map import TempoChange

X = Difficulty.EXPERT


def _chart():
    c = empty_chart("Song", "Band")
    for t in range(0, 1920 * 4, 240):
        c.drums.expert.put(Note(t, Lane.YELLOW, cymbal=True))
        if t % 960 == 0:
            c.drums.expert.put(Note(t, Lane.KICK))
        if t % 960 == 480:
            c.drums.expert.put(Note(t, Lane.RED))
    c.drums.phrases = [Phrase(0, 1920, PhraseKind.STAR_POWER)]
    E.add_section(c, 0, "Intro").apply(c)
    return c


def _snapshot(c):
    return (list(c.drums.expert), list(c.drums.phrases), list(c.sections), c.tempo_map, c.end_tick,
            copy.deepcopy(c.metadata))


EDITS = {
    "add": lambda c: E.add_notes(c, X, [Note(120, Lane.BLUE), Note(0, Lane.KICK, double_kick=True)]),
    "remove": lambda c: E.remove_notes(c, X, c.drums.expert.in_range(0, 960)),
    "move": lambda c: E.move_notes(c, X, c.drums.expert.in_range(0, 960), 120, 1),
    "move onto others": lambda c: E.move_notes(c, X, c.drums.expert.in_range(0, 480), 240, 0),
    "flags": lambda c: E.change_notes(c, X, [c.drums.expert.get(0, Lane.YELLOW)],
                                       [Note(0, Lane.YELLOW, cymbal=False, flam=True)]),
    "tempo": lambda c: E.add_tempo(c, 960, 90),
    "tempo keep times": lambda c: E.add_tempo(c, 960, 90, keep_audio_times=True),
    "remove tempo": lambda c: E.remove_tempo(c, 960) if len(c.tempo_map.tempos) > 1 else E.add_tempo(c, 0, 100),
    "anchor": lambda c: E.anchor_beat(c, 1920, 2.2),
    "time signature": lambda c: E.set_time_signature(c, 1920, 3, 4),
    "phrase": lambda c: E.add_phrase(Phrase(1920, 960, PhraseKind.FILL)),
    "remove phrase": lambda c: E.remove_phrase(c.drums.phrases[0]),
    "section": lambda c: E.add_section(c, 1920, "Verse"),
    "metadata": lambda c: E.set_metadata(c, type(c.metadata)(name="Other")),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_apply_then_revert_restores(name: str) -> None:
    c = _chart()
    before = _snapshot(c)
    edit = EDITS[name](c)
    edit.apply(c)
    after = _snapshot(c)
    assert after != before
    edit.revert(c)
    assert _snapshot(c) == before
    edit.apply(c)  # redo
    assert _snapshot(c) == after


def test_batch_reverts_in_reverse_and_reports_its_range() -> None:
    c = _chart()
    before = _snapshot(c)
    a = E.add_notes(c, X, [Note(5000, Lane.BLUE)])
    a.apply(c)
    b = E.move_notes(c, X, [Note(5000, Lane.BLUE)], 100)
    a.revert(c)
    batch = E.Batch([a, b], "add and move")
    batch.apply(c)
    assert c.drums.expert.get(5100, Lane.BLUE) is not None
    assert batch.tick_range() == (5000, 5100)
    batch.revert(c)
    assert _snapshot(c) == before


def test_failed_batch_rolls_back() -> None:
    c = _chart()
    before = _snapshot(c)
    bad = E.ReplaceNotes(X, (Note(99999, Lane.RED),), ())
    with pytest.raises(KeyError):
        E.Batch([E.add_notes(c, X, [Note(7, Lane.RED)]), bad]).apply(c)
    assert _snapshot(c) == before


def test_keep_audio_times_moves_ticks_not_seconds() -> None:
    c = _chart()
    times = [c.tempo_map.tick_to_s(n.tick) for n in c.drums.expert]
    E.add_tempo(c, 0, 100, keep_audio_times=True).apply(c)
    new_times = [c.tempo_map.tick_to_s(n.tick) for n in c.drums.expert]
    assert max(abs(a - b) for a, b in zip(times, new_times)) < 0.002


def test_anchor_keeps_notes_in_place() -> None:
    c = _chart()
    times = [c.tempo_map.tick_to_s(n.tick) for n in c.drums.expert]
    E.anchor_beat(c, 1920, 2.3).apply(c)
    assert c.tempo_map.tick_to_s(1920) == pytest.approx(2.3)
    new_times = [c.tempo_map.tick_to_s(n.tick) for n in c.drums.expert]
    assert max(abs(a - b) for a, b in zip(times, new_times)) < 0.002


def test_first_tempo_cannot_be_removed() -> None:
    with pytest.raises(ValueError):
        E.remove_tempo(_chart(), 0)


def test_tick_range_for_scrolling() -> None:
    c = _chart()
    assert E.add_notes(c, X, [Note(700, Lane.RED), Note(900, Lane.BLUE)]).tick_range() == (700, 900)
    assert E.set_metadata(c, c.metadata).tick_range() is None
