"""The onnxruntime twin of a drum checkpoint: its file format, loading and inference, without importing torch.

A twin is a zip holding `meta.json` (the checkpoint's description plus the sha256 of the checkpoint it was
exported from), `front.onnx` (STFT magnitudes -> bands -> log -> conv front-end, one block of frames) and
`sequence.onnx` (BiGRU and heads over a batch of windows). It computes what app.transcription.inference
computes with torch (within float rounding: parity is measured at export) in about half the time, and a
fresh process skips torch's 1.6-2 s import. Twins are written by app.transcription.onnx_export, found
beside the checkpoint (`drums.pt` -> `drums.onnx.zip`, shipped) or in the user cache, and used only when
their source sha256 is the checkpoint's own: a changed or damaged checkpoint never runs through a stale twin.
"""
from __future__ import annotations

import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.transcription.activations import Activations
from app.transcription.chunking import ChunkParams, in_order, on_worker_pool, run_windows
from app.transcription.decode_calibration import Calibration, calibration_from_dict
from app.transcription.feature_params import FeatureParams, feature_block_spans, to_mono
from app.transcription.spectrum_np import magnitudes_from_padded, pad_audio_np

TWIN_FORMAT = "chart-hero-drum-onnx"
TWIN_VERSION = 1
"""Bumped whenever the exported graphs or their inputs change: twins of another version are ignored."""
TWIN_SUFFIX = ".onnx.zip"
OUTPUTS = ("probs", "onset", "offset", "velocity")


@dataclass
class OnnxDrumBundle:
    """A twin ready for inference; the fields the pipeline reads match app.transcription.checkpoint.ModelBundle."""

    front: Any  # onnxruntime.InferenceSession: mag0.. (B, T, bins) -> h (B, T, D)
    sequence: Any  # onnxruntime.InferenceSession: h (B, T, D) -> probs, onset, offset, velocity
    feature_params: FeatureParams
    classes: tuple[str, ...]
    calibration: Calibration
    training_summary: dict[str, Any]
    created_s: float
    context_frames: int
    path: Path | None = None
    """The checkpoint this twin stands for."""
    sha256: str | None = None
    """The checkpoint's sha256 (what results and the corrections store record)."""
    twin_path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    engine: str = "onnxruntime"


def twin_beside(checkpoint: Path) -> Path:
    """Where a shipped twin sits: models/drums.pt -> models/drums.onnx.zip."""
    return checkpoint.with_name(checkpoint.stem + TWIN_SUFFIX)


def cached_twin(source_sha256: str) -> Path:
    """The user-cache twin of the checkpoint with this sha256."""
    from app.paths import onnx_twin_cache_dir
    return onnx_twin_cache_dir() / f"{source_sha256}-v{TWIN_VERSION}{TWIN_SUFFIX}"


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except Exception:  # a missing or broken install: the torch engine runs instead
        return False
    return True


def _session(model_bytes: bytes):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1  # parallelism comes from INFERENCE_WORKERS Python threads, as in the torch engine
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


class TwinUnusable(Exception):
    """A twin file that cannot stand for the checkpoint (absent, foreign, stale, damaged); str() says why."""


def read_twin(path: Path, source_sha256: str, checkpoint: Path | None = None) -> OnnxDrumBundle:
    """Load the twin at `path` if it was exported from the checkpoint with `source_sha256`; TwinUnusable if not."""
    if not path.is_file():
        raise TwinUnusable("no twin file")
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json"))
            _check_meta(meta, source_sha256)
            front_bytes, seq_bytes = zf.read("front.onnx"), zf.read("sequence.onnx")
    except TwinUnusable:
        raise
    except Exception as exc:  # zip and json errors all mean "export it again"
        raise TwinUnusable(f"damaged ({type(exc).__name__}: {str(exc).strip()[:100]})") from exc
    twin = twin_from_parts(meta, front_bytes, seq_bytes, checkpoint)
    twin.twin_path = path
    return twin


def _check_meta(meta: Any, source_sha256: str) -> None:
    if not isinstance(meta, dict) or meta.get("format") != TWIN_FORMAT:
        raise TwinUnusable("not a drum-model twin")
    if meta.get("twin_version") != TWIN_VERSION:
        raise TwinUnusable(f"twin version {meta.get('twin_version')!r}, this program runs {TWIN_VERSION}")
    if meta.get("source_sha256") != source_sha256:
        raise TwinUnusable("exported from another checkpoint")


def twin_from_parts(meta: dict, front_bytes: bytes, seq_bytes: bytes, checkpoint: Path | None = None) -> OnnxDrumBundle:
    """An OnnxDrumBundle from a twin's description and its two graphs (what a twin file holds)."""
    _check_meta(meta, meta.get("source_sha256"))
    try:
        fp = FeatureParams.from_dict(dict(meta["feature_params"]))
        classes = tuple(meta["classes"])
        calibration = calibration_from_dict(meta.get("calibration"), classes, TwinUnusable)
        front, seq = _session(front_bytes), _session(seq_bytes)
    except TwinUnusable:
        raise
    except Exception as exc:  # protobuf and onnxruntime errors all mean "export it again"
        raise TwinUnusable(f"damaged ({type(exc).__name__}: {str(exc).strip()[:100]})") from exc
    if [i.name for i in front.get_inputs()] != [f"mag{k}" for k in range(fp.n_channels)]:
        raise TwinUnusable("front-end inputs do not match the feature parameters")
    if tuple(o.name for o in seq.get_outputs()) != OUTPUTS:
        raise TwinUnusable("sequence outputs are not " + ", ".join(OUTPUTS))
    return OnnxDrumBundle(front=front, sequence=seq, feature_params=fp, classes=classes, calibration=calibration,
                          training_summary=dict(meta.get("training_summary") or {}),
                          created_s=float(meta.get("created_s", 0.0)), context_frames=int(meta["context_frames"]),
                          path=checkpoint, sha256=meta["source_sha256"], meta=meta)


def compute_activations_onnx(audio: np.ndarray, bundle: OnnxDrumBundle, on_progress: ProgressFn | None = None,
                             should_cancel: CancelFn | None = None, chunks: ChunkParams = ChunkParams(),
                             workers: int | None = None) -> Activations:
    """As app.transcription.inference.compute_activations (same blocks, windows, progress and cancellation),
    through the twin's two graphs."""
    return on_worker_pool(workers, lambda pool, n: _compute(audio, bundle, on_progress, should_cancel, chunks, pool, n))


def _compute(audio: np.ndarray, bundle: OnnxDrumBundle, on_progress: ProgressFn | None,
             should_cancel: CancelFn | None, chunks: ChunkParams, pool: ThreadPoolExecutor,
             n_workers: int) -> Activations:
    fp = bundle.feature_params
    audio = to_mono(audio)
    n_frames = fp.n_frames(len(audio))
    check_cancel(should_cancel)
    padded = pad_audio_np(audio, fp)
    report = on_progress or (lambda f, m="": None)

    def front(span: tuple[int, int, int, int]) -> np.ndarray:
        first, stop, lo, hi = span
        mags = magnitudes_from_padded(padded, lo, hi - lo, fp)
        h = bundle.front.run(["h"], {f"mag{k}": m[None] for k, m in enumerate(mags)})[0]
        return h[0, first - lo:stop - lo]

    spans = feature_block_spans(n_frames, fp.block_frames, bundle.context_frames)
    parts = in_order(pool, front, spans, should_cancel, lambda i, n: report(0.3 * i / n, "spectrogram"))
    h = np.concatenate(parts) if parts else np.zeros((0, 1), np.float32)

    def run_batch(starts: list[int], length: int) -> list[np.ndarray]:
        return bundle.sequence.run(list(OUTPUTS), {"h": np.stack([h[s:s + length] for s in starts])})

    return run_windows(n_frames, fp.frame_rate, bundle.classes, chunks, run_batch, pool, n_workers, on_progress,
                       should_cancel)
