"""Chart-to-audio alignment: known offsets are recovered, drifting charts are rejected."""
from __future__ import annotations

import numpy as np
import pytest

from app.training.alignment import align_chart_to_audio

SR = 44100


def _drum_audio(times_s: np.ndarray, length_s: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    audio = np.zeros(int(length_s * SR), np.float32)
    decay = np.exp(-np.arange(int(0.15 * SR)) / (0.03 * SR))
    for t in times_s:
        i = int(round(t * SR))
        seg = (rng.standard_normal(len(decay)) * decay * rng.uniform(0.3, 1.0)).astype(np.float32)
        audio[i:i + len(seg)] += seg[: len(audio) - i]
    return audio + 0.001 * rng.standard_normal(len(audio)).astype(np.float32)


def _groove(length_s: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    eighth = 60 / 128 / 2
    t = np.arange(1.0, length_s - 1, eighth)
    keep = rng.random(len(t)) > 0.15
    return t[keep] + rng.normal(0, 0.003, keep.sum())


@pytest.mark.parametrize("offset_s", [0.0, 0.0371, -0.120, 0.4])
def test_recovers_injected_offset_within_5_ms(offset_s: float) -> None:
    true = _groove(60, seed=3)
    audio = _drum_audio(true, 62, seed=1)
    chart_times = true - offset_s  # the chart is off by -offset
    al = align_chart_to_audio(audio, chart_times)
    assert abs(al.offset_s - offset_s) < 0.005, al
    assert al.ok


def test_drifting_chart_is_rejected() -> None:
    true = _groove(80, seed=4)
    audio = _drum_audio(true, 82, seed=2)
    chart_times = true * 1.0015  # tempo 0.15 % off: 120 ms drift by the end
    al = align_chart_to_audio(audio, chart_times)
    assert not al.ok and al.residual_ms > 30
