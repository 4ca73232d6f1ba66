"""How inference splits a song: window batches for the workers, windows covering every frame once."""
from __future__ import annotations

from app.transcription.chunking import window_batches, window_starts


def testwindow_batches_cover_every_window_once():
    spans = list(range(21))
    for batch_windows, workers in ((32, 2), (32, 1), (4, 2), (1, 3), (50, 8)):
        batches = window_batches(spans, batch_windows, workers)
        assert [s for b in batches for s in b] == spans
        assert max(len(b) for b in batches) <= batch_windows
        assert len(batches) >= min(workers, 2)  # both cores get work
    assert window_batches([], 32, 2) == []


def test_window_cores_cover_every_frame_once_with_context() -> None:
    for n_frames in (1, 50, 1200, 1201, 5000):
        spans = window_starts(n_frames, core=1200, window=2000)
        covered = [f for _, a, e in spans for f in range(a, e)]
        assert covered == list(range(n_frames))
        for s, a, e in spans:
            assert s <= a and e <= s + 2000 and s >= 0
