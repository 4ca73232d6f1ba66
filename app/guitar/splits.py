"""Train/val/test splits grouped by recording (no recording in two splits) and stratified by class."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from app.guitar.labels import CLASS_INDEX, CLASSES
from app.guitar.metadata import NoteEvent

SPLITS = ("train", "val", "test")


def grouped_stratified_split(events: Sequence[NoteEvent], ratios: tuple[float, float, float],
                             seed: int) -> dict[str, str]:
    """recording -> split name, so each split gets about its ratio of every class's notes.

    Greedy (as StratifiedGroupKFold does): recordings in random order, largest first, each going to the
    split whose per-class note counts fall furthest short of their targets. Every split with a positive
    ratio gets at least one recording when there are enough recordings.
    """
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(CLASSES)))
    for e in events:
        counts[e.recording][CLASS_INDEX[e.label]] += 1
    rng = np.random.default_rng(seed)
    recordings = sorted(counts)
    order = rng.permutation(len(recordings))
    recordings = sorted((recordings[i] for i in order), key=lambda r: -counts[r].sum())
    total = sum(counts.values()) if counts else np.zeros(len(CLASSES))
    ratio = np.asarray(ratios, dtype=float)
    targets = ratio[:, None] * total[None, :]  # [split, class]
    have = np.zeros_like(targets)
    assignment: dict[str, str] = {}
    wanted = [i for i in range(len(SPLITS)) if ratio[i] > 0]
    for n, rec in enumerate(recordings):
        empty = [i for i in wanted if not have[i].any()]
        remaining = len(recordings) - n
        if empty and remaining <= len(empty):
            choice = min(empty, key=lambda i: -ratio[i])  # seed the splits that still have nothing
        else:
            share = counts[rec] / max(counts[rec].sum(), 1)
            shortfall = [float(((targets[i] - have[i]) / np.maximum(total, 1) * share).sum()) for i in range(len(SPLITS))]
            choice = max(wanted, key=lambda i: shortfall[i])
        have[choice] += counts[rec]
        assignment[rec] = SPLITS[choice]
    return assignment


def split_events(events: Sequence[NoteEvent], assignment: dict[str, str]) -> dict[str, list[NoteEvent]]:
    out: dict[str, list[NoteEvent]] = {s: [] for s in SPLITS}
    for e in events:
        out[assignment[e.recording]].append(e)
    return out
