"""Grouped, stratified splits: no recording in two splits, every class in every split, reproducible."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.guitar.labels import CLASSES
from app.guitar.metadata import NoteEvent
from app.guitar.splits import SPLITS, grouped_stratified_split, split_events


def _events(n_recordings: int, seed: int) -> list[NoteEvent]:
    import numpy as np

    rng = np.random.default_rng(seed)
    out, row = [], 0
    for r in range(n_recordings):
        mix = rng.dirichlet([1.0, 1.0, 1.0])
        for _ in range(int(rng.integers(5, 40))):
            row += 1
            out.append(NoteEvent(row, Path(f"/data/rec{r}.wav"), 1.0, 2.0, str(rng.choice(CLASSES, p=mix))))
    return out


@pytest.mark.parametrize("n_recordings, seed", [(10, 0), (25, 1), (60, 2), (3, 3)])
def test_no_recording_in_two_splits(n_recordings, seed) -> None:
    events = _events(n_recordings, seed)
    assignment = grouped_stratified_split(events, (0.7, 0.15, 0.15), seed=42)
    parts = split_events(events, assignment)
    recordings = [{e.recording for e in parts[s]} for s in SPLITS]
    assert sum(len(r) for r in recordings) == n_recordings
    assert not (recordings[0] & recordings[1]) and not (recordings[0] & recordings[2]) and not (recordings[1] & recordings[2])
    assert all(recordings), "every split gets a recording when there are enough"
    assert sum(len(p) for p in parts.values()) == len(events)


def test_stratified_and_reproducible() -> None:
    events = _events(60, 5)
    a = grouped_stratified_split(events, (0.7, 0.15, 0.15), seed=1)
    assert a == grouped_stratified_split(events, (0.7, 0.15, 0.15), seed=1)
    parts = split_events(events, a)
    total = Counter(e.label for e in events)
    for name, ratio in zip(SPLITS, (0.7, 0.15, 0.15)):
        got = Counter(e.label for e in parts[name])
        for c in CLASSES:
            assert abs(got[c] / total[c] - ratio) < 0.12, (name, c, got[c], total[c])
