"""Make decoded notes playable in Clone Hero: no chords within 15 ms of each other, at most two pads."""
from __future__ import annotations

from typing import Sequence

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.domain.tempo_map import TempoMap

MIN_CHORD_GAP_MS = 17.0
"""Hits of different drums closer than this become one chord: Clone Hero cannot play two chords 15 ms
apart (scan-chart's brokenNote). The chord sits midway between its first and last hit, so no note moves
by more than half this window (8.5 ms; with a snap grid, on the first hit's grid tick instead). This is
the only place a decoded note moves by more than tick rounding (< 2 ms)."""

PAD_PRIORITY = {(Lane.RED, False): 0, (Lane.GREEN, True): 1, (Lane.BLUE, True): 2, (Lane.YELLOW, True): 3,
                (Lane.YELLOW, False): 4, (Lane.BLUE, False): 5, (Lane.GREEN, False): 6}
"""Which pads survive a 3-pad chord: snare, then crash, ride, hi-hat, then toms high to low."""


def make_playable(notes: Sequence[Note], tempo_map: TempoMap, min_gap_ms: float = MIN_CHORD_GAP_MS,
                  centre_chords: bool = True) -> tuple[list[Note], int]:
    """(playable notes, number of notes dropped): close chords merged, chords cut to two pads + kick.
    `centre_chords`: a merged chord goes midway between its first and last hit (False: on the first
    hit's tick, which keeps snapped notes on their grid)."""
    chords: list[tuple[float, float, dict[Lane, Note]]] = []     # (first ms, last ms, notes by lane)
    dropped = 0
    for n in sorted(notes):
        t_ms = tempo_map.tick_to_s(n.tick) * 1000
        if chords and t_ms - chords[-1][0] < min_gap_ms:
            first_ms, _, lanes = chords[-1]
            if n.lane in lanes:
                dropped += 1
            else:
                lanes[n.lane] = n
                chords[-1] = (first_ms, t_ms, lanes)
            continue
        chords.append((t_ms, t_ms, {n.lane: n}))
    out: list[Note] = []
    for first_ms, last_ms, lanes in chords:
        if last_ms > first_ms:
            tick = (tempo_map.s_to_tick_round((first_ms + last_ms) / 2000) if centre_chords
                    else min(n.tick for n in lanes.values()))
            lanes = {lane: n.with_(tick=tick) for lane, n in lanes.items()}
        pads = sorted((n for n in lanes.values() if n.lane.is_pad), key=lambda n: PAD_PRIORITY[(n.lane, n.cymbal)])
        dropped += max(0, len(pads) - 2)
        out += [n for n in lanes.values() if not n.lane.is_pad] + pads[:2]
    return sorted(out), dropped
