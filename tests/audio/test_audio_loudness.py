"""BS.1770 loudness: reference coefficients, the -3.01 LUFS sine, and normalisation of quiet vs loud."""
from __future__ import annotations

import numpy as np
import pytest

from app.audio.loudness import integrated_loudness, k_weighting_sos, normalize_loudness


def test_k_weighting_matches_bs1770_tables_at_48k():
    sos = k_weighting_sos(48000)
    np.testing.assert_allclose(sos[0, :3], [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
    np.testing.assert_allclose(sos[0, 4:], [-1.69065929318241, 0.73248077421585], atol=1e-9)
    np.testing.assert_allclose(sos[1, 4:], [-1.99004745483398, 0.99007225036621], atol=1e-9)


def test_full_scale_1k_sine_is_minus_3_lufs():
    sr = 48000
    x = np.sin(2 * np.pi * 997 * np.arange(5 * sr) / sr)
    assert integrated_loudness(x, sr) == pytest.approx(-3.01, abs=0.05)


def test_silence_is_minus_inf_and_left_alone():
    x = np.zeros(44100, np.float32)
    assert integrated_loudness(x, 44100) == float("-inf")
    assert np.array_equal(normalize_loudness(x, 44100), x)


def _drum_like(sr: int, seconds: float = 6.0) -> np.ndarray:
    """Decaying noise bursts every 250 ms: peaky like drums."""
    rng = np.random.default_rng(1)
    x = np.zeros(int(seconds * sr))
    env = np.exp(-np.arange(int(0.1 * sr)) / (0.02 * sr))
    for start in range(0, x.size - env.size, int(0.25 * sr)):
        x[start:start + env.size] += rng.standard_normal(env.size) * env
    return (x / np.abs(x).max()).astype(np.float32)


@pytest.mark.parametrize("channels", [1, 2])
def test_quiet_and_loud_masters_come_out_alike(channels):
    sr = 44100
    base = _drum_like(sr)
    if channels == 2:
        base = np.stack([base, 0.8 * base])
    quiet, loud = base * 10 ** (-30 / 20), base * 10 ** (-6 / 20)
    a, b = normalize_loudness(quiet, sr, target_lufs=-24.0), normalize_loudness(loud, sr, target_lufs=-24.0)
    la, lb = integrated_loudness(a, sr), integrated_loudness(b, sr)
    assert abs(la - lb) < 0.5
    assert la == pytest.approx(-24.0, abs=0.5)
    assert a.dtype == np.float32 and a.shape == base.shape


def test_peak_limit_lowers_the_gain():
    sr = 44100
    x = _drum_like(sr) * 0.01
    y = normalize_loudness(x, sr, target_lufs=0.0, peak_limit=0.99)
    assert np.abs(y).max() == pytest.approx(0.99, abs=1e-3)
    assert integrated_loudness(y, sr) < 0.0
