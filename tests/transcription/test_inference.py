"""Chunked inference: no seams, progress, cancellation."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from app.constants import SAMPLE_RATE
from app.domain.progress import Cancelled
from app.transcription.checkpoint import load_checkpoint, save_checkpoint
from app.transcription.inference import ChunkParams, compute_activations, compute_activations_unchunked


def _drum_like(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 0.003).astype(np.float32)
    for t in rng.uniform(0, seconds - 0.1, int(6 * seconds)):
        i, n = int(t * SAMPLE_RATE), 2000
        burst = rng.standard_normal(n) * np.exp(-np.arange(n) / 300) * rng.uniform(0.1, 0.8)
        a[i:i + n] += burst.astype(np.float32)
    return a


@pytest.fixture
def long_memory_bundle(tmp_path, make_model, feature_params):
    """A random model with strong recurrent weights, so a missing context would show as a seam."""
    model = make_model()
    with torch.no_grad():
        for name, p in model.gru.named_parameters():
            if "weight_hh" in name:
                p.mul_(4.0)
        for head in model.branch_heads.values():
            head[-1].weight.mul_(4.0)
        model.onset_head.weight.mul_(4.0)
    save_checkpoint(tmp_path / "m.pt", model, feature_params)
    return load_checkpoint(tmp_path / "m.pt")


def test_chunked_equals_unchunked(long_memory_bundle):
    audio = _drum_like(10.0)
    ref = compute_activations_unchunked(audio, long_memory_bundle)
    assert ref.probs.std(axis=0).max() > 1e-3  # the outputs move, so equality means something
    act = compute_activations(audio, long_memory_bundle, chunks=ChunkParams(core_s=2.0, context_s=1.0, batch_windows=2))
    assert act.n_frames == ref.n_frames == 1 + len(audio) // 256
    for name in ("probs", "onset", "offset_frames", "velocity"):
        np.testing.assert_allclose(getattr(act, name), getattr(ref, name), atol=1e-4, err_msg=name)
    # without context the windows would show seams: the test can see them
    seams = compute_activations(audio, long_memory_bundle, chunks=ChunkParams(core_s=2.0, context_s=0.0))
    assert np.abs(seams.probs - ref.probs).max() > 1e-3


def test_short_song_and_default_chunks(tiny_bundle):
    audio = _drum_like(1.0)
    act = compute_activations(audio, tiny_bundle)
    ref = compute_activations_unchunked(audio, tiny_bundle)
    np.testing.assert_allclose(act.probs, ref.probs, atol=1e-5)
    assert act.classes == tiny_bundle.classes
    assert act.frame_rate == pytest.approx(SAMPLE_RATE / 256)
    assert act.probs.dtype == np.float32 and act.onset.shape == (act.n_frames,)


def test_progress_reaches_one(tiny_bundle):
    seen = []
    compute_activations(_drum_like(6.0), tiny_bundle, on_progress=lambda f, msg: seen.append(f),
                        chunks=ChunkParams(core_s=1.0, context_s=0.5, batch_windows=2))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) >= 3


def test_cancel_between_chunks(tiny_bundle):
    calls = []

    def should_cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        compute_activations(_drum_like(6.0), tiny_bundle, should_cancel=should_cancel,
                            chunks=ChunkParams(core_s=1.0, context_s=0.5, batch_windows=1))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_result_does_not_depend_on_workers(long_memory_bundle, workers):
    audio = _drum_like(10.0, seed=3)
    chunks = ChunkParams(core_s=2.0, context_s=1.0, batch_windows=3)
    one = compute_activations(audio, long_memory_bundle, chunks=chunks, workers=1)
    many = compute_activations(audio, long_memory_bundle, chunks=chunks, workers=workers)
    for name in ("probs", "onset", "offset_frames", "velocity"):
        np.testing.assert_allclose(getattr(many, name), getattr(one, name), atol=1e-5, err_msg=name)
