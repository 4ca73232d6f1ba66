"""Feature shapes, the frame-time convention and block computation."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from app.constants import FRAME_RATE, HOP_LENGTH, SAMPLE_RATE
from app.transcription.features import (FeatureParams, compute_features, features_torch, frame_of_time_s,
                                        time_of_frame_s)


def test_shape_and_band_count(feature_params):
    audio = np.zeros(SAMPLE_RATE, np.float32)
    f = compute_features(audio, feature_params)
    assert feature_params.n_bands == 84
    assert f.shape == (2, 1 + SAMPLE_RATE // HOP_LENGTH, 84)
    assert f.dtype == np.float32
    assert np.all(f == 0.0)
    assert feature_params.frame_rate == pytest.approx(FRAME_RATE)


def test_frame_k_is_centred_at_k_hop():
    fp = FeatureParams()
    audio = np.zeros(2 * SAMPLE_RATE, np.float32)
    k = 100
    audio[k * HOP_LENGTH] = 1.0  # a click exactly at the centre of frame k
    f = compute_features(audio, fp)
    short = f[1].sum(axis=1)  # the 512-point channel
    assert int(np.argmax(short)) == k
    assert short[k - 1] == pytest.approx(short[k + 1], rel=0.05)  # symmetric around the centre
    assert frame_of_time_s(time_of_frame_s(k, fp.frame_rate), fp.frame_rate) == k
    assert frame_of_time_s(k * HOP_LENGTH / SAMPLE_RATE + 0.4 / fp.frame_rate, fp.frame_rate) == k
    assert list(frame_of_time_s(np.array([0.0, 1.0]), fp.frame_rate)) == [0, round(fp.frame_rate)]


def test_blocks_equal_one_pass():
    fp = FeatureParams(block_frames=100)
    audio = np.random.default_rng(1).standard_normal(3 * SAMPLE_RATE).astype(np.float32) * 0.1
    blocks = compute_features(audio, fp)
    whole = features_torch(torch.from_numpy(audio), fp)[0].numpy()
    assert blocks.shape == whole.shape
    np.testing.assert_allclose(blocks, whole, atol=1e-5)


def test_louder_is_larger_and_stereo_is_averaged(feature_params):
    rng = np.random.default_rng(2)
    audio = rng.standard_normal(SAMPLE_RATE // 2).astype(np.float32) * 0.01
    quiet = compute_features(audio, feature_params)
    loud = compute_features(audio * 10, feature_params)
    assert loud.mean() > quiet.mean() > 0
    stereo = compute_features(np.stack([audio, audio]), feature_params)
    np.testing.assert_allclose(stereo, quiet, atol=1e-6)


def test_params_round_trip_and_validation():
    fp = FeatureParams(n_ffts=(1024, 256))
    assert FeatureParams.from_dict(fp.to_dict()) == fp
    with pytest.raises(ValueError):
        FeatureParams(f_max_hz=30000.0)
    with pytest.raises(ValueError):
        FeatureParams(n_ffts=(100,))
    with pytest.raises(ValueError):
        FeatureParams.from_dict({**fp.to_dict(), "mystery": 1})


def test_magnitude_is_complex_abs():
    import torch
    from app.transcription.features import FeatureParams, pad_audio, spectrogram_from_padded, _filterbank, _window
    fp = FeatureParams()
    audio = torch.from_numpy((np.random.default_rng(5).standard_normal(44100) * 0.2).astype(np.float32))[None]
    padded = pad_audio(audio, fp)
    got = spectrogram_from_padded(padded, 0, 50, fp)
    n_fft = fp.n_ffts[0]
    seg = padded[:, max(fp.n_ffts) // 2 - n_fft // 2:][:, :49 * fp.hop_length + n_fft]
    spec = torch.stft(seg, n_fft, hop_length=fp.hop_length, window=_window(n_fft), center=False, return_complex=True)
    ref = torch.log10(1.0 + (spec.abs().transpose(1, 2) * (fp.magnitude_scale / (n_fft / 2))) @ _filterbank(fp, n_fft))
    torch.testing.assert_close(got[:, 0], ref, atol=1e-5, rtol=1e-5)
