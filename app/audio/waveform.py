"""Waveform peaks for display: min/max per bin, and a multi-resolution pyramid for any zoom."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

BASE_SAMPLES_PER_BIN = 16
"""Finest pyramid level; views more zoomed in than this read the samples themselves."""
LEVEL_FACTOR = 4
"""Each pyramid level has 4x fewer bins than the one below (like audio editors' summaries)."""


class Peaks(NamedTuple):
    """Per-bin minimum and maximum, float32 arrays of equal length."""

    min: np.ndarray
    max: np.ndarray


class WaveformView(NamedTuple):
    """Peaks for a time range: bin i covers [start_s + i * bin_s, start_s + (i + 1) * bin_s)."""

    min: np.ndarray
    max: np.ndarray
    start_s: float
    bin_s: float


def _mono(audio: np.ndarray) -> np.ndarray:
    x = np.asarray(audio, dtype=np.float32)
    return x.mean(axis=0) if x.ndim == 2 else x


def _reduce(lo: np.ndarray, hi: np.ndarray, per_bin: int) -> Peaks:
    """Combine consecutive groups of `per_bin` entries (the last group may be shorter)."""
    if lo.size == 0:
        return Peaks(lo.copy(), hi.copy())
    starts = np.arange(0, lo.size, per_bin)
    return Peaks(np.minimum.reduceat(lo, starts), np.maximum.reduceat(hi, starts))


def peaks(audio: np.ndarray, sr: int, samples_per_bin: int) -> Peaks:
    """Min and max of each run of `samples_per_bin` samples of (n,) or (channels, n) audio.

    Stereo is averaged to mono first. Returns ceil(n / samples_per_bin) bins; `sr` is not
    needed for the computation and is accepted for a uniform signature.
    """
    if samples_per_bin < 1:
        raise ValueError("samples_per_bin must be >= 1")
    x = _mono(audio)
    return _reduce(x, x, int(samples_per_bin))


class WaveformPyramid:
    """Min/max summaries at 16, 64, 256, ... samples per bin, built once, queried per view."""

    def __init__(self, audio: np.ndarray, sr: int, base_samples_per_bin: int = BASE_SAMPLES_PER_BIN,
                 factor: int = LEVEL_FACTOR) -> None:
        self.samples = _mono(audio)
        self.sr = int(sr)
        self.factor = int(factor)
        self.levels: list[tuple[int, Peaks]] = []  # (samples per bin, peaks)
        level = peaks(self.samples, sr, base_samples_per_bin)
        spb = int(base_samples_per_bin)
        while True:
            self.levels.append((spb, level))
            if level.min.size <= 1:
                break
            level, spb = _reduce(level.min, level.max, self.factor), spb * self.factor

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sr

    def view(self, start_s: float, end_s: float, n_bins: int) -> WaveformView:
        """About `n_bins` bins (e.g. one per pixel) covering [start_s, end_s).

        Uses the coarsest level whose bins are no wider than the requested bin, then merges
        whole level bins, so the answer costs O(n_bins * factor) whatever the zoom. Bins
        are aligned to the level's grid: start_s and bin_s of the answer are exact.
        Times outside the audio give empty arrays for those parts (no padding).
        """
        n_bins = max(1, int(n_bins))
        start = max(0, int(np.floor(start_s * self.sr)))
        end = min(self.samples.size, int(np.ceil(end_s * self.sr)))
        if end <= start:
            empty = np.zeros(0, np.float32)
            return WaveformView(empty, empty, start / self.sr, 1.0 / self.sr)
        wanted = max(1, (end - start) // n_bins)  # samples per output bin
        spb, level = 1, Peaks(self.samples, self.samples)
        for level_spb, level_peaks in self.levels:
            if level_spb <= wanted:
                spb, level = level_spb, level_peaks
        group = max(1, wanted // spb)
        first = start // (spb * group) * group  # level-bin index, aligned to the output grid
        last = -(-end // spb)
        out = _reduce(level.min[first:last], level.max[first:last], group)
        return WaveformView(out.min, out.max, first * spb / self.sr, spb * group / self.sr)
