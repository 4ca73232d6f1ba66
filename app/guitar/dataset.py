"""Note features from a metadata table: each recording decoded once, bad files reported per row, batches by length."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from app.audio.decode import load_audio
from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.guitar.features import FeatureParams, cut_snippet, note_features_db, note_window, scale_db
from app.guitar.labels import CLASS_INDEX, CLASSES
from app.guitar.metadata import NoteEvent, RowProblem
from app.io.errors import ChartFileError


@dataclass
class NoteItem:
    """A note's clean features: dB band power [n_bands, frames] and its event (label, recording, row)."""

    event: NoteEvent
    db: np.ndarray

    @property
    def n_frames(self) -> int:
        return self.db.shape[1]


def notes_of_recording(audio: np.ndarray, events: Sequence[NoteEvent], params: FeatureParams) -> list[np.ndarray]:
    """dB features of each event's adaptive window in one decoded recording (mono, at params.sample_rate_hz)."""
    sr = params.sample_rate_hz
    return [note_features_db(cut_snippet(audio, note_window(e.onset_s, e.offset_s, params), sr), params)
            for e in events]


def load_items(events: Sequence[NoteEvent], params: FeatureParams, on_progress: ProgressFn | None = None,
               should_cancel: CancelFn | None = None) -> tuple[list[NoteItem], list[RowProblem]]:
    """Features of every event; a recording that cannot be decoded, or a note past its end, becomes a RowProblem."""
    by_file: dict[str, list[NoteEvent]] = defaultdict(list)
    for e in events:
        by_file[e.recording].append(e)
    items, problems = [], []
    for n, (recording, group) in enumerate(sorted(by_file.items())):
        check_cancel(should_cancel)
        try:
            audio = load_audio(group[0].audio_path, sample_rate=params.sample_rate_hz)
        except ChartFileError as exc:
            problems += [RowProblem(e.row, f"audio file cannot be read ({exc.problem})") for e in group]
            continue
        duration_s = len(audio) / params.sample_rate_hz
        inside = []
        for e in group:
            if e.onset_s >= duration_s:
                problems.append(RowProblem(e.row, f"onset_sec {e.onset_s:g} is past the end of the audio "
                                                  f"({duration_s:.3f} s)"))
            else:
                inside.append(e)
        items += [NoteItem(e, db) for e, db in zip(inside, notes_of_recording(audio, inside, params))]
        if on_progress:
            on_progress((n + 1) / len(by_file), f"features of {len(by_file)} recordings")
    problems.sort(key=lambda p: p.row)
    return items, problems


def class_counts(items: Sequence[NoteItem]) -> list[int]:
    counts = [0] * len(CLASSES)
    for it in items:
        counts[CLASS_INDEX[it.event.label]] += 1
    return counts


def collate(dbs: Sequence[np.ndarray], params: FeatureParams) -> tuple[torch.Tensor, torch.Tensor]:
    """Model input [B, 1, n_bands, max_frames] (zero padded, scaled) and lengths [B] (int64 frames)."""
    lengths = [d.shape[1] for d in dbs]
    x = np.zeros((len(dbs), 1, dbs[0].shape[0], max(lengths)), dtype=np.float32)
    for i, d in enumerate(dbs):
        x[i, 0, :, :d.shape[1]] = scale_db(d, params)
    return torch.from_numpy(x), torch.tensor(lengths, dtype=torch.int64)


def length_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None) -> list[list[int]]:
    """Indices in batches of similar length (little padding); with rng, jittered lengths and shuffled batches."""
    key = np.asarray(lengths, dtype=float)
    if rng is not None:
        key = key * rng.uniform(0.8, 1.25, len(key))
    order = np.argsort(key, kind="stable")
    batches = [order[i:i + batch_size].tolist() for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches
