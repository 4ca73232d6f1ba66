"""Adaptive note windows, feature shapes (mel and CQT), scaling of padding, resampling of 44.1 kHz sources."""
from __future__ import annotations

import numpy as np
import pytest

from app.guitar.dataset import collate, load_items
from app.guitar.features import FeatureParams, cut_snippet, note_features_db, note_window, scale_db
from app.guitar.metadata import read_metadata

P = FeatureParams(min_window_s=0.5, max_window_s=3.0, pre_roll_s=0.01)

WINDOWS = [  # onset, offset -> start, content end, length (s)
    (1.0, 1.1, 0.99, 1.1, 0.5),      # dead note: padded to the minimum
    (1.0, 2.5, 0.99, 2.5, 1.51),     # general note: whole
    (1.0, 6.0, 0.99, 3.99, 3.0),     # long harmonic: cut to the maximum
    (0.005, 0.8, 0.0, 0.8, 0.8),     # no pre-roll before the file's start
]


@pytest.mark.parametrize("onset, offset, start, end, length", WINDOWS)
def test_adaptive_window(onset, offset, start, end, length) -> None:
    w = note_window(onset, offset, P)
    assert (w.start_s, w.content_end_s, w.length_s) == pytest.approx((start, end, length))


def test_snippet_is_padded_with_zeros() -> None:
    sr = P.sample_rate_hz
    audio = np.ones(sr * 2, dtype=np.float32)
    s = cut_snippet(audio, note_window(1.0, 1.1, P), sr)
    assert len(s) == int(round(0.5 * sr))
    assert s[:int(0.1 * sr)].min() == 1.0 and s[int(0.12 * sr):].max() == 0.0


@pytest.mark.parametrize("kind", ["mel", "cqt"])
@pytest.mark.parametrize("seconds", [0.5, 1.3])
def test_feature_shapes(kind, seconds) -> None:
    p = FeatureParams(kind=kind)
    n = int(seconds * p.sample_rate_hz)
    t = np.arange(n) / p.sample_rate_hz
    db = note_features_db(0.3 * np.sin(2 * np.pi * 440 * t).astype(np.float32), p)
    assert db.shape == (p.n_mels, 1 + n // p.hop_length) == (128, p.n_frames(n))
    assert db.dtype == np.float32 and db.min() >= p.floor_db and db.max() <= 3.0


def test_peak_normalised_sine_is_near_0_db_and_padding_scales_to_0() -> None:
    n = P.sample_rate_hz
    t = np.arange(n) / P.sample_rate_hz
    db = note_features_db(0.01 * np.sin(2 * np.pi * 440 * t).astype(np.float32), P)
    assert -4.0 < db[:, 20:-20].max() < 2.0  # level-independent after peak normalisation
    x, lengths = collate([db, db[:, :30]], P)
    assert x.shape == (2, 1, 128, db.shape[1]) and lengths.tolist() == [db.shape[1], 30]
    assert float(x[1, 0, :, 30:].abs().max()) == 0.0
    assert scale_db(np.array([P.floor_db, 0.0]), P).tolist() == [0.0, 1.0]


def test_items_from_44k_files_are_resampled_to_22k(synth_table) -> None:
    meta = read_metadata(synth_table)
    p = FeatureParams(n_mels=64, hop_length=256, n_fft=1024)
    items, problems = load_items(meta.events[:5], p)
    assert not problems and len(items) == 5
    for it in items:
        w = note_window(it.event.onset_s, it.event.offset_s, p)
        assert it.db.shape == (64, p.n_frames(int(round(w.length_s * 22050))))
