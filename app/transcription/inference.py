"""Audio -> Activations: features and front-end in exact blocks, the BiGRU over overlapping windows."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.transcription.activations import Activations
from app.transcription.checkpoint import ModelBundle
from app.transcription.chunking import (INFERENCE_WORKERS, ChunkParams, in_order, on_worker_pool,  # noqa: F401
                                       run_windows, window_batches, window_starts)
from app.transcription.features import feature_block_spans, pad_audio, spectrogram_from_padded, to_mono

_in_order, _window_batches, _window_starts = in_order, window_batches, window_starts  # earlier names


INFERENCE_THREADS = 1
"""Torch's intra-op threads during inference. One: a GRU step is a chain of small matmuls and OpenMP's
per-op synchronisation costs more than a second thread saves; with the other core busy (the editor's GUI,
a second job) two OpenMP threads ran 5-20x slower here."""


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
    try:
        return on_worker_pool(workers, lambda pool, n: _compute(audio, model_bundle, on_progress, should_cancel, chunks,
                                                               pool, n))
    finally:
        torch.set_num_threads(threads)


def fused_convs(model: torch.nn.Module) -> torch.nn.Module | None:
    """A copy of `model.convs` with each conv's BatchNorm folded into its weights (eval mode: same outputs within
    float rounding, 15 % faster); the model is not changed. None for models without that layout or in training."""
    import copy

    from torch.nn.utils.fusion import fuse_conv_bn_eval

    convs = getattr(model, "convs", None)
    if convs is None or model.training:
        return None
    fused = copy.deepcopy(convs)
    for block in fused:
        layers = list(block)
        for i in range(len(layers) - 1):
            if isinstance(layers[i], torch.nn.Conv2d) and isinstance(layers[i + 1], torch.nn.BatchNorm2d):
                block[i] = fuse_conv_bn_eval(layers[i], layers[i + 1])
                block[i + 1] = torch.nn.Identity()
    return fused


def fused_frontend(model: torch.nn.Module):
    """`model.frontend` running `fused_convs` (models without that layout are used as is)."""
    from functools import partial

    fused = fused_convs(model)
    return model.frontend if fused is None else partial(model.frontend, convs=fused)


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
    parts = in_order(pool, front, spans, should_cancel, lambda i, n: report(0.3 * i / n, "spectrogram"))
    h = torch.cat(parts) if parts else torch.zeros(0, 1)

    # 2. recurrent part + heads over windows stacked in the batch dimension
    return _recurrent(h, n_frames, model_bundle, chunks, on_progress, should_cancel, pool, n_workers)


def _recurrent(h: torch.Tensor, n_frames: int, model_bundle: ModelBundle, chunks: ChunkParams,
               on_progress: ProgressFn | None, should_cancel: CancelFn | None,
               pool: ThreadPoolExecutor, n_workers: int) -> Activations:
    model = model_bundle.model

    def run_batch(starts: list[int], length: int) -> list[np.ndarray]:
        with torch.inference_mode():
            out = model.probabilities(model.sequence(torch.stack([h[s:s + length] for s in starts])))
        return [out[k].numpy() for k in ("probs", "onset", "offset", "velocity")]

    return run_windows(n_frames, model_bundle.feature_params.frame_rate, model_bundle.classes, chunks, run_batch,
                       pool, n_workers, on_progress, should_cancel)


def compute_activations_unchunked(audio: np.ndarray, model_bundle: ModelBundle) -> Activations:
    """Reference: one pass over the whole song (memory grows with length; tests and short clips)."""
    from app.transcription.features import compute_features

    fp = model_bundle.feature_params
    with torch.inference_mode():
        p = model_bundle.model.eval().predict_activations(torch.from_numpy(compute_features(audio, fp))[None])
    return Activations(frame_rate=fp.frame_rate, probs=p["probs"][0].numpy(), onset=p["onset"][0].numpy(),
                       offset_frames=p["offset"][0].numpy(), velocity=p["velocity"][0].numpy(),
                       classes=tuple(model_bundle.classes))
