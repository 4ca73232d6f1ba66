"""Fine class -> Clone Hero lane table, 2x kicks, flams, dynamics and tick conversion."""
from __future__ import annotations

import numpy as np
import pytest

from app.constants import DRUM_CLASSES
from app.domain.lanes import Dynamic, Lane
from app.domain.tempo_map import TempoChange, TempoMap
from app.transcription.activations import DrumHit
from app.transcription.mapping import FINE_TO_LANE, MappingOptions, arbitration_pairs, hits_to_notes

TM = TempoMap([TempoChange(0, 120.0)])


def H(t, drum, conf=0.8, vel=0.7):
    return DrumHit(t, drum, conf, vel)


def test_table_covers_every_class():
    assert set(FINE_TO_LANE) == set(DRUM_CLASSES)
    assert arbitration_pairs() == [(("hihat_closed", "hihat_open"), "tom_high"),
                                   (("ride_body", "ride_bell"), "tom_mid"), (("crash",), "tom_floor")]


@pytest.mark.parametrize("drum, lane, cymbal", [
    ("kick", Lane.KICK, False), ("snare_head", Lane.RED, False), ("hihat_closed", Lane.YELLOW, True),
    ("hihat_open", Lane.YELLOW, True), ("ride_body", Lane.BLUE, True), ("ride_bell", Lane.BLUE, True),
    ("crash", Lane.GREEN, True), ("tom_high", Lane.YELLOW, False), ("tom_mid", Lane.BLUE, False),
    ("tom_floor", Lane.GREEN, False),
])
def test_lane_of_each_class(drum, lane, cymbal):
    [note] = hits_to_notes([H(1.0, drum)], TM)
    assert (note.tick, note.lane, note.cymbal) == (960, lane, cymbal)


def test_rim_and_pedal_are_optional():
    hits = [H(1.0, "snare_rim"), H(2.0, "hihat_pedal")]
    assert [(n.lane, n.cymbal) for n in hits_to_notes(hits, TM)] == [(Lane.YELLOW, True)]
    assert hits_to_notes(hits, TM, MappingOptions(chart_hihat_pedal=False)) == []
    notes = hits_to_notes(hits, TM, MappingOptions(chart_snare_rim=True, chart_hihat_pedal=True))
    assert [(n.lane, n.cymbal) for n in notes] == [(Lane.RED, False), (Lane.YELLOW, True)]


def test_double_kick_runs():
    fast = [H(1.0 + i * 0.08, "kick") for i in range(5)]
    assert [n.double_kick for n in hits_to_notes(fast, TM)] == [False, True, False, True, False]
    slow = [H(1.0 + i * 0.2, "kick") for i in range(4)]
    assert not any(n.double_kick for n in hits_to_notes(slow, TM))
    assert not any(n.double_kick for n in hits_to_notes(fast, TM, MappingOptions(double_kick=False)))


def test_flams():
    notes = hits_to_notes([H(1.0, "snare_head", 0.5), H(1.02, "snare_head", 0.9)], TM)
    assert len(notes) == 1 and notes[0].flam and notes[0].lane is Lane.RED
    assert notes[0].tick == round(1.02 * 960)  # at the stronger (main) stroke
    apart = hits_to_notes([H(1.0, "snare_head"), H(1.05, "snare_head")], TM)
    assert len(apart) == 2 and not any(n.flam for n in apart)
    tom = hits_to_notes([H(1.0, "tom_mid"), H(1.025, "tom_mid")], TM)
    assert len(tom) == 1 and tom[0].flam
    # cymbals never flam, and different drums stay separate notes
    assert len(hits_to_notes([H(1.0, "crash"), H(1.02, "crash")], TM)) == 2
    assert len(hits_to_notes([H(1.0, "snare_head"), H(1.02, "tom_high")], TM)) == 2


def test_dynamics():
    hits = [H(i * 0.5, "snare_head", vel=0.6) for i in range(10)]
    hits += [H(6.0, "snare_head", vel=0.95), H(6.5, "snare_head", vel=0.25)]
    hits += [H(i * 0.5 + 0.25, "kick", vel=0.95 if i == 0 else 0.5) for i in range(10)]
    plain = hits_to_notes(hits, TM)
    assert all(n.dynamic is Dynamic.NORMAL for n in plain)
    notes = {n.tick: n for n in hits_to_notes(hits, TM, MappingOptions(dynamics=True))}
    assert notes[round(6.0 * 960)].dynamic is Dynamic.ACCENT
    assert notes[round(6.5 * 960)].dynamic is Dynamic.GHOST
    assert notes[round(0.5 * 960)].dynamic is Dynamic.NORMAL
    assert all(n.dynamic is Dynamic.NORMAL for n in notes.values() if n.lane is Lane.KICK)


@pytest.mark.parametrize("tempo_map", [
    TempoMap([TempoChange(0, 120.0)]),
    TempoMap([TempoChange(0, 87.3), TempoChange(1920, 203.0), TempoChange(5000, 60.5)]),
])
def test_rounding_moves_notes_less_than_2_ms(tempo_map):
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0.0, 30.0, 300))
    hits = [H(float(t), "kick") for t in times[::3]] + [H(float(t), "crash") for t in times[1::3]]
    hits += [H(float(t), "ride_body") for t in times[2::3]]
    for note in hits_to_notes(hits, tempo_map, MappingOptions(double_kick=False)):
        nearest = min(abs(tempo_map.tick_to_s(note.tick) - t) for t in times)
        assert nearest < 0.002


def test_snap_to_grid():
    notes = hits_to_notes([H(1.0 + 0.02, "snare_head"), H(1.125 - 0.025, "snare_head")], TM,
                          MappingOptions(snap_divisions=4))
    assert [n.tick for n in notes] == [960, 1080]  # 16ths: 120 ticks


def test_same_tick_same_lane():
    # hi-hat and high tom at one tick: one yellow note, the stronger (the tom needs the margin)
    opts = MappingOptions(tom_margin=0.1)
    [n] = hits_to_notes([H(1.0, "hihat_closed", 0.6), H(1.0, "tom_high", 0.65)], TM, opts)
    assert n.cymbal
    [n] = hits_to_notes([H(1.0, "hihat_closed", 0.5), H(1.0, "tom_high", 0.9)], TM, opts)
    assert not n.cymbal
    [n] = hits_to_notes([H(1.0, "ride_body", 0.5), H(1.0, "ride_bell", 0.9)], TM)
    assert n.lane is Lane.BLUE and n.cymbal
    both = hits_to_notes([H(1.0, "kick"), H(1.0, "crash"), H(1.0, "snare_head"), H(1.0, "hihat_open")], TM)
    assert [n.lane for n in both] == [Lane.KICK, Lane.RED, Lane.YELLOW, Lane.GREEN]
