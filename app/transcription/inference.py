"""Audio -> Activations: features and front-end in exact blocks, the BiGRU over overlapping windows."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.transcription.activations import Activations
from app.transcription.checkpoint import ModelBundle
from app.transcription.features import feature_block_spans, pad_audio, spectrogram_from_padded, to_mono


INFERENCE_THREADS = 1
"""Torch's intra-op threads during inference. One: a GRU step is a chain of small matmuls and OpenMP's
per-op synchronisation costs more than a second thread saves; with the other core busy (the editor's GUI,
a second job) two OpenMP threads ran 5-20x slower here."""

INFERENCE_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Python threads that run independent pieces (feature blocks, groups of GRU windows) side by side, each
single-threaded inside torch (which releases the GIL in its ops). Unlike OpenMP threads they never spin-wait
on each other, so a busy core only slows its own piece. On 2 cores: network pass 3.0 s -> 1.8 s for a 4-minute
song (the network stage of benchmarks/bench_transcribe.py)."""


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


def _window_starts(n_frames: int, core: int, window: int) -> list[tuple[int, int, int]]:
    """(window_start, core_start, core_stop) per window; windows are `window` frames (or the song if shorter)."""
    out = []
    ctx = (window - core) // 2
    for a in range(0, n_frames, core):
        start = min(max(a - ctx, 0), max(n_frames - window, 0))
        out.append((start, a, min(a + core, n_frames)))
    return out


def compute_activations(audio: np.ndarray, model_bundle: ModelBundle, on_progress: ProgressFn | None = None,
                        should_cancel: CancelFn | None = None, chunks: ChunkParams = ChunkParams(),
                        workers: int | None = None) -> Activations:
    """Mono float32 audio (N,) at the bundle's sample rate -> Activations with T = 1 + N // hop frames.

    Progress is reported as a fraction 0..1 (features/front-end to 0.3, windows to 1.0); cancellation
    is checked between pieces and raises app.domain.progress.Cancelled. Per-class timing offsets are
    not applied here (decode does that). `workers` Python threads (default INFERENCE_WORKERS) share the
    pieces; the result does not depend on their number (beyond float rounding of batched matmuls).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(INFERENCE_THREADS)
    n_workers = max(1, workers or INFERENCE_WORKERS)
    pool = ThreadPoolExecutor(n_workers, thread_name_prefix="drum-model")
    try:
        return _compute(audio, model_bundle, on_progress, should_cancel, chunks, pool, n_workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        torch.set_num_threads(threads)


def fused_frontend(model: torch.nn.Module):
    """`model.frontend` with each conv's BatchNorm folded into its weights (eval mode; same outputs within
    float rounding, 15 % faster). Only a copy of the conv blocks is folded; the model is not changed. Models
    without that layout are used as is."""
    import copy
    from functools import partial

    from torch.nn.utils.fusion import fuse_conv_bn_eval

    convs = getattr(model, "convs", None)
    if convs is None or model.training:
        return model.frontend
    fused = copy.deepcopy(convs)
    for block in fused:
        layers = list(block)
        for i in range(len(layers) - 1):
            if isinstance(layers[i], torch.nn.Conv2d) and isinstance(layers[i + 1], torch.nn.BatchNorm2d):
                block[i] = fuse_conv_bn_eval(layers[i], layers[i + 1])
                block[i + 1] = torch.nn.Identity()
    return partial(model.frontend, convs=fused)


def _in_order(pool: ThreadPoolExecutor, fn, items: list, should_cancel: CancelFn | None, on_done) -> list:
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


def _compute(audio: np.ndarray, model_bundle: ModelBundle, on_progress: ProgressFn | None,
             should_cancel: CancelFn | None, chunks: ChunkParams, pool: ThreadPoolExecutor,
             n_workers: int) -> Activations:
    model = model_bundle.model
    fp = model_bundle.feature_params
    model.eval()
    audio = to_mono(audio)
    n_frames = fp.n_frames(len(audio))
    ctx = int(getattr(model, "context_frames", 0))
    check_cancel(should_cancel)

    # 1. features + local front-end, block by block with exact margins: (T, D) encodings
    padded = pad_audio(torch.from_numpy(audio)[None], fp)

    frontend = fused_frontend(model)

    def front(span: tuple[int, int, int, int]) -> torch.Tensor:
        first, stop, lo, hi = span
        with torch.inference_mode():
            feats = spectrogram_from_padded(padded, lo, hi - lo, fp)
            return frontend(feats)[0, first - lo:stop - lo]

    spans = feature_block_spans(n_frames, fp.block_frames, ctx)
    report = on_progress or (lambda f, m="": None)
    parts = _in_order(pool, front, spans, should_cancel, lambda i, n: report(0.3 * i / n, "spectrogram"))
    h = torch.cat(parts) if parts else torch.zeros(0, 1)

    # 2. recurrent part + heads over windows stacked in the batch dimension
    return _recurrent(h, n_frames, model_bundle, chunks, on_progress, should_cancel, pool, n_workers)


def _window_batches(spans: list, batch_windows: int, workers: int) -> list[list]:
    """Windows split into batches of at most `batch_windows`, at least one batch per worker when there are
    enough windows (equal sizes, so workers finish together)."""
    n_batches = max(-(-len(spans) // max(1, batch_windows)), min(workers, len(spans)))
    size = -(-len(spans) // max(1, n_batches)) if spans else 1
    return [spans[b:b + size] for b in range(0, len(spans), size)]


def _recurrent(h: torch.Tensor, n_frames: int, model_bundle: ModelBundle, chunks: ChunkParams,
               on_progress: ProgressFn | None, should_cancel: CancelFn | None,
               pool: ThreadPoolExecutor, n_workers: int) -> Activations:
    model = model_bundle.model
    fp = model_bundle.feature_params
    core = max(1, int(round(chunks.core_s * fp.frame_rate)))
    window = core + 2 * int(round(chunks.context_s * fp.frame_rate))
    n_cls = len(model_bundle.classes)
    probs = np.zeros((n_frames, n_cls), np.float32)
    onset = np.zeros(n_frames, np.float32)
    offset = np.zeros((n_frames, n_cls), np.float32)
    velocity = np.zeros((n_frames, n_cls), np.float32)
    spans = _window_starts(n_frames, core, window)
    length = min(window, n_frames)

    def run(batch: list[tuple[int, int, int]]) -> None:
        with torch.inference_mode():
            x = torch.stack([h[s:s + length] for s, _, _ in batch])
            out = model.probabilities(model.sequence(x))
        for i, (s, a, e) in enumerate(batch):  # disjoint frame ranges: workers never write the same rows
            probs[a:e] = out["probs"][i, a - s:e - s].numpy()
            onset[a:e] = out["onset"][i, a - s:e - s].numpy()
            offset[a:e] = out["offset"][i, a - s:e - s].numpy()
            velocity[a:e] = out["velocity"][i, a - s:e - s].numpy()

    batches = _window_batches(spans, chunks.batch_windows, n_workers)
    report = on_progress or (lambda f, m="": None)
    _in_order(pool, run, batches, should_cancel, lambda i, n: report(0.3 + 0.7 * i / n, "drum model"))
    if not spans:
        report(1.0, "drum model")
    return Activations(frame_rate=fp.frame_rate, probs=probs, onset=onset, offset_frames=offset, velocity=velocity,
                       classes=tuple(model_bundle.classes))


def compute_activations_unchunked(audio: np.ndarray, model_bundle: ModelBundle) -> Activations:
    """Reference: one pass over the whole song (memory grows with length; tests and short clips)."""
    from app.transcription.features import compute_features

    fp = model_bundle.feature_params
    with torch.inference_mode():
        p = model_bundle.model.eval().predict_activations(torch.from_numpy(compute_features(audio, fp))[None])
    return Activations(frame_rate=fp.frame_rate, probs=p["probs"][0].numpy(), onset=p["onset"][0].numpy(),
                       offset_frames=p["offset"][0].numpy(), velocity=p["velocity"][0].numpy(),
                       classes=tuple(model_bundle.classes))
