"""Decode tables: synthetic activations with known peaks -> expected hits; presets."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.constants import DRUM_CLASSES, FRAME_RATE
from app.transcription.activations import Activations
from app.transcription.checkpoint import Calibration
from app.transcription.decode import DecodeParams, decode, load_preset, preset_names, sensitivity_scale

FR = FRAME_RATE


def acts(events, seconds=3.0, onset=None, offsets=False):
    """events: (time_s, class, peak) -> Activations with a 3-frame bump (0.5 x peak on neighbours) per event."""
    t = int(seconds * FR) + 1
    probs = np.full((t, len(DRUM_CLASSES)), 0.01, np.float32)
    off = np.zeros_like(probs)
    for time_s, name, peak in events:
        c = DRUM_CLASSES.index(name)
        k = int(round(time_s * FR))
        for d, w in ((-1, 0.5), (0, 1.0), (1, 0.5)):
            probs[k + d, c] = max(probs[k + d, c], w * peak)
        off[k, c] = time_s * FR - k
    gate = probs.max(axis=1) if onset is None else np.full(t, onset, np.float32)
    return Activations(FR, probs, gate, off if offsets else None, None)


PARAMS = DecodeParams(thresholds={n: 0.3 for n in DRUM_CLASSES}, onset_gate=0.25,
                      min_spacing_ms={"kick": 25.0, "snare_head": 10.0, "tom_high": 10.0, "hihat_closed": 10.0, "crash": 40.0},
                      nms_groups=(("hihat_closed", "hihat_open"), ("ride_body", "ride_bell")), tom_margin=0.05)


def names_times(hits):
    return [(h.drum, round(h.time_s, 3)) for h in hits]


@pytest.mark.parametrize("events, expected", [
    # flams: two snare strokes 20 ms and 17.5 ms apart stay two hits
    ([(1.0, "snare_head", 0.6), (1.020, "snare_head", 0.9)], ["snare_head", "snare_head"]),
    ([(1.0, "tom_high", 0.6), (1.0175, "tom_high", 0.9)], ["tom_high", "tom_high"]),
    # different branches together: hi-hat + snare, kick + crash
    ([(1.0, "hihat_closed", 0.8), (1.0, "snare_head", 0.8)], ["snare_head", "hihat_closed"]),
    ([(1.0, "kick", 0.8), (1.0, "crash", 0.7)], ["kick", "crash"]),
    # one group: closed vs open at one instant keeps the stronger
    ([(1.0, "hihat_closed", 0.5), (1.0, "hihat_open", 0.8)], ["hihat_open"]),
    # tom vs cymbal of one colour: the tom must win by the margin
    ([(1.0, "hihat_closed", 0.8), (1.0, "tom_high", 0.6)], ["hihat_closed"]),
    ([(1.0, "hihat_closed", 0.5), (1.0, "tom_high", 0.9)], ["tom_high"]),
    ([(1.0, "hihat_closed", 0.62), (1.0, "tom_high", 0.65)], ["hihat_closed"]),
    ([(1.0, "crash", 0.5), (1.0, "tom_floor", 0.9)], ["tom_floor"]),
    # a foot chick under a high tom is not arbitrated; a tom under a ride of another colour neither
    ([(1.0, "hihat_pedal", 0.8), (1.0, "tom_high", 0.7)], ["hihat_pedal", "tom_high"]),
    ([(1.0, "ride_body", 0.8), (1.0, "tom_high", 0.7)], ["ride_body", "tom_high"]),
    # below threshold
    ([(1.0, "kick", 0.25)], []),
    # two toms struck together (both hands)
    ([(1.0, "tom_high", 0.7), (1.0, "tom_floor", 0.7)], ["tom_high", "tom_floor"]),
])
def test_decode_table(events, expected):
    assert sorted(h.drum for h in decode(acts(events), PARAMS)) == sorted(expected)


def test_times_and_confidence():
    hits = decode(acts([(1.0, "kick", 0.8), (2.0, "snare_head", 0.6)]), PARAMS)
    assert [h.drum for h in hits] == ["kick", "snare_head"]
    assert abs(hits[0].time_s - 1.0) < 0.5 / FR and abs(hits[1].time_s - 2.0) < 0.5 / FR
    assert hits[0].confidence == pytest.approx(0.8)
    assert hits[0].velocity == pytest.approx(0.8)  # no velocity head: the confidence


def test_32nds_at_200_bpm_and_64ths_at_240_bpm_kept():
    step32 = 60.0 / 200 / 8
    times = [0.5 + i * step32 for i in range(40)]
    hits = decode(acts([(t, "hihat_closed", 0.8) for t in times], onset=0.9, offsets=True), PARAMS)
    assert len(hits) == 40
    assert max(abs(h.time_s - t) for h, t in zip(hits, times)) < 0.001  # offset head: sub-frame exact
    step64 = 60.0 / 240 / 16
    times = [0.5 + i * step64 for i in range(24)]
    hits = decode(acts([(t, "snare_head", 0.8) for t in times], onset=0.9, offsets=True), PARAMS)
    assert len(hits) == 24


def test_double_bass_32nds_at_240_bpm():
    times = [0.5 + i * 60.0 / 240 / 8 for i in range(32)]
    assert len(decode(acts([(t, "kick", 0.8) for t in times], onset=0.9), PARAMS)) == 32


def test_onset_gate():
    quiet = acts([(1.0, "snare_head", 0.8)], onset=0.1)
    assert decode(quiet, PARAMS) == []
    assert len(decode(quiet, dataclasses.replace(PARAMS, onset_gate=0.0))) == 1


def test_min_spacing_merges_a_double_peak():
    # two crash peaks 3 frames (17 ms) apart: one crash (min spacing 40 ms)
    hits = decode(acts([(1.0, "crash", 0.9), (1.0 + 3 / FR, "crash", 0.7)]), PARAMS)
    assert [round(h.confidence, 2) for h in hits] == [0.9]


def test_timing_offsets_and_parabolic_refinement():
    a = acts([(1.0, "kick", 0.8)])
    base = decode(a, PARAMS)[0].time_s
    shifted = decode(a, dataclasses.replace(PARAMS, timing_offsets_ms={"kick": 5.0}))[0].time_s
    assert shifted - base == pytest.approx(0.005, abs=1e-6)
    # asymmetric neighbours pull the parabolic estimate toward the larger one
    a.probs[int(round(1.0 * FR)) + 1, 0] = 0.7
    k = int(round(1.0 * FR))
    t = decode(a, dataclasses.replace(PARAMS, use_offset_head=False))[0].time_s
    assert k / FR < t < (k + 0.5) / FR


def test_empty_and_silent():
    assert decode(acts([]), PARAMS) == []
    empty = Activations(FR, np.zeros((0, 12), np.float32), np.zeros(0, np.float32))
    assert decode(empty, PARAMS) == []


def test_presets():
    assert {"conservative", "aggressive"} <= set(preset_names())
    cons, aggr = load_preset("conservative"), load_preset("aggressive")
    assert all(cons.threshold(n) > aggr.threshold(n) for n in DRUM_CLASSES)
    assert cons.onset_gate > aggr.onset_gate
    cal = Calibration(thresholds={"kick": 0.5}, timing_offsets_ms={"snare_head": -4.0})
    p = load_preset("aggressive", calibration=cal)
    assert p.threshold("kick") == pytest.approx(0.5 * 0.75)
    assert p.timing_offsets_ms == {"snare_head": -4.0}
    s = load_preset("aggressive", calibration=cal, overrides={"kick": 1.0, "crash": 0.5})
    assert s.threshold("kick") == pytest.approx(0.5 * 0.75 / 2)
    assert s.threshold("crash") == pytest.approx(aggr.threshold("crash"))
    assert sensitivity_scale(0.0) == pytest.approx(2.0)
    with pytest.raises(KeyError):
        load_preset("nonexistent")
    with pytest.raises(KeyError):
        load_preset("aggressive", overrides={"cowbell": 1.0})


def test_preset_decodes_realistic_pattern():
    events = []
    for bar in range(4):  # 8th hi-hats, kick on 1 and 3, snare on 2 and 4 at 120 BPM
        for i in range(8):
            t = 0.2 + bar * 2.0 + i * 0.25
            events.append((t, "hihat_closed", 0.7))
            if i in (0, 4):
                events.append((t, "kick", 0.9))
            if i in (2, 6):
                events.append((t, "snare_head", 0.85))
    hits = decode(acts(events, seconds=9.0), load_preset("conservative"))
    assert len(hits) == len(events)


def test_conservative_keeps_flams_but_not_double_peaks():
    cons = load_preset("conservative")
    flam = acts([(1.0, "snare_head", 0.7), (1.021, "snare_head", 0.9)], onset=0.9)
    assert len(decode(flam, cons)) == 2
    double = acts([(1.0, "snare_head", 0.7), (1.0 + 2 / FR, "snare_head", 0.9)], onset=0.9)
    assert [round(h.confidence, 2) for h in decode(double, cons)] == [0.9]
    assert len(decode(double, load_preset("aggressive"))) == 2
