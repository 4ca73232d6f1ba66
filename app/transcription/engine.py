"""Which engine runs the drum model: its onnxruntime twin when one matches the checkpoint, else torch.

`auto` (the default everywhere) uses the twin beside the checkpoint or in the user cache and, when there is
none yet, loads the checkpoint with torch (which validates it and reports a damaged or foreign file in one
line), exports its twin to the cache for the next run and uses it. `torch` skips twins; `onnx` insists on
one. Both engines give the same activations within float rounding (PARITY_TOLERANCE of onnx_export).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from app.domain.progress import CancelFn, ProgressFn
from app.io.errors import ChartFileError, CheckpointError
from app.transcription.activations import Activations

ENGINES = ("auto", "onnx", "torch")


def load_engine(path: Path, engine: str = "auto", warn: Callable[[str], None] | None = None):
    """The model at `path` as an OnnxDrumBundle (onnxruntime) or a ModelBundle (torch), per `engine`.

    Raises CheckpointError(path, one line) for a missing, damaged or foreign checkpoint. `warn` receives a
    one-line note when `auto` falls back to torch because no twin could be made.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "no such model file")
    if engine == "torch":
        from app.transcription.checkpoint import load_checkpoint
        return load_checkpoint(path)

    from app.io.digest import file_sha256
    from app.transcription.onnx_twin import TwinUnusable, cached_twin, onnxruntime_available, read_twin, twin_beside

    if not onnxruntime_available():
        if engine == "onnx":
            raise ChartFileError(path, "the onnx engine needs onnxruntime (pip install onnxruntime)")
        from app.transcription.checkpoint import load_checkpoint
        return load_checkpoint(path)
    sha = file_sha256(path)
    for candidate in (twin_beside(path), cached_twin(sha)):
        try:
            return read_twin(candidate, sha, path)
        except TwinUnusable:
            continue
    from app.transcription.checkpoint import load_checkpoint
    bundle = load_checkpoint(path)  # validates; a bad file is reported here
    from app.transcription.onnx_export import TwinExportError, export_twin
    try:
        target = export_twin(bundle, cached_twin(sha))
        return read_twin(target, sha, path)
    except (TwinExportError, TwinUnusable, OSError) as exc:
        if engine == "onnx":
            raise ChartFileError(path, f"cannot make its onnxruntime twin: {exc}") from exc
        if warn:
            warn(f"{path.name}: running with torch (no onnxruntime twin: {exc})")
        return bundle


def engine_name(bundle) -> str:
    """'onnxruntime' (OnnxDrumBundle) or 'torch' (ModelBundle)."""
    return bundle.engine


def run_network(audio: np.ndarray, bundle, on_progress: ProgressFn | None = None,
                should_cancel: CancelFn | None = None) -> Activations:
    """Activations of mono audio at the model's sample rate, through whichever engine `bundle` is."""
    if engine_name(bundle) == "onnxruntime":
        from app.transcription.onnx_twin import compute_activations_onnx
        return compute_activations_onnx(audio, bundle, on_progress, should_cancel)
    from app.transcription.inference import compute_activations
    return compute_activations(audio, bundle, on_progress, should_cancel)
