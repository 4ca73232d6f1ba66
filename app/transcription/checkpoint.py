"""Self-describing model checkpoints: atomic save with sha256, strict validated load, one-line errors."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import torch

from app.constants import DRUM_CLASSES
from app.io.atomic import atomic_path
from app.io.digest import file_sha256  # noqa: F401  (re-exported)
from app.io.errors import CheckpointError  # noqa: F401  (re-exported)
from app.transcription.decode_calibration import MAX_TIMING_OFFSET_MS, Calibration, calibration_from_dict  # noqa: F401
from app.transcription.feature_params import FeatureParams
from app.transcription.model import MODEL_CLASSES

FORMAT = "chart-hero-drum-model"
SCHEMA_VERSION = 1


@dataclass
class ModelBundle:
    """A loaded model ready for inference, with everything its checkpoint declared."""

    model: torch.nn.Module
    feature_params: FeatureParams
    classes: tuple[str, ...]
    calibration: Calibration
    training_summary: dict[str, Any]
    created_s: float
    path: Path | None = None
    sha256: str | None = None
    engine: str = "torch"
    stored_float16: bool = False
    """The file holds its floating-point weights at half precision (save_checkpoint(float16=True))."""


def weights_digest(state: Mapping[str, torch.Tensor]) -> str:
    """sha256 over names, shapes, dtypes and bytes of a state dict (catches bit rot inside the zip)."""
    h = hashlib.sha256()
    for name in sorted(state):
        t = state[name].detach().cpu().contiguous()
        h.update(f"{name}:{tuple(t.shape)}:{t.dtype};".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def _plain(value: Any, where: str) -> Any:
    """Check that `value` holds only plain types (what weights_only loading accepts)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v, where) for k, v in value.items()}
    raise TypeError(f"{where}: {type(value).__name__} is not a plain type")


def save_checkpoint(path: str | Path, model: torch.nn.Module, feature_params: FeatureParams,
                    calibration: Calibration | None = None, training_summary: Mapping[str, Any] | None = None,
                    classes: tuple[str, ...] | None = None, float16: bool = False) -> str:
    """Write `model` (eval copy of its weights) and its description atomically; return the file's sha256.
    With `float16`, floating-point weights are stored at half precision (half the file; loading casts them
    back to the model's float32)."""
    name = type(model).__name__
    if name not in MODEL_CLASSES:
        raise ValueError(f"unknown model class {name}")
    classes = tuple(classes or model.classes)
    calibration = calibration or Calibration()
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    if float16:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    payload = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "model_class": name,
        "model_kwargs": _plain(dict(model.init_kwargs), "model_kwargs"),
        "state_dict": state,
        "weights_sha256": weights_digest(state),
        "feature_params": feature_params.to_dict(),
        "classes": list(classes),
        "calibration": calibration.to_dict(),
        "training_summary": _plain(dict(training_summary or {}), "training_summary"),
        "created_s": time.time(),
    }
    _validate(payload, Path(path))  # never write a file that could not be loaded back
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return file_sha256(path)


def build_verified_model(cls, kwargs: dict, payload: dict, fail) -> torch.nn.Module:
    """cls(**kwargs) with payload's state dict loaded strictly, its checksum and finiteness checked;
    `fail(reason)` returns the exception to raise (shared by every checkpoint kind of the project)."""
    try:
        model = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise fail(f"cannot build {payload['model_class']} from its stored arguments: {exc}") from exc
    state = payload["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise fail("state_dict is not a dict of tensors")
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        bad = [ln.strip() for ln in str(exc).splitlines()[1:] if ln.strip()]
        raise fail(f"weights do not match the declared architecture ({'; '.join(bad)[:300]})") from exc
    if payload.get("weights_sha256") != weights_digest(state):
        raise fail("the weights are damaged (their checksum does not match)")
    if not all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point()):
        raise fail("weights contain NaN or infinite values")
    return model


def load_checkpoint(path: str | Path) -> ModelBundle:
    """Load and validate a checkpoint; the model comes back in eval mode on the CPU.

    Raises CheckpointError(path, one-line reason) for a missing, damaged, foreign or mismatched file.
    """
    path = Path(path)
    return _validate(read_payload(path), path, sha256=file_sha256(path))


def read_payload(path: Path) -> Any:
    """The checkpoint dict via torch.load(weights_only=True); CheckpointError(path, one line) if unreadable."""
    if not path.is_file():
        raise CheckpointError(path, "no such model file")
    try:
        return torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # zip, pickle and EOF errors all mean the same to the user
        first = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(path, f"not a readable model checkpoint (damaged, truncated or not a torch file: {first})") from exc


REQUIRED_FIELDS = ("model_class", "model_kwargs", "state_dict", "feature_params", "classes")


def model_class_of(payload: dict, model_classes: Mapping[str, type], fail) -> type:
    """The model class a payload names, after checking the fields every checkpoint needs are there."""
    missing = [k for k in REQUIRED_FIELDS if k not in payload]
    if missing:
        raise fail(f"checkpoint lacks {', '.join(missing)}")
    cls = model_classes.get(payload["model_class"])
    if cls is None:
        raise fail(f"unknown model class {payload['model_class']!r}")
    return cls


def _validate(payload: Any, path: Path, sha256: str | None = None) -> ModelBundle:
    def fail(reason: str) -> CheckpointError:
        return CheckpointError(path, reason)

    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise fail("not a Chart Hero drum model (a foreign torch file)")
    version = payload.get("schema_version")
    if version != SCHEMA_VERSION:
        raise fail(f"checkpoint schema version {version!r} is not supported (this program reads {SCHEMA_VERSION})")
    cls = model_class_of(payload, MODEL_CLASSES, fail)

    classes = payload["classes"]
    if (not isinstance(classes, (list, tuple)) or not classes or len(set(classes)) != len(classes)
            or any(c not in DRUM_CLASSES for c in classes)
            or list(classes) != [c for c in DRUM_CLASSES if c in classes]):
        raise fail(f"class list {classes!r} is not the drum classes or an ordered subset of them")
    classes = tuple(classes)

    try:
        fp = FeatureParams.from_dict(dict(payload["feature_params"]))
    except (TypeError, ValueError) as exc:
        raise fail(f"feature parameters are not usable: {exc}") from exc

    kwargs = payload["model_kwargs"]
    if not isinstance(kwargs, dict):
        raise fail("model_kwargs is not a dict")
    if tuple(kwargs.get("classes", ())) != classes:
        raise fail("the model's class list differs from the checkpoint's")
    if kwargs.get("in_channels") != fp.n_channels or kwargs.get("n_bands") != fp.n_bands:
        raise fail(f"the model expects {kwargs.get('in_channels')}x{kwargs.get('n_bands')} features, the feature "
                   f"parameters give {fp.n_channels}x{fp.n_bands}")
    model = build_verified_model(cls, kwargs, payload, fail)

    calibration = calibration_from_dict(payload.get("calibration"), classes, fail)
    summary = payload.get("training_summary") or {}
    if not isinstance(summary, dict):
        raise fail("training_summary is not a dict")
    model.eval()
    return ModelBundle(model=model, feature_params=fp, classes=classes, calibration=calibration,
                       training_summary=summary, created_s=float(payload.get("created_s", 0.0)),
                       path=path, sha256=sha256,
                       stored_float16=any(v.dtype == torch.float16 for v in payload["state_dict"].values()))
