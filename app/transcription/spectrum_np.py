"""STFT magnitudes of frame blocks in numpy and scipy.fft (the onnxruntime engine's features; no torch)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from app.transcription.feature_params import FeatureParams


@lru_cache(maxsize=8)
def hann_window(n_fft: int) -> np.ndarray:
    """Periodic Hann window (torch.hann_window(n_fft, periodic=True)), float32, read-only."""
    w = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)
    w.flags.writeable = False
    return w


def pad_audio_np(audio: np.ndarray, params: FeatureParams) -> np.ndarray:
    """(N,) -> (N + 2 * pad + hop,) float32: the zero padding `magnitudes_from_padded` expects
    (as app.transcription.features.pad_audio)."""
    pad = max(params.n_ffts) // 2
    return np.pad(np.asarray(audio, np.float32), (pad, pad + params.hop_length))


def magnitudes_from_padded(padded: np.ndarray, first_frame: int, n_frames: int,
                           params: FeatureParams) -> list[np.ndarray]:
    """|STFT| of frames first_frame .. first_frame + n_frames - 1, one (n_frames, n_fft // 2 + 1) float32
    array per n_fft, from `pad_audio_np` output (frame k centred on sample k * hop; not yet scaled or banded:
    the engine's front-end graph does that, as app.transcription.features.spectrogram_from_padded)."""
    import scipy.fft

    pad = max(params.n_ffts) // 2
    hop = params.hop_length
    out = []
    for n_fft in params.n_ffts:
        start = first_frame * hop + pad - n_fft // 2
        seg = padded[start:start + (n_frames - 1) * hop + n_fft]
        frames = np.lib.stride_tricks.sliding_window_view(seg, n_fft)[::hop]
        spec = scipy.fft.rfft(frames * hann_window(n_fft), axis=-1, workers=1)
        out.append(np.sqrt(spec.real * spec.real + spec.imag * spec.imag))
    return out
