"""Classify the notes of a recording or a folder: onsets from a CSV or librosa's onset detector, offsets by decay."""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from app.audio.decode import READABLE_EXTENSIONS, load_audio
from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.guitar.checkpoint import GuitarBundle
from app.guitar.dataset import notes_of_recording
from app.guitar.evaluate import predict_probs
from app.guitar.metadata import NoteEvent, RowProblem
from app.io.errors import ChartFileError

OFFSET_DROP_DB = 40.0
"""A found note ends where its RMS falls this far below its peak (or at the next onset / max_window_s) ..."""
NOISE_MARGIN_DB = 6.0
"""... or to within this of the recording's noise floor (its 5th-percentile frame RMS), whichever is higher."""
MIN_NOTE_S = 0.05
DETECTOR_HOP = 256


@dataclass(frozen=True)
class NotePrediction:
    source_audio: Path
    onset_s: float
    offset_s: float
    label: str
    confidence: float
    probs: tuple[float, ...]
    onset_source: str  # "csv" or "detector"


Onsets = dict[str, list[tuple[float, float | None]]]
"""file name ("" for any file) -> [(onset_s, offset_s or None)]."""


def read_onsets_csv(path: str | Path) -> tuple[Onsets, list[RowProblem]]:
    """Onsets table: onset_sec (required), offset_sec (optional), source_audio (optional: file name to match)."""
    path = Path(path)
    if not path.is_file():
        raise ChartFileError(path, "no such onsets table")
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    if not rows or "onset_sec" not in rows[0]:
        raise ChartFileError(path, "the onsets table needs an onset_sec column and at least one row")
    out: Onsets = {}
    problems = []
    for n, row in enumerate(rows, start=1):
        try:
            onset = float(row["onset_sec"])
            offset = float(row["offset_sec"]) if (row.get("offset_sec") or "").strip() else None
            if not math.isfinite(onset) or onset < 0 or (offset is not None and not offset > onset):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(RowProblem(n, f"onset_sec {row.get('onset_sec')!r} / offset_sec {row.get('offset_sec')!r} "
                                          "is not a valid non-negative note span"))
            continue
        out.setdefault(Path((row.get("source_audio") or "").strip()).name, []).append((onset, offset))
    return out, problems


def detect_onsets(audio: np.ndarray, sr: int) -> list[float]:
    """Onset times (s): librosa's spectral-flux onset strength, its peak picking, backtracked to the energy minimum."""
    import librosa

    times = librosa.onset.onset_detect(y=audio, sr=sr, hop_length=DETECTOR_HOP, units="time", backtrack=True)
    return [float(t) for t in times]


def estimate_offsets(audio: np.ndarray, sr: int, onsets_s: Sequence[float], max_s: float) -> list[float]:
    """End of each note: where its RMS drops OFFSET_DROP_DB below its peak, before the next onset and max_s."""
    hop = DETECTOR_HOP
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[:frames * hop].reshape(frames, hop).astype(np.float64) ** 2, axis=1) + 1e-20)
    threshold_floor = np.percentile(rms, 5) * 10.0 ** (NOISE_MARGIN_DB / 20.0) if rms.size else 0.0
    ends = []
    for i, onset in enumerate(onsets_s):
        limit = min(onsets_s[i + 1] if i + 1 < len(onsets_s) else len(audio) / sr, onset + max_s)
        a, b = int(onset * sr / hop), max(int(limit * sr / hop), int(onset * sr / hop) + 1)
        env = rms[a:b]
        if env.size == 0:
            ends.append(max(limit, onset + MIN_NOTE_S))
            continue
        peak = int(env.argmax())
        below = np.nonzero(env[peak:] < max(env[peak] * 10.0 ** (-OFFSET_DROP_DB / 20.0), threshold_floor))[0]
        end = (a + peak + below[0]) * hop / sr if below.size else limit
        ends.append(max(min(end, limit), onset + MIN_NOTE_S))
    return ends


def predict_file(bundle: GuitarBundle, audio_path: str | Path,
                 spans: Sequence[tuple[float, float | None]] | None = None) -> list[NotePrediction]:
    """Predict every note of one recording; spans (onset, offset or None) come from a CSV, else the detector."""
    params = bundle.feature_params
    sr = params.sample_rate_hz
    audio = load_audio(audio_path, sample_rate=sr)
    source = "csv" if spans is not None else "detector"
    if spans is None:
        onsets = detect_onsets(audio, sr)
        offsets = estimate_offsets(audio, sr, onsets, params.max_window_s)
    else:
        spans = sorted(spans)
        onsets = [s[0] for s in spans]
        guessed = estimate_offsets(audio, sr, onsets, params.max_window_s)
        offsets = [s[1] if s[1] is not None else g for s, g in zip(spans, guessed)]
    events = [NoteEvent(i + 1, Path(audio_path), on, off, None) for i, (on, off) in enumerate(zip(onsets, offsets))]
    probs = predict_probs(bundle.model, params, notes_of_recording(audio, events, params))
    return [NotePrediction(Path(audio_path), e.onset_s, e.offset_s, bundle.classes[int(p.argmax())], float(p.max()),
                           tuple(float(v) for v in p), source) for e, p in zip(events, probs)]


def audio_files(path: str | Path) -> list[Path]:
    """The file itself, or the readable audio files of a folder (not recursive), sorted."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in READABLE_EXTENSIONS)
        if not files:
            raise ChartFileError(path, "the folder holds no audio files")
        return files
    if not path.exists():
        raise ChartFileError(path, "no such audio file or folder")
    return [path]


def predict_path(bundle: GuitarBundle, path: str | Path, onsets: Onsets | None = None,
                 on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None) -> list[NotePrediction]:
    """Predict one file or every audio file of a folder; a file's CSV onsets are those with its name (or no name)."""
    files = audio_files(path)
    out = []
    for n, f in enumerate(files):
        check_cancel(should_cancel)
        spans = None
        if onsets is not None:
            spans = onsets.get(f.name, []) + (onsets.get("", []) if len(files) == 1 else [])
        out += predict_file(bundle, f, spans if onsets is not None else None)
        if on_progress:
            on_progress((n + 1) / len(files), f.name)
    return out
