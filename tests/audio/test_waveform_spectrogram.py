"""Waveform peaks and pyramid views; display spectrogram shapes, tiles, progress and cancel."""
from __future__ import annotations

import numpy as np
import pytest

from app.audio.spectrogram import display_spectrogram, iter_spectrogram_tiles
from app.audio.waveform import WaveformPyramid, peaks
from app.domain.progress import Cancelled
from audio_helpers import tone

SR = 44100


def test_peaks_per_bin():
    x = np.array([0.0, 1.0, -1.0, 0.5, 0.2, -0.3, 0.9], np.float32)
    lo, hi = peaks(x, SR, 3)
    np.testing.assert_array_equal(lo, np.float32([-1.0, -0.3, 0.9]))
    np.testing.assert_array_equal(hi, np.float32([1.0, 0.5, 0.9]))
    stereo = np.stack([x, x])
    assert np.array_equal(peaks(stereo, SR, 3).max, hi)
    with pytest.raises(ValueError):
        peaks(x, SR, 0)


def test_pyramid_view_matches_direct_peaks_at_any_zoom():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 10 * SR).astype(np.float32)
    pyramid = WaveformPyramid(x, SR)
    sizes = [spb for spb, _ in pyramid.levels]
    assert sizes[:3] == [16, 64, 256] and pyramid.levels[-1][1].min.size == 1
    for start_s, end_s, n_bins in [(0.0, 10.0, 800), (2.5, 3.0, 1000), (1.0, 1.001, 500), (9.9, 12.0, 100)]:
        view = pyramid.view(start_s, end_s, n_bins)
        assert view.min.shape == view.max.shape and view.min.size > 0
        samples = (min(end_s, 10.0) - start_s) * SR
        assert min(n_bins // 4, samples) <= view.min.size <= 4 * n_bins + 2
        spb = round(view.bin_s * SR)
        first = round(view.start_s * SR)
        assert first <= start_s * SR + 1
        direct = peaks(x[first:first + spb * view.min.size], SR, spb)
        np.testing.assert_array_equal(view.min, direct.min[:view.min.size])
        np.testing.assert_array_equal(view.max, direct.max[:view.max.size])
    empty = pyramid.view(20.0, 30.0, 100)
    assert empty.min.size == 0


def test_display_spectrogram_shapes_and_peak_frequency():
    x = tone(1000.0, 2.0, SR, amp=1.0)
    spec = display_spectrogram(x, SR, hop_s=0.01, n_fft=2048)
    assert spec.db.shape == (1 + x.size // 441, 1025) and spec.db.dtype == np.float16
    assert spec.times_s.shape == (spec.db.shape[0],) and spec.freqs_hz.shape == (1025,)
    assert spec.times_s[1] == pytest.approx(0.01)
    middle = spec.db[spec.db.shape[0] // 2].astype(np.float32)
    assert abs(spec.freqs_hz[np.argmax(middle)] - 1000) < SR / 2048
    assert -2.0 < middle.max() <= 0.5  # 0 dB = full-scale sine (Hann scalloping < 1.5 dB)
    assert middle.min() >= -120.0


def test_spectrogram_tiles_cover_everything_and_progress_and_cancel():
    x = np.random.default_rng(0).standard_normal(3 * SR).astype(np.float32) * 0.1
    whole = display_spectrogram(x, SR, n_fft=1024)
    tiles = list(iter_spectrogram_tiles(x, SR, n_fft=1024, tile_frames=50))
    assert [t.first_frame for t in tiles] == list(range(0, whole.db.shape[0], 50))
    np.testing.assert_array_equal(np.concatenate([t.db for t in tiles]), whole.db)
    seen: list[float] = []
    display_spectrogram(x, SR, n_fft=1024, tile_frames=50, on_progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == len(tiles)
    with pytest.raises(Cancelled):
        display_spectrogram(x, SR, tile_frames=50, should_cancel=lambda: len(seen) > 7,
                            on_progress=lambda f, m: seen.append(f))


def test_spectrogram_of_empty_audio():
    spec = display_spectrogram(np.zeros(0, np.float32), SR)
    assert spec.db.shape == (0, 1025)
