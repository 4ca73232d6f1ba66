"""Display spectrogram (not the model's features): dB magnitudes computed tile by tile, cancellable."""
from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np

from app.domain.progress import CancelFn, ProgressFn, check_cancel

FLOOR_DB = -120.0
"""Values are clipped below this (dB re full scale)."""
TILE_FRAMES = 1024
"""Frames per tile: about 10 s at a 10 ms hop."""


class DisplaySpectrogram(NamedTuple):
    """db: float16 (n_frames, n_bins), time along axis 0 (pyqtgraph ImageItem's x), 0 dB = a
    full-scale sine; times_s: centre of each frame (n_frames,); freqs_hz: (n_bins,)."""

    db: np.ndarray
    times_s: np.ndarray
    freqs_hz: np.ndarray


class SpectrogramTile(NamedTuple):
    """Frames [first_frame, first_frame + len(db)) of the full spectrogram."""

    first_frame: int
    db: np.ndarray


def _mono(audio: np.ndarray) -> np.ndarray:
    x = np.asarray(audio, dtype=np.float32)
    return x.mean(axis=0) if x.ndim == 2 else x


def frame_count(n_samples: int, hop: int) -> int:
    """Frames of a centred STFT: one every `hop` samples from t = 0 to the last sample."""
    return 1 + n_samples // hop if n_samples > 0 else 0


def iter_spectrogram_tiles(audio: np.ndarray, sr: int, hop_s: float = 0.01, n_fft: int = 2048,
                           tile_frames: int = TILE_FRAMES) -> Iterator[SpectrogramTile]:
    """Yield the spectrogram in tiles of `tile_frames` frames, first to last; frame i is centred
    on sample i * hop (the signal is zero-padded by n_fft // 2 on both sides)."""
    x = _mono(audio)
    hop = max(1, int(round(hop_s * sr)))
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)  # periodic Hann
    scale = 2.0 / window.sum()  # a full-scale sine peaks at 1.0 -> 0 dB
    padded = np.pad(x, (n_fft // 2, n_fft // 2))
    n_frames = frame_count(x.size, hop)
    for first in range(0, n_frames, tile_frames):
        count = min(tile_frames, n_frames - first)
        span = padded[first * hop: first * hop + (count - 1) * hop + n_fft]
        if span.size < (count - 1) * hop + n_fft:
            span = np.pad(span, (0, (count - 1) * hop + n_fft - span.size))
        frames = np.lib.stride_tricks.sliding_window_view(span, n_fft)[::hop][:count]
        mag = np.abs(np.fft.rfft(frames * window, axis=-1)) * scale
        db = 20.0 * np.log10(np.maximum(mag, 10.0 ** (FLOOR_DB / 20.0)))
        yield SpectrogramTile(first, db.astype(np.float16))


def display_spectrogram(audio: np.ndarray, sr: int, hop_s: float = 0.01, n_fft: int = 2048,
                        on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
                        tile_frames: int = TILE_FRAMES) -> DisplaySpectrogram:
    """The whole display spectrogram of (n,) or (channels, n) audio, built tile by tile.

    `should_cancel` is checked before each tile (raises Cancelled); `on_progress` gets the
    fraction of frames done. For progressive display, use iter_spectrogram_tiles directly.
    """
    x = _mono(audio)
    hop = max(1, int(round(hop_s * sr)))
    n_frames = frame_count(x.size, hop)
    db = np.full((n_frames, n_fft // 2 + 1), FLOOR_DB, dtype=np.float16)
    tiles = iter_spectrogram_tiles(x, sr, hop_s, n_fft, tile_frames)
    while True:
        check_cancel(should_cancel)
        tile = next(tiles, None)
        if tile is None:
            break
        db[tile.first_frame: tile.first_frame + tile.db.shape[0]] = tile.db
        if on_progress is not None:
            on_progress((tile.first_frame + tile.db.shape[0]) / n_frames, "spectrogram")
    times_s = np.arange(n_frames) * hop / sr
    freqs_hz = np.fft.rfftfreq(n_fft, 1.0 / sr)
    return DisplaySpectrogram(db, times_s, freqs_hz)
