"""Tempo map: ticks <-> seconds, anchors, grid."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature


def test_defaults_are_120_bpm_4_4() -> None:
    tm = TempoMap()
    assert tm.tempos == (TempoChange(0, 120.0),)
    assert tm.time_signatures == (TimeSignature(0, 4, 4),)
    assert tm.tick_to_s(480) == pytest.approx(0.5)


@pytest.mark.parametrize("tick, seconds", [
    (0, 0.0), (480, 0.5), (1920, 2.0), (2400, 3.0), (2880, 4.0), (3360, 4.5), (3600, 4.75),
])
def test_piecewise_tempo(tick: int, seconds: float) -> None:
    tm = TempoMap([TempoChange(0, 120), TempoChange(1920, 60), TempoChange(2880, 120)])
    assert tm.tick_to_s(tick) == pytest.approx(seconds)
    assert tm.s_to_tick(seconds) == pytest.approx(tick)
    assert tm.ticks_to_s([tick])[0] == pytest.approx(seconds)
    assert tm.s_to_ticks([seconds])[0] == pytest.approx(tick)


@given(st.lists(st.tuples(st.integers(1, 100_000), st.floats(30, 300)), max_size=30),
       st.lists(st.floats(0, 600), min_size=1, max_size=50))
def test_round_trip_both_ways(changes, times) -> None:
    tm = TempoMap([TempoChange(0, 140)] + [TempoChange(t, b) for t, b in changes])
    ticks = tm.s_to_ticks(times)
    assert np.allclose(tm.ticks_to_s(ticks), times, atol=1e-9)
    for s in times[:5]:
        assert tm.tick_to_s(tm.s_to_tick(s)) == pytest.approx(s, abs=1e-9)


def test_vector_and_scalar_agree() -> None:
    rng = np.random.default_rng(0)
    tm = TempoMap([TempoChange(0, 100)] + [TempoChange(int(t), float(b)) for t, b in
                                          zip(np.cumsum(rng.integers(100, 2000, 200)), rng.uniform(60, 240, 200))])
    ticks = rng.uniform(0, tm.tempos[-1].tick * 1.1, 1000)
    assert np.allclose(tm.ticks_to_s(ticks), [tm.tick_to_s(t) for t in ticks])


def test_beats_and_bars_follow_time_signatures() -> None:
    tm = TempoMap(time_signatures=[TimeSignature(0, 4, 4), TimeSignature(1920, 7, 8)])
    beats = list(tm.beats(0, 1920 + 7 * 240 + 1))
    assert beats[:5] == [(0, True), (480, False), (960, False), (1440, False), (1920, True)]
    assert [t for t, _ in beats[4:]] == [1920 + k * 240 for k in range(8)]
    assert beats[-1] == (1920 + 7 * 240, True)
    assert list(tm.beats(500, 1500)) == [(960, False), (1440, False)]


@pytest.mark.parametrize("tick, divisions, expected", [
    (130, 4, 120), (100, 4, 120), (170, 3, 160), (239, 1, 0), (241, 1, 480), (1, 16, 0), (29, 16, 30),
])
def test_snap(tick: float, divisions: int, expected: int) -> None:
    assert TempoMap().snap(tick, divisions) == expected


def test_anchor_pins_a_marker_to_its_time() -> None:
    tm = TempoMap([TempoChange(0, 120), TempoChange(1920, 120, anchor_s=2.5)]).resolve_anchors()
    assert tm.tick_to_s(1920) == pytest.approx(2.5)
    assert tm.tempos[0].bpm == pytest.approx(96.0)
    # changing the first tempo and resolving again keeps the pin
    moved = tm.replace(tempos=[TempoChange(0, 200), tm.tempos[1]]).resolve_anchors()
    assert moved.tick_to_s(1920) == pytest.approx(2.5)


def test_anchor_before_previous_marker_is_refused() -> None:
    tm = TempoMap([TempoChange(0, 120), TempoChange(960, 120), TempoChange(1920, 120, anchor_s=0.1)])
    with pytest.raises(ValueError, match="anchor"):
        tm.resolve_anchors()


@pytest.mark.parametrize("bad", [dict(tick=-1, bpm=120), dict(tick=0, bpm=0), dict(tick=0, bpm=float("nan"))])
def test_bad_tempo_refused(bad) -> None:
    with pytest.raises(ValueError):
        TempoChange(**bad)


def test_bad_time_signature_refused() -> None:
    with pytest.raises(ValueError):
        TimeSignature(0, 4, 3)
