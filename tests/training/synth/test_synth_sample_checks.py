"""Sample checks: band shares of synthetic one-shots, and which labels they refuse."""
from __future__ import annotations

import numpy as np

from app.constants import SAMPLE_RATE
from app.training.synth.sample_checks import band_profile, known_mislabelled, unsound_reason


def _boom(hz: float, seconds: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (np.sin(2 * np.pi * hz * t) * np.exp(-t / 0.1)).astype(np.float32)


def _hiss(seconds: float = 0.3) -> np.ndarray:
    x = np.random.default_rng(0).standard_normal(int(seconds * SAMPLE_RATE))
    x = np.diff(x, prepend=0.0)  # tilted up: most energy high, as a cymbal's
    return (x * np.exp(-np.arange(len(x)) / (0.1 * SAMPLE_RATE))).astype(np.float32)


def test_band_profile_of_a_boom_and_a_hiss() -> None:
    low, high, centroid = band_profile(_boom(50))
    assert low > 0.95 and high < 0.01 and 40 < centroid < 80
    low, high, centroid = band_profile(_hiss())
    assert low < 0.02 and high > 0.6 and centroid > 5000
    assert band_profile(np.zeros(100)) == (0.0, 0.0, 0.0)


def test_cymbal_labels_need_high_energy() -> None:
    assert unsound_reason("crash", _hiss()) is None
    assert unsound_reason("hihat_closed", _hiss(0.05)) is None
    assert "below 250 Hz" in unsound_reason("crash", _boom(40))
    assert "below 250 Hz" in unsound_reason("hihat_open", _boom(90))
    assert "above 3000 Hz" in unsound_reason("ride_bell", _boom(480))  # a 480 Hz tone, no partials: no bell


def test_tom_labels_refuse_sub_bass() -> None:
    assert unsound_reason("tom_floor", _boom(90)) is None
    assert "below any tom" in unsound_reason("tom_high", _boom(35))
    assert unsound_reason("kick", _boom(35)) is None  # kicks may sit that low
    assert unsound_reason(None, _boom(35)) is None     # unlabelled percussion is never checked


def test_known_mislabelled_matches_folder_or_name() -> None:
    assert "tom sample" in known_mislabelled(("Audiophob", "Audiophob"), "Kick")
    assert known_mislabelled(("Audiophob",), "Snare Rock") is None
    assert known_mislabelled(("OtherKit",), "Kick") is None
