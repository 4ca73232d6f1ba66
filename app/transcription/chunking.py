"""How inference splits a song: GRU windows with context, batches of windows, pieces run on a thread pool (no torch)."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.transcription.activations import Activations

INFERENCE_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Python threads that run independent pieces (feature blocks, groups of GRU windows) side by side, each
single-threaded inside its engine (torch and onnxruntime release the GIL in their ops). Unlike OpenMP threads
they never spin-wait on each other, so a busy core only slows its own piece. On 2 cores: torch network pass
3.0 s -> 1.8 s for a 4-minute song (the network stage of benchmarks/bench_transcribe.py)."""


@dataclass(frozen=True)
class ChunkParams:
    """How the recurrent part is windowed (seconds at the boundary, frames inside).

    Every output frame comes from the core of one window and has at least `context_s` of real
    audio on each side inside that window (or the song edge, exactly as an unchunked pass), so
    windows join without seams. Windows of equal length are stacked `batch_windows` at a time,
    so the recurrence runs over short sequences with a wide batch (a 5-minute song in one batch:
    its per-step cost grows far slower than the batch). The default context (4 s)
    matches the length of the training windows: the network never learned to use more.
    """

    core_s: float = 12.0
    context_s: float = 4.0
    batch_windows: int = 32


def window_starts(n_frames: int, core: int, window: int) -> list[tuple[int, int, int]]:
    """(window_start, core_start, core_stop) per window; windows are `window` frames (or the song if shorter)."""
    out = []
    ctx = (window - core) // 2
    for a in range(0, n_frames, core):
        start = min(max(a - ctx, 0), max(n_frames - window, 0))
        out.append((start, a, min(a + core, n_frames)))
    return out


def window_batches(spans: list, batch_windows: int, workers: int) -> list[list]:
    """Windows split into batches of at most `batch_windows`, at least one batch per worker when there are
    enough windows (equal sizes, so workers finish together)."""
    n_batches = max(-(-len(spans) // max(1, batch_windows)), min(workers, len(spans)))
    size = -(-len(spans) // max(1, n_batches)) if spans else 1
    return [spans[b:b + size] for b in range(0, len(spans), size)]


def on_worker_pool(workers: int | None, job: Callable[[ThreadPoolExecutor, int], Activations]) -> Activations:
    """job(pool, n_workers) on a pool of `workers` threads (default INFERENCE_WORKERS), shut down after it."""
    n_workers = max(1, workers or INFERENCE_WORKERS)
    pool = ThreadPoolExecutor(n_workers, thread_name_prefix="drum-model")
    try:
        return job(pool, n_workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def in_order(pool: ThreadPoolExecutor, fn, items: list, should_cancel: CancelFn | None, on_done) -> list:
    """fn(item) for every item on the pool, results in order; cancellation checked as each one finishes."""
    futures = [pool.submit(fn, item) for item in items]
    results = []
    try:
        for i, f in enumerate(futures):
            results.append(f.result())
            check_cancel(should_cancel)
            on_done(i + 1, len(items))
    finally:
        for f in futures:
            f.cancel()
    return results


BatchRunner = Callable[[list[int], int], Sequence[np.ndarray]]
"""(window start frames, window length) -> probs (B, L, C), onset (B, L), offset (B, L, C), velocity (B, L, C)."""


def run_windows(n_frames: int, frame_rate: float, classes: Sequence[str], chunks: ChunkParams, run_batch: BatchRunner,
                pool: ThreadPoolExecutor, n_workers: int, on_progress: ProgressFn | None,
                should_cancel: CancelFn | None) -> Activations:
    """The recurrent stage of either engine: windows over n_frames, batched on the pool, each window's core written
    into per-frame arrays (progress 0.3 -> 1.0)."""
    core = max(1, int(round(chunks.core_s * frame_rate)))
    window = core + 2 * int(round(chunks.context_s * frame_rate))
    n_cls = len(classes)
    outs = (np.zeros((n_frames, n_cls), np.float32), np.zeros(n_frames, np.float32),
            np.zeros((n_frames, n_cls), np.float32), np.zeros((n_frames, n_cls), np.float32))
    spans = window_starts(n_frames, core, window)
    length = min(window, n_frames)

    def run(batch: list[tuple[int, int, int]]) -> None:
        results = run_batch([s for s, _, _ in batch], length)
        for i, (s, a, e) in enumerate(batch):  # disjoint frame ranges: workers never write the same rows
            for dst, src in zip(outs, results):
                dst[a:e] = src[i, a - s:e - s]

    report = on_progress or (lambda f, m="": None)
    in_order(pool, run, window_batches(spans, chunks.batch_windows, n_workers), should_cancel,
             lambda i, n: report(0.3 + 0.7 * i / n, "drum model"))
    if not spans:
        report(1.0, "drum model")
    probs, onset, offset, velocity = outs
    return Activations(frame_rate=frame_rate, probs=probs, onset=onset, offset_frames=offset, velocity=velocity,
                       classes=tuple(classes))
