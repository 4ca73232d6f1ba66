"""Feature parameters, the frame-time convention, the band filterbank and block spans (numpy only, no torch)."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from app.constants import HOP_LENGTH, SAMPLE_RATE

# Frame convention: frame k is centred on audio sample k * hop, i.e. at k * hop / sr seconds (the
# STFT window is centred there, audio padded with zeros by n_fft // 2 at both ends). A song of N
# samples has 1 + N // hop frames. Labels, decode and the editor all use the two helpers below.


def frame_of_time_s(time_s: float | np.ndarray, frame_rate: float) -> np.ndarray | int:
    """Nearest frame index of `time_s` (frame k is centred at k / frame_rate seconds)."""
    k = np.rint(np.asarray(time_s, dtype=np.float64) * frame_rate).astype(np.int64)
    return int(k) if k.ndim == 0 else k


def time_of_frame_s(frame: float | np.ndarray, frame_rate: float) -> float | np.ndarray:
    """Centre time in seconds of frame `frame` (fractional frames allowed)."""
    t = np.asarray(frame, dtype=np.float64) / frame_rate
    return float(t) if t.ndim == 0 else t


@dataclass(frozen=True)
class FeatureParams:
    """Every parameter of the feature extraction; stored in checkpoints and compared on load.

    n_ffts: one channel per STFT size. 2048 (46 ms) resolves kick and floor-tom fundamentals
    (21.5 Hz bins, needed for 12 bands/octave below ~300 Hz); 512 (11.6 ms) keeps the transient
    sharp for hi-hats, rims and flams that a 46 ms window smears over 8 frames. Both use the same
    bands, so the network sees a (2, T, n_bands) image.
    Bands: triangular filters on log-spaced centres, `bands_per_octave` from f_min_hz to f_max_hz
    (reference 440 Hz), centres rounded to the bins of the largest n_fft and de-duplicated
    (madmom/ADTOF style: 84 bands for the defaults). Value: log10(1 + magnitude_scale * |X|), |X|
    normalised by the window sum (a full-scale sine has |X| = 0.5 in its band).
    """

    sample_rate: int = SAMPLE_RATE
    hop_length: int = HOP_LENGTH
    n_ffts: tuple[int, ...] = (2048, 512)
    bands_per_octave: int = 12
    f_min_hz: float = 20.0
    f_max_hz: float = 20000.0
    magnitude_scale: float = 1.0e4
    block_frames: int = field(default=1024, compare=False)
    """Frames computed per block in `compute_features` (memory bound only; not part of the result)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_ffts", tuple(int(n) for n in self.n_ffts))
        problems = self.problems()
        if problems:
            raise ValueError("bad feature parameters: " + "; ".join(problems))

    def problems(self) -> list[str]:
        out = []
        if not (8000 <= self.sample_rate <= 192000):
            out.append(f"sample_rate {self.sample_rate} out of range")
        if not (16 <= self.hop_length <= 4096):
            out.append(f"hop_length {self.hop_length} out of range")
        if not self.n_ffts or any(n < self.hop_length or n > 16384 or n % 2 for n in self.n_ffts):
            out.append(f"n_ffts {self.n_ffts} must be even, >= hop and <= 16384")
        if not (1 <= self.bands_per_octave <= 48):
            out.append(f"bands_per_octave {self.bands_per_octave} out of range")
        if not (0 < self.f_min_hz < self.f_max_hz <= self.sample_rate / 2):
            out.append(f"band range {self.f_min_hz}-{self.f_max_hz} Hz is not inside 0-{self.sample_rate / 2} Hz")
        if not (0 < self.magnitude_scale < 1e9):
            out.append(f"magnitude_scale {self.magnitude_scale} out of range")
        return out

    @property
    def frame_rate(self) -> float:
        return self.sample_rate / self.hop_length

    @property
    def n_channels(self) -> int:
        return len(self.n_ffts)

    @property
    def n_bands(self) -> int:
        return len(_band_edges_hz(self)) - 2

    def n_frames(self, n_samples: int) -> int:
        return 1 + int(n_samples) // self.hop_length

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["n_ffts"] = list(self.n_ffts)
        d.pop("block_frames")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FeatureParams":
        known = {k: d[k] for k in ("sample_rate", "hop_length", "n_ffts", "bands_per_octave", "f_min_hz",
                                   "f_max_hz", "magnitude_scale") if k in d}
        unknown = set(d) - set(known)
        if unknown:
            raise ValueError(f"unknown feature parameters {sorted(unknown)}")
        return cls(**known)


@lru_cache(maxsize=16)
def _band_edges_hz(params: FeatureParams) -> tuple[float, ...]:
    """Unique band edge/centre frequencies (Hz): band i spans edges[i]..edges[i+2], peak at edges[i+1]."""
    n_ref = max(params.n_ffts)
    bin_hz = params.sample_rate / n_ref
    lo = math.floor(math.log2(params.f_min_hz / 440.0) * params.bands_per_octave)
    hi = math.ceil(math.log2(params.f_max_hz / 440.0) * params.bands_per_octave)
    freqs = 440.0 * 2.0 ** (np.arange(lo, hi + 1) / params.bands_per_octave)
    freqs = freqs[(freqs >= params.f_min_hz) & (freqs <= params.f_max_hz)]
    bins = np.unique(np.clip(np.rint(freqs / bin_hz), 1, n_ref // 2).astype(int))
    if len(bins) < 3:
        raise ValueError("band range too narrow for the filterbank")
    return tuple(float(b * bin_hz) for b in bins)


@lru_cache(maxsize=16)
def filterbank(params: FeatureParams, n_fft: int) -> np.ndarray:
    """(n_fft // 2 + 1, n_bands) float32 triangular filters, each summing to 1 (read-only: shared by callers)."""
    edges = np.asarray(_band_edges_hz(params))
    bin_freqs = np.arange(n_fft // 2 + 1) * params.sample_rate / n_fft
    fb = np.zeros((len(bin_freqs), len(edges) - 2), dtype=np.float64)
    for i in range(len(edges) - 2):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        up = (bin_freqs - lo) / (mid - lo)
        down = (hi - bin_freqs) / (hi - mid)
        w = np.clip(np.minimum(up, down), 0.0, None)
        if w.sum() <= 0:  # band narrower than a bin of this resolution: nearest bin
            w[int(np.argmin(np.abs(bin_freqs - mid)))] = 1.0
        fb[:, i] = w / w.sum()
    fb = fb.astype(np.float32)
    fb.flags.writeable = False
    return fb


def feature_block_spans(n_frames: int, block_frames: int, margin_frames: int = 0) -> list[tuple[int, int, int, int]]:
    """(first, stop, lo, hi) per block of `block_frames` frames covering 0..n_frames-1: the block is
    first..stop-1 and lo..hi-1 adds `margin_frames` of real context on each side (none past the song's ends)."""
    out = []
    for first in range(0, n_frames, block_frames):
        stop = min(first + block_frames, n_frames)
        out.append((first, stop, max(first - margin_frames, 0), min(stop + margin_frames, n_frames)))
    return out


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(N,), (N, ch) or (ch, N) -> contiguous float32 (N,); the channel axis is the short one."""
    a = np.asarray(audio, dtype=np.float32)
    if a.ndim == 2:
        a = a.mean(axis=0 if a.shape[0] <= a.shape[1] else 1)
    if a.ndim != 1:
        raise ValueError(f"audio must be 1-D or 2-D, got shape {np.shape(audio)}")
    return np.ascontiguousarray(a)
