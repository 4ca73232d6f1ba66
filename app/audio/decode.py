"""Decoding, probing and writing audio files (ogg, opus, mp3, wav, flac) as float32 numpy arrays."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from app.constants import SAMPLE_RATE
from app.io.atomic import atomic_path
from app.io.errors import ChartFileError

READABLE_EXTENSIONS = (".ogg", ".opus", ".mp3", ".wav", ".flac")
"""Extensions load_audio accepts (libsndfile >= 1.1 reads mp3 and opus itself)."""

OGG_QUALITY = 0.8
"""Vorbis quality for write_audio (0..1; 0.8 is about 256 kb/s, the SPEC's 'quality 8')."""

RESAMPLE_QUALITY = "HQ"


@dataclass(frozen=True)
class AudioInfo:
    """What a file holds, read from its header without decoding the samples."""

    path: Path
    duration_s: float
    sample_rate_hz: int
    channels: int
    frames: int
    format: str  # e.g. "OGG/VORBIS", "WAV/PCM_16"


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise ChartFileError(path, "file not found")
    if path.is_dir():
        raise ChartFileError(path, "is a folder, not an audio file")
    if path.suffix.lower() not in READABLE_EXTENSIONS:
        raise ChartFileError(path, f"unsupported audio type '{path.suffix}' (expected ogg, opus, mp3, wav or flac)")
    if path.stat().st_size == 0:
        raise ChartFileError(path, "empty file (0 bytes)")


def _sf_problem(path: Path, exc: Exception) -> str:
    text = " ".join(str(exc).split())
    # libsndfile messages repeat the path: keep only what it says about the data
    if "Error opening" in text and ":" in text:
        text = text.rsplit(":", 1)[-1].strip()
    if "does not exist" in text or "not recognised" in text.lower():
        text = f"not a valid {path.suffix.lstrip('.').lower()} file, or an encoding libsndfile cannot read"
    return f"cannot decode audio ({text or type(exc).__name__})"


def audio_info(path: str | Path) -> AudioInfo:
    """Duration, sample rate and channels of an audio file, from its header (mp3: an estimate)."""
    path = Path(path)
    _check_readable(path)
    try:
        info = sf.info(str(path))
    except Exception as exc:  # libsndfile raises LibsndfileError/RuntimeError for bad data
        raise ChartFileError(path, _sf_problem(path, exc)) from exc
    if info.samplerate <= 0 or info.channels <= 0:
        raise ChartFileError(path, "not a valid audio file (no sample rate or channels)")
    return AudioInfo(path, info.frames / info.samplerate, int(info.samplerate), int(info.channels),
                     int(info.frames), f"{info.format}/{info.subtype}")


def _read_soundfile(path: Path) -> tuple[np.ndarray, int]:
    """(frames, channels) float32 and the file's sample rate."""
    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data, int(sr)


def _needs_fallback(path: Path) -> bool:
    """True for mp3/opus when this libsndfile cannot read them (older than 1.1)."""
    suffix = path.suffix.lower()
    if suffix == ".mp3":
        return "MP3" not in sf.available_formats()
    return suffix == ".opus" and "OPUS" not in sf.available_subtypes("OGG")


def _read_audioread(path: Path) -> tuple[np.ndarray, int]:
    """Fallback for a libsndfile without mp3/opus: audioread (needs ffmpeg or gstreamer)."""
    import audioread  # lazy: optional and rarely needed

    with audioread.audio_open(str(path)) as f:
        sr, channels = int(f.samplerate), int(f.channels)
        raw = b"".join(f)
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return pcm.reshape(-1, channels), sr


def load_audio(path: str | Path, sample_rate: int = SAMPLE_RATE, mono: bool = True) -> np.ndarray:
    """Decode `path` to float32 at `sample_rate` Hz: mono -> shape (n,), else stereo (2, n).

    Mono is the mean of the channels; stereo takes the first two channels (a mono file is
    duplicated). Any problem with the file raises ChartFileError(path, one-line reason).
    """
    path = Path(path)
    _check_readable(path)
    try:
        data, sr = _read_soundfile(path)
    except Exception as exc:
        if not _needs_fallback(path):
            raise ChartFileError(path, _sf_problem(path, exc)) from exc
        try:
            data, sr = _read_audioread(path)
        except Exception:
            raise ChartFileError(path, _sf_problem(path, exc)) from exc
    if data.shape[0] == 0:
        raise ChartFileError(path, "contains no audio samples")
    if not np.all(np.isfinite(data)):
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    if mono:
        data = data.mean(axis=1, keepdims=True)
    elif data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    else:
        data = data[:, :2]
    if sr != sample_rate:
        data = soxr.resample(data, sr, sample_rate, quality=RESAMPLE_QUALITY)
    out = np.ascontiguousarray(data.T, dtype=np.float32)
    return out[0] if mono else out


def resample(audio: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Resample (n,) or (channels, n) float audio with soxr HQ; returns float32 in the same layout."""
    if from_hz == to_hz:
        return np.asarray(audio, dtype=np.float32)
    x = np.asarray(audio, dtype=np.float32)
    y = soxr.resample(x.T if x.ndim == 2 else x, from_hz, to_hz, quality=RESAMPLE_QUALITY)
    return np.ascontiguousarray(y.T if x.ndim == 2 else y, dtype=np.float32)


WRITE_CHUNK_FRAMES = 32768
"""libsndfile's Vorbis encoder crashes (segfault) on one large write: minutes of audio go in chunks."""


def write_chunked(target, frames: np.ndarray, sr: int, **kwargs) -> None:
    """soundfile write of (n,) or (n, channels) float frames in WRITE_CHUNK_FRAMES pieces.

    `target` is a path or a binary file object; kwargs go to soundfile.SoundFile (format, subtype, ...).
    """
    channels = 1 if frames.ndim == 1 else frames.shape[1]
    with sf.SoundFile(target, "w", int(sr), channels, **kwargs) as fh:
        for i in range(0, len(frames), WRITE_CHUNK_FRAMES):
            fh.write(frames[i:i + WRITE_CHUNK_FRAMES])


def write_audio(path: str | Path, audio: np.ndarray, sr: int) -> Path:
    """Write (n,) or (channels, n) float audio atomically as ogg vorbis (quality 0.8), wav or flac.

    The format follows the suffix (.ogg, .wav, .flac). Returns the path written.
    """
    path = Path(path)
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.T  # soundfile wants (frames, channels)
    if x.ndim not in (1, 2) or x.shape[0] == 0:
        raise ChartFileError(path, f"nothing to write (audio shape {np.shape(audio)})")
    suffix = path.suffix.lower()
    if suffix == ".ogg":
        kwargs = dict(format="OGG", subtype="VORBIS", compression_level=1.0 - OGG_QUALITY)
        x = np.clip(x, -1.0, 1.0)  # libvorbis output beyond full scale would clip in players anyway
    elif suffix == ".wav":
        kwargs = dict(format="WAV", subtype="PCM_16")
    elif suffix == ".flac":
        kwargs = dict(format="FLAC", subtype="PCM_16")
    else:
        raise ChartFileError(path, f"cannot write audio type '{path.suffix}' (use .ogg, .wav or .flac)")
    try:
        with atomic_path(path) as tmp:
            write_chunked(str(tmp), x, int(sr), **kwargs)
    except ChartFileError:
        raise
    except Exception as exc:
        raise ChartFileError(path, f"cannot write audio ({' '.join(str(exc).split())})") from exc
    return path
