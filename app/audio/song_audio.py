"""Choosing the audio of a Clone Hero song folder to transcribe: the drum stem(s) if any, else the full mix."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from app.audio.decode import load_audio
from app.constants import SAMPLE_RATE
from app.io.errors import ChartFileError
from app.io.song_folder import find_stems  # noqa: F401  (re-exported: stem naming lives with the folder format)

DRUM_STEMS: tuple[str, ...] = ("drums_1", "drums_2", "drums_3", "drums_4")

FULL_MIX_STEMS: tuple[str, ...] = ("song", "guitar", "bass", "rhythm", "keys", "vocals", "vocals_1", "vocals_2")
"""Stems summed into the full mix when there is no drum audio.

`crowd` is left out on purpose: it is audience noise (cheering, clapping) that the game plays
at its own volume, and claps look like snare hits to a transcriber. `preview` is a clip.
"""


class AudioSource(StrEnum):
    """Which kind of audio a transcription ran on."""

    DRUM_STEM = "drum stem"
    DRUM_STEMS = "drum stems 1-4"
    FULL_MIX = "full mix"


@dataclass(frozen=True)
class SongAudio:
    """The audio chosen from a song folder, summed to one signal.

    audio: float32, shape (n,) when mono, (2, n) when stereo, at sample_rate_hz.
    """

    audio: np.ndarray
    sample_rate_hz: int
    files: tuple[Path, ...]
    source: AudioSource
    description: str  # a sentence for the user, e.g. "used drums.ogg"

    @property
    def duration_s(self) -> float:
        return self.audio.shape[-1] / self.sample_rate_hz

    @property
    def is_drums_only(self) -> bool:
        return self.source is not AudioSource.FULL_MIX


def choose_song_audio(stems: dict[str, Path]) -> tuple[AudioSource, tuple[Path, ...]]:
    """Which files to use, as charters do: drums.*, else the numbered drum stems mixed, else the
    full mix (song + the other instrument stems). Raises ValueError when only the preview (or
    nothing) is there. (Clone Hero plays drums_1..4 when both kinds exist; either holds the whole kit.)
    """
    if "drums" in stems:
        return AudioSource.DRUM_STEM, (stems["drums"],)
    numbered = tuple(stems[n] for n in DRUM_STEMS if n in stems)
    if numbered:
        return AudioSource.DRUM_STEMS, numbered
    mix = tuple(stems[n] for n in FULL_MIX_STEMS if n in stems)
    if mix:
        return AudioSource.FULL_MIX, mix
    raise ValueError("no song audio")


def describe(source: AudioSource, files: tuple[Path, ...]) -> str:
    """One sentence for the user: 'used drums.ogg' / 'mixed drums_1.ogg + drums_2.ogg (drum stems)'."""
    names = " + ".join(f.name for f in files)
    if len(files) == 1:
        return f"used {names}" + (" (full mix, no drum stem)" if source is AudioSource.FULL_MIX else "")
    kind = "drum stems" if source is AudioSource.DRUM_STEMS else "full mix, no drum stem"
    return f"mixed {names} ({kind})"


def mix_files(files: tuple[Path, ...] | list[Path], sample_rate: int = SAMPLE_RATE,
              mono: bool = True) -> np.ndarray:
    """Sum audio files (as the game plays them together), zero-padding the shorter ones; float32."""
    signals = [load_audio(f, sample_rate, mono=mono) for f in files]
    n = max(s.shape[-1] for s in signals)
    out = np.zeros(signals[0].shape[:-1] + (n,), dtype=np.float32)
    for s in signals:
        out[..., :s.shape[-1]] += s
    return out


def load_song_audio(folder: str | Path, sample_rate: int = SAMPLE_RATE, mono: bool = True) -> SongAudio:
    """The audio to transcribe from a Clone Hero song folder, decoded and summed (mono by default).

    ChartFileError(folder, ...) when the folder has no usable audio; ChartFileError(file, ...)
    when one of the chosen files cannot be decoded.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ChartFileError(folder, "song folder not found" if not folder.exists() else "not a folder")
    stems = find_stems(folder)
    try:
        source, files = choose_song_audio(stems)
    except ValueError:
        if "preview" in stems:
            raise ChartFileError(folder, f"only {stems['preview'].name} found, no song audio "
                                         "(expected song.ogg, drums.ogg, ...)") from None
        raise ChartFileError(folder, "no audio files (expected song.ogg, drums.ogg, ...)") from None
    audio = mix_files(files, sample_rate, mono=mono)
    return SongAudio(audio, sample_rate, files, source, describe(source, files))
