"""Playability rules, table-driven."""
from __future__ import annotations

import pytest

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.domain.tempo_map import TempoMap
from app.transcription.playability import make_playable

K, R, Y, B, G = Lane.KICK, Lane.RED, Lane.YELLOW, Lane.BLUE, Lane.GREEN
TM = TempoMap()  # 120 BPM: 1 tick = 1.04 ms


@pytest.mark.parametrize("notes, expected, dropped", [
    ([Note(0, K), Note(10, R)], [Note(5, K), Note(5, R)], 0),                         # 10 ms apart: one chord, midway
    ([Note(0, K), Note(8, Y), Note(15, R)], [Note(8, K), Note(8, R), Note(8, Y)], 0),  # no note moves > 8.5 ms
    ([Note(0, R), Note(15, R)], [Note(0, R)], 1),                                      # same lane: drop the later
    ([Note(0, R), Note(30, R)], [Note(0, R), Note(30, R)], 0),                         # 31 ms: a flam-like pair stays
    ([Note(0, R), Note(0, Y, cymbal=True), Note(0, G, cymbal=True)],
     [Note(0, R), Note(0, G, cymbal=True)], 1),                                        # 3 pads: snare + crash
    ([Note(0, K), Note(0, Y, cymbal=False), Note(0, B, cymbal=False), Note(0, G, cymbal=False)],
     [Note(0, K), Note(0, Y), Note(0, B)], 1),
])
def test_make_playable(notes, expected, dropped) -> None:
    out, n = make_playable(notes, TM)
    assert out == expected and n == dropped


def test_snapped_chords_stay_on_the_first_hits_tick() -> None:
    """With a snap grid the merged chord keeps the first hit's (grid) tick instead of the midpoint."""
    out, _ = make_playable([Note(0, K), Note(10, R)], TM, centre_chords=False)
    assert out == [Note(0, K), Note(0, R)]
