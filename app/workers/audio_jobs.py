"""Plain (Qt-free) audio jobs the editor runs off the GUI thread: load audio + peaks, display spectrogram."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PLAYBACK_RATE = 44100
SPECTRO_BANDS = 192
SPECTRO_FMIN, SPECTRO_FMAX = 30.0, 16000.0


@dataclass
class LoadedAudio:
    """Decoded song audio: `stereo` float32 (2, n) at `sr` for playback; `pyramid` for the waveform."""

    stereo: np.ndarray
    sr: int
    pyramid: object  # app.audio.waveform.WaveformPyramid
    files: tuple[Path, ...]
    description: str
    drums: np.ndarray | None = None  # (2, n) the drum stems' share of `stereo` when the rest is separate

    @property
    def duration_s(self) -> float:
        return self.stereo.shape[-1] / self.sr

    @property
    def mono(self) -> np.ndarray:
        return self.stereo.mean(axis=0)


@dataclass
class SpectrogramImage:
    """`db` float32 (n_frames, n_bands): time along axis 0; covers [0, duration_s] x [0, n_bands)."""

    db: np.ndarray
    duration_s: float
    band_hz: np.ndarray  # lower edge of each band (n_bands,)


def song_audio_files(stems: dict[str, Path]) -> tuple[Path, ...]:
    """What the game plays together: every stem but the preview."""
    return tuple(p for name, p in sorted(stems.items()) if name != "preview")


def load_editor_audio(files, on_progress=None, should_cancel=None) -> LoadedAudio:
    """Decode and sum `files` to stereo, and build the waveform peak pyramid."""
    from app.audio.decode import load_audio
    from app.audio.waveform import WaveformPyramid
    from app.domain.progress import check_cancel

    files = tuple(Path(f) for f in files)
    signals = []
    for k, f in enumerate(files):
        check_cancel(should_cancel)
        signals.append(load_audio(f, PLAYBACK_RATE, mono=False))
        if on_progress:
            on_progress((k + 1) / (len(files) + 1), f"decoding {f.name}")
    n = max(s.shape[-1] for s in signals)
    stereo = np.zeros((2, n), dtype=np.float32)
    for s in signals:
        stereo[:, :s.shape[-1]] += s
    is_drums = [is_drum_stem(f) for f in files]
    drums = None
    if any(is_drums) and not all(is_drums):
        drums = np.zeros_like(stereo)
        for s, d in zip(signals, is_drums):
            if d:
                drums[:, :s.shape[-1]] += s
    if len(signals) > 1:
        peak = max(1.0, float(np.max(np.abs(stereo))) or 1.0)
        stereo /= peak
        if drums is not None:
            drums /= peak
    check_cancel(should_cancel)
    pyramid = WaveformPyramid(stereo, PLAYBACK_RATE)
    if on_progress:
        on_progress(1.0, "waveform")
    names = " + ".join(f.name for f in files)
    return LoadedAudio(stereo, PLAYBACK_RATE, pyramid, files, names, drums)


def is_drum_stem(path: Path) -> bool:
    """drums.ogg, drums_1.ogg .. drums_4.ogg (Clone Hero's drum stem names)."""
    return Path(path).stem.lower().startswith("drums")


def band_edges(n_bins: int, sr: int, n_bands: int = SPECTRO_BANDS) -> np.ndarray:
    """Log-spaced FFT-bin edges (n_bands + 1,) from SPECTRO_FMIN to SPECTRO_FMAX."""
    n_fft = (n_bins - 1) * 2
    hz = np.geomspace(SPECTRO_FMIN, min(SPECTRO_FMAX, sr / 2), n_bands + 1)
    edges = np.clip(np.round(hz * n_fft / sr).astype(int), 1, n_bins - 1)
    k = np.arange(n_bands + 1)
    return np.maximum.accumulate(edges - k) + k  # strictly increasing (low bands get one bin each)


def compute_spectrogram(mono: np.ndarray, sr: int, on_progress=None, should_cancel=None) -> SpectrogramImage:
    """Display spectrogram (10 ms hop) folded into log-spaced bands (max dB per band)."""
    from app.audio.spectrogram import display_spectrogram

    spec = display_spectrogram(mono, sr, hop_s=0.01, n_fft=2048, on_progress=on_progress,
                               should_cancel=should_cancel)
    db = spec.db.astype(np.float32)
    edges = np.minimum(band_edges(db.shape[1], sr), db.shape[1] - 1)
    bands = np.maximum.reduceat(db, edges[:-1], axis=1)
    return SpectrogramImage(bands, mono.shape[-1] / sr, spec.freqs_hz[edges[:-1]])
