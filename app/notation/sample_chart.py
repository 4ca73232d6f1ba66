"""A short test chart for notation: grooves, accents, ghosts, fills, flams, triplets, 32nds, 7/8, a tempo change."""
from __future__ import annotations

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Section
from app.domain.song import Chart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature

R = 480
"""Resolution (ticks per quarter note) of the sample chart."""

K, S, Y, B, G = Lane.KICK, Lane.RED, Lane.YELLOW, Lane.BLUE, Lane.GREEN


def _groove(bar_tick: int, kicks=(0, 2.5), hat_lane=Y, crash_on_one: bool = False) -> list[Note]:
    """Eighth-note cymbal groove, snare on 2 and 4, kicks at the given beats of a 4/4 bar."""
    out = []
    for e in range(8):
        t = bar_tick + e * R // 2
        lane = G if crash_on_one and e == 0 else hat_lane
        out.append(Note(t, lane, cymbal=True, dynamic=Dynamic.ACCENT if e % 2 == 0 and lane is Y else Dynamic.NORMAL))
    out += [Note(bar_tick + b * R, S) for b in (1, 3)]
    out += [Note(bar_tick + int(b * R), K) for b in kicks]
    return out


def sample_chart() -> Chart:
    """Eight bars with every notation feature; the bar starts are in `SAMPLE_BARS`."""
    notes: list[Note] = []
    # bar 1 (0): 8th groove with accented hi-hats, crash on one
    notes += _groove(0, crash_on_one=True)
    # bar 2 (1920): 16th-note kick and ghost-note groove
    notes += _groove(1920, kicks=(0, 0.75, 2.5))
    notes += [Note(1920 + t, S, dynamic=Dynamic.GHOST) for t in (360, 1560, 1800)]
    # bar 3 (3840): fill in 16ths over the toms, a flam on 4
    b = 3840
    notes += [Note(b, G, cymbal=True), Note(b, K)]
    notes += [Note(b + i * 120, S) for i in range(1, 4)]
    notes += [Note(b + 480 + i * 120, Y) for i in range(4)]
    notes += [Note(b + 960 + i * 120, B) for i in range(4)]
    notes += [Note(b + 1440, S, flam=True, dynamic=Dynamic.ACCENT), Note(b + 1440 + 240, G)]
    notes += [Note(b + 1440 + 240 + 120, G), Note(b + 1440, K)]
    # bar 4 (5760): triplet 8ths on beats 1-2, triplet 16ths on 3, 32nds on 4
    b = 5760
    notes += [Note(b, G, cymbal=True), Note(b, K)]
    notes += [Note(b + i * 160, S) for i in range(1, 6)]
    notes += [Note(b + 960 + i * 80, Y) for i in range(6)]
    notes += [Note(b + 1440 + i * 60, S) for i in range(8)]
    # bar 5 (7680): 7/8, ride groove grouped 3+2+2
    b = 7680
    notes += [Note(b + i * 240, B, cymbal=True) for i in range(7)]
    notes += [Note(b + t, K) for t in (0, 720, 960)] + [Note(b + t, S) for t in (480, 1200)]
    # bar 6 (9360): tempo change to 150, groove again
    notes += _groove(9360)
    # bar 7 (11280): groove with a dotted-8th/16th kick figure
    notes += _groove(11280, kicks=(0, 0.75, 1.5, 2.0, 2.75))
    # bar 8 (13200): final crash
    notes += [Note(13200, G, cymbal=True), Note(13200, K)]
    chart = Chart(
        metadata=SongMetadata(name="Notation Test", artist="Chart Hero"),
        tempo_map=TempoMap([TempoChange(0, 120.0), TempoChange(9360, 150.0)],
                           [TimeSignature(0, 4, 4), TimeSignature(7680, 7, 8), TimeSignature(9360, 4, 4)], R),
        sections=[Section(0, "Intro"), Section(3840, "Fill"), Section(7680, "Odd bar"), Section(9360, "Verse")],
    )
    chart.drums.notes[Difficulty.EXPERT] = NoteList(notes)
    return chart


SAMPLE_BARS = (0, 1920, 3840, 5760, 7680, 9360, 11280, 13200)
