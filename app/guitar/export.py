"""ONNX export of a guitar model, checked against ONNX Runtime on variable-length batches."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from app.guitar.checkpoint import GuitarBundle
from app.io.atomic import atomic_path
from app.io.errors import ChartFileError

PARITY_TOLERANCE = 1e-4
"""Largest allowed |torch - onnxruntime| over logits and probabilities."""
OPSET = 17


class _WithProbs(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.model(features, lengths)
        return logits, torch.softmax(logits, dim=-1)


def _example(bundle: GuitarBundle, frames: list[int], seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    n_bands = bundle.feature_params.n_mels
    x = torch.rand(len(frames), 1, n_bands, max(frames), generator=g)
    return x, torch.tensor(frames, dtype=torch.int64)


def export_onnx(bundle: GuitarBundle, out_path: str | Path) -> Path:
    """Write the model as ONNX: inputs features [B, 1, n_bands, T] float32 and lengths [B] int64 (valid frames);
    outputs logits and probs [B, n_classes]. B and T are dynamic."""
    out_path = Path(out_path)
    wrapped = _WithProbs(bundle.model).eval()  # the exporter restores the wrapper's mode on every submodule
    x, lengths = _example(bundle, [40, 25], 0)
    with atomic_path(out_path) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapped, (x, lengths), str(tmp), dynamo=False, opset_version=OPSET,
                          input_names=["features", "lengths"], output_names=["logits", "probs"],
                          dynamic_axes={"features": {0: "batch", 3: "frames"}, "lengths": {0: "batch"},
                                        "logits": {0: "batch"}, "probs": {0: "batch"}})
    bundle.model.eval()
    return out_path


def onnx_max_abs_diff(bundle: GuitarBundle, onnx_path: str | Path) -> float:
    """Largest |torch - onnxruntime| over logits and probabilities of a few random batches of other shapes."""
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ChartFileError(onnx_path, "onnxruntime is not installed: cannot check the export") from exc
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    bundle.model.eval()
    worst = 0.0
    for seed, frames in enumerate(([173], [90, 31, 173, 2], [517, 300, 60])):
        x, lengths = _example(bundle, frames, seed + 1)
        with torch.inference_mode():
            logits = bundle.model(x, lengths)
            ref = [logits.numpy(), torch.softmax(logits, dim=-1).numpy()]
        got = session.run(["logits", "probs"], {"features": x.numpy(), "lengths": lengths.numpy()})
        worst = max(worst, *(float(np.max(np.abs(a - b))) for a, b in zip(ref, got)))
    return worst
