"""Export a drum checkpoint's onnxruntime twin (app.transcription.onnx_twin) and measure its parity with torch."""
from __future__ import annotations

import copy
import io
import json
import time
import zipfile
from pathlib import Path

import numpy as np
import torch

from app.io.atomic import atomic_path
from app.transcription.checkpoint import ModelBundle
from app.transcription.feature_params import filterbank
from app.transcription.onnx_twin import OUTPUTS, TWIN_FORMAT, TWIN_VERSION, TwinUnusable, twin_from_parts

OPSET = 17
PARITY_TOLERANCE = 2e-3
"""Largest allowed |torch - twin| over probabilities, onset and velocity on the parity clip (float rounding of
the FFT, the conv and the GRU stays near 1e-5; a wrong graph is off by 0.1 or more)."""


class TwinExportError(Exception):
    """The twin could not be exported or does not match torch; str() is one line."""


class _FrontGraph(torch.nn.Module):
    """STFT magnitudes (one (B, T, bins) input per n_fft) -> (B, T, proj_dim): the bands, log and front-end of
    app.transcription.features.spectrogram_from_padded and model.frontend (BatchNorm folded into the convs)."""

    def __init__(self, model: torch.nn.Module, fp) -> None:
        super().__init__()
        from app.transcription.inference import fused_convs

        self.model = model
        self.convs = fused_convs(model)
        self.scales = [float(fp.magnitude_scale / (n / 2)) for n in fp.n_ffts]
        for k, n_fft in enumerate(fp.n_ffts):
            self.register_buffer(f"fb{k}", torch.from_numpy(filterbank(fp, n_fft).copy()))

    def forward(self, *mags: torch.Tensor) -> torch.Tensor:
        chans = [torch.log10(1.0 + (m * s) @ getattr(self, f"fb{k}")) for k, (m, s) in enumerate(zip(mags, self.scales))]
        return self.model.frontend(torch.stack(chans, dim=1), convs=self.convs)


class _SequenceGraph(torch.nn.Module):
    """(B, T, proj_dim) -> probs, onset, offset, velocity (model.probabilities of model.sequence)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, h: torch.Tensor):
        out = self.model.probabilities(self.model.sequence(h))
        return tuple(out[k] for k in OUTPUTS)


def _onnx_bytes(module: torch.nn.Module, args: tuple, input_names: list[str], output_names: list[str],
                dynamic_axes: dict) -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and RNN notes
        torch.onnx.export(module, args, buf, dynamo=False, opset_version=OPSET, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes)
    return buf.getvalue()


def export_twin(bundle: ModelBundle, out_path: str | Path) -> Path:
    """Write the twin of `bundle` (a loaded checkpoint with its sha256) to `out_path` atomically, after checking
    that it reproduces torch within PARITY_TOLERANCE; raises TwinExportError otherwise."""
    if not bundle.sha256:
        raise TwinExportError("the checkpoint has no sha256 (load it from a file)")
    fp = bundle.feature_params
    model = copy.deepcopy(bundle.model).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    front = _FrontGraph(model, fp).eval()
    seq = _SequenceGraph(model).eval()
    names = [f"mag{k}" for k in range(fp.n_channels)]
    mags = tuple(torch.rand(1, 64, n // 2 + 1) for n in fp.n_ffts)
    try:
        with torch.no_grad():
            h = front(*mags)
            front_bytes = _onnx_bytes(front, mags, names, ["h"], {**{n: {0: "batch", 1: "frames"} for n in names},
                                                                    "h": {0: "batch", 1: "frames"}})
            seq_bytes = _onnx_bytes(seq, (h,), ["h"], list(OUTPUTS),
                                    {"h": {0: "batch", 1: "frames"}, **{o: {0: "batch", 1: "frames"} for o in OUTPUTS}})
    except Exception as exc:
        raise TwinExportError(f"onnx export failed: {type(exc).__name__}: {str(exc).strip()[:160]}") from exc
    meta = {
        "format": TWIN_FORMAT, "twin_version": TWIN_VERSION, "source_sha256": bundle.sha256,
        "source_name": bundle.path.name if bundle.path else None,
        "model_class": type(bundle.model).__name__, "model_kwargs": _plain_kwargs(bundle.model),
        "feature_params": fp.to_dict(), "classes": list(bundle.classes),
        "calibration": bundle.calibration.to_dict(), "training_summary": bundle.training_summary,
        "created_s": bundle.created_s, "context_frames": int(getattr(bundle.model, "context_frames", 0)),
        "opset": OPSET, "torch_version": torch.__version__, "exported_s": time.time(),
    }
    try:
        twin = twin_from_parts(meta, front_bytes, seq_bytes, bundle.path)
    except TwinUnusable as exc:
        raise TwinExportError(f"the exported twin does not load: {exc}") from exc
    diff = twin_max_abs_diff(bundle, twin)
    if not diff <= PARITY_TOLERANCE:
        raise TwinExportError(f"the exported twin differs from torch by {diff:.2e} (limit {PARITY_TOLERANCE:g})")
    meta["parity_max_abs_diff"] = diff
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.json", json.dumps(meta, indent=1, sort_keys=True))
        zf.writestr("front.onnx", front_bytes)
        zf.writestr("sequence.onnx", seq_bytes)
    return out_path


def _plain_kwargs(model: torch.nn.Module) -> dict:
    kwargs = dict(getattr(model, "init_kwargs", {}))
    return json.loads(json.dumps(kwargs, default=list))


def parity_audio(seconds: float = 6.0, sample_rate: int = 44100, seed: int = 0) -> np.ndarray:
    """A fixed clip with drum-like bursts and a tone, for comparing engines."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    audio = 0.05 * np.sin(2 * np.pi * 110.0 * t)
    for start in rng.integers(0, n - 4000, size=int(seconds * 6)):
        k = np.arange(4000)
        audio[start:start + 4000] += rng.uniform(0.1, 0.6) * rng.standard_normal(4000) * np.exp(-k / 600.0)
    return audio.astype(np.float32)


def twin_max_abs_diff(bundle: ModelBundle, twin, audio: np.ndarray | None = None) -> float:
    """Largest |torch - twin| over probs, onset and velocity of `audio` (default `parity_audio`), chunked
    as in a real run (so windows, blocks and batches of both engines are compared)."""
    from app.transcription.chunking import ChunkParams
    from app.transcription.inference import compute_activations
    from app.transcription.onnx_twin import compute_activations_onnx

    audio = parity_audio(sample_rate=bundle.feature_params.sample_rate) if audio is None else audio
    chunks = ChunkParams(core_s=2.0, context_s=1.0, batch_windows=2)
    ref = compute_activations(audio, bundle, chunks=chunks, workers=1)
    got = compute_activations_onnx(audio, twin, chunks=chunks, workers=2)
    return float(max(np.abs(ref.probs - got.probs).max(), np.abs(ref.onset - got.onset).max(),
                     np.abs(ref.velocity - got.velocity).max(), np.abs(ref.offset_frames - got.offset_frames).max()))
