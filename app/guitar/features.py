"""Adaptive note windows and log-mel (or CQT) features of guitar notes: [n_bands, frames] in dB, variable length."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
import torch

NORMALIZATIONS = ("peak", "rms", "none")
RMS_TARGET = 0.1
"""Linear RMS level of a snippet after normalize: rms."""


@dataclass(frozen=True)
class FeatureParams:
    """How a note becomes features. Times in seconds, frequencies in Hz.

    A note's window starts pre_roll_s before its onset and ends at its offset, cut to max_window_s;
    a window shorter than min_window_s is zero-padded to it (the silence after a short note is part
    of what the model sees). Frames: 1 + window_samples // hop_length (centred STFT).
    """

    kind: str = "mel"  # mel | cqt
    sample_rate_hz: int = 22050
    n_fft: int = 2048
    hop_length: int = 128
    n_mels: int = 128  # bands of either kind
    fmin_hz: float = 80.0
    fmax_hz: float = 8000.0
    floor_db: float = -80.0
    normalize: str = "peak"  # peak | rms | none
    pre_roll_s: float = 0.01
    min_window_s: float = 0.5
    max_window_s: float = 3.0

    def __post_init__(self) -> None:
        if self.kind not in ("mel", "cqt"):
            raise ValueError(f"features.kind {self.kind!r} is not mel or cqt")
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(f"features.normalize {self.normalize!r} is not one of {NORMALIZATIONS}")
        if not (0 < self.fmin_hz < self.fmax_hz <= self.sample_rate_hz / 2):
            raise ValueError(f"need 0 < fmin_hz < fmax_hz <= {self.sample_rate_hz / 2:g} Hz")
        if self.hop_length <= 0 or self.n_fft < self.hop_length or self.n_mels <= 0:
            raise ValueError("need hop_length > 0, n_fft >= hop_length and n_mels > 0")
        if not (0 < self.min_window_s <= self.max_window_s) or self.pre_roll_s < 0:
            raise ValueError("need 0 < min_window_s <= max_window_s and pre_roll_s >= 0")
        if self.floor_db >= 0:
            raise ValueError("floor_db must be negative")

    @property
    def frame_rate_hz(self) -> float:
        return self.sample_rate_hz / self.hop_length

    def n_frames(self, n_samples: int) -> int:
        return 1 + n_samples // self.hop_length

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FeatureParams":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown feature parameters {sorted(unknown)}")
        return cls(**d)


@dataclass(frozen=True)
class NoteWindow:
    """The audio a note's features come from: [start_s, content_end_s) of the recording, zero-padded to length_s."""

    start_s: float
    content_end_s: float
    length_s: float


def note_window(onset_s: float, offset_s: float, params: FeatureParams) -> NoteWindow:
    """Adaptive window: the whole note, no shorter than min_window_s (padding) and no longer than max_window_s (cut)."""
    start = max(0.0, onset_s - params.pre_roll_s)
    end = min(max(offset_s, onset_s), start + params.max_window_s)
    return NoteWindow(start, end, max(end - start, params.min_window_s))


def cut_snippet(audio: np.ndarray, window: NoteWindow, sr: int) -> np.ndarray:
    """Samples of `window` from mono `audio` (at sr), zero-padded to the window length; float32."""
    a, b = int(round(window.start_s * sr)), int(round(window.content_end_s * sr))
    n = max(int(round(window.length_s * sr)), 1)
    out = np.zeros(n, dtype=np.float32)
    piece = audio[max(a, 0):max(min(b, len(audio), a + n), 0)]
    out[:len(piece)] = piece
    return out


def normalize_snippet(snippet: np.ndarray, how: str) -> np.ndarray:
    x = np.asarray(snippet, dtype=np.float32)
    if how == "peak":
        peak = float(np.max(np.abs(x))) if x.size else 0.0
        return x / peak if peak > 1e-9 else x
    if how == "rms":
        rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if x.size else 0.0
        return x * np.float32(RMS_TARGET / rms) if rms > 1e-9 else x
    return x


@lru_cache(maxsize=8)
def _mel_basis(params: FeatureParams) -> torch.Tensor:
    import librosa

    fb = librosa.filters.mel(sr=params.sample_rate_hz, n_fft=params.n_fft, n_mels=params.n_mels,
                             fmin=params.fmin_hz, fmax=params.fmax_hz, norm=None)
    return torch.from_numpy(fb.astype(np.float32))


def _power_mel(x: np.ndarray, params: FeatureParams) -> np.ndarray:
    window = torch.hann_window(params.n_fft)
    with torch.no_grad():
        spec = torch.stft(torch.from_numpy(x), params.n_fft, params.hop_length, window=window, center=True,
                          pad_mode="constant", return_complex=True)
        power = (spec.abs() * (2.0 / float(window.sum()))) ** 2  # a full-scale sine peaks at 1 (0 dB)
        return (_mel_basis(params) @ power).numpy()


def _power_cqt(x: np.ndarray, params: FeatureParams) -> np.ndarray:
    import librosa

    octaves = math.log2(params.fmax_hz / params.fmin_hz)
    bins_per_octave = max(12, int(math.ceil(params.n_mels / octaves)))
    # librosa's CQT has no fixed full-scale reference: its power is relative to the snippet's loudest bin (0 dB)
    c = librosa.cqt(x, sr=params.sample_rate_hz, hop_length=params.hop_length, fmin=params.fmin_hz,
                    n_bins=params.n_mels, bins_per_octave=bins_per_octave, pad_mode="constant")
    power = (np.abs(c) ** 2)[:, :params.n_frames(len(x))]
    return (power / max(float(power.max()), 1e-20)).astype(np.float32)


def note_features_db(snippet: np.ndarray, params: FeatureParams) -> np.ndarray:
    """Band power in dB (floored at floor_db) of a normalised snippet: float32 [n_mels, 1 + n // hop_length]."""
    x = normalize_snippet(snippet, params.normalize)
    power = _power_mel(x, params) if params.kind == "mel" else _power_cqt(x, params)
    db = 10.0 * np.log10(np.maximum(power, 10.0 ** (params.floor_db / 10.0)))
    return np.maximum(db, params.floor_db).astype(np.float32)


@lru_cache(maxsize=8)
def noise_band_power(params: FeatureParams) -> np.ndarray:
    """Mean band power of unit-variance white noise under these parameters, [n_mels] (for noise augmentation)."""
    noise = np.random.default_rng(0).standard_normal(params.sample_rate_hz).astype(np.float32)
    power = _power_mel(noise, params) if params.kind == "mel" else _power_cqt(noise, params)
    return power[:, 2:-2].mean(axis=1).astype(np.float32)


def scale_db(db: np.ndarray, params: FeatureParams) -> np.ndarray:
    """dB -> model input: floor_db maps to 0 (the value of padding), 0 dB to 1."""
    return np.maximum((db - params.floor_db) / -params.floor_db, 0.0).astype(np.float32)
