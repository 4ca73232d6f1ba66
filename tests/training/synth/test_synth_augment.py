"""Augmentations keep length and finiteness, are seeded, and leave onsets in place."""
from __future__ import annotations

import numpy as np
import pytest

from app.constants import SAMPLE_RATE
from app.training.synth import augment

SR = SAMPLE_RATE


@pytest.fixture
def audio() -> np.ndarray:
    x = np.zeros(SR * 2, np.float32)
    rng = np.random.default_rng(0)
    for t in (0.25, 0.75, 1.25):
        i = int(t * SR)
        x[i: i + 4000] += (rng.standard_normal(4000) * np.exp(-np.arange(4000) / 600)).astype(np.float32) * 0.5
    return x


CASES = {
    "gain": lambda x, r: augment.gain_db(x, -6),
    "eq": lambda x, r: augment.random_eq(x, r),
    "compress": lambda x, r: augment.compress(x, -20, 4),
    "reverb": lambda x, r: augment.reverb(x, r),
    "gated": lambda x, r: augment.gated_reverb(x, r),
    "saturate": lambda x, r: augment.saturate(x, 9),
    "noise": lambda x, r: augment.add_noise(x, r, 30),
    "ogg": lambda x, r: augment.codec_roundtrip(x, "ogg"),
    "mp3": lambda x, r: augment.codec_roundtrip(x, "mp3"),
    "loudness": lambda x, r: augment.normalize_loudness(x, -20),
    "chain": lambda x, r: augment.random_chain(x, r)[0],
    "vintage": lambda x, r: augment.vintage(x, r)[0],
    "chain_vintage": lambda x, r: augment.random_chain(x, r, p_vintage=1.0)[0],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_keeps_shape_finite_and_seeded(name: str, audio: np.ndarray) -> None:
    try:
        y1 = CASES[name](audio, np.random.default_rng(1))
    except (RuntimeError, TypeError) as e:                       # codec missing from libsndfile
        pytest.skip(str(e))
    y2 = CASES[name](audio, np.random.default_rng(1))
    assert y1.shape == audio.shape and y1.dtype == np.float32 and np.all(np.isfinite(y1))
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", ["reverb", "gated", "compress", "ogg", "mp3", "vintage"])
def test_onsets_do_not_move(name: str, audio: np.ndarray) -> None:
    try:
        y = CASES[name](audio, np.random.default_rng(1))
    except (RuntimeError, TypeError) as e:
        pytest.skip(str(e))
    i = int(0.25 * SR)
    seg = np.abs(y[i - 441: i + 441])
    onset = int(np.argmax(seg >= 0.3 * seg.max())) - 441
    assert abs(onset) < 0.002 * SR


def test_pitch_shift_makes_a_one_shot_shorter() -> None:
    x = np.random.default_rng(0).standard_normal(10000).astype(np.float32)
    assert abs(len(augment.pitch_shift(x, 12)) - 5000) < 10
    assert augment.pitch_shift(x, 0) is x


def test_reverb_ir_decays_with_rt() -> None:
    ir = augment.reverb_ir(np.random.default_rng(0), 0.5, 0.0)
    e = ir ** 2
    first, late = e[: int(0.1 * SR)].sum(), e[int(0.4 * SR): int(0.5 * SR)].sum()
    assert late < first * 0.1


def test_vintage_is_band_limited() -> None:
    """The 1960s master keeps little above 9 kHz (two low-pass passes at 5-9 kHz)."""
    x = np.random.default_rng(3).standard_normal(SR).astype(np.float32) * 0.1
    y, kw = augment.vintage(x, np.random.default_rng(2))
    spec = np.abs(np.fft.rfft(y)) ** 2
    f = np.fft.rfftfreq(len(y), 1 / SR)
    hi = spec[f > 14000].mean() / spec[(f > 500) & (f < 3000)].mean()
    assert 5000 <= kw["lowpass_hz"] <= 9000 and hi < 0.05


def test_chain_without_vintage_draws_as_before() -> None:
    """p_vintage=0 draws nothing extra: older seeds render exactly as before it existed."""
    x = np.random.default_rng(3).standard_normal(SR).astype(np.float32) * 0.1
    a, info = augment.random_chain(x, np.random.default_rng(9))
    b, _ = augment.random_chain(x, np.random.default_rng(9), p_vintage=0.0)
    np.testing.assert_array_equal(a, b)
    assert "vintage" not in info
