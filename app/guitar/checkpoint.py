"""Self-describing guitar model checkpoints: atomic save, strict validated load with one-line errors."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import torch

from app.guitar.features import FeatureParams
from app.guitar.labels import CLASSES
from app.guitar.model import MODEL_CLASSES
from app.io.atomic import atomic_path
from app.transcription.checkpoint import (CheckpointError, build_verified_model, file_sha256, model_class_of,
                                          read_payload, weights_digest)

FORMAT = "chart-hero-guitar-note-model"
SCHEMA_VERSION = 1

__all__ = ["CheckpointError", "GuitarBundle", "load_guitar_model", "save_guitar_model"]


@dataclass
class GuitarBundle:
    """A loaded guitar model (eval mode, CPU) with the feature parameters and classes it was trained with."""

    model: torch.nn.Module
    feature_params: FeatureParams
    classes: tuple[str, ...]
    training_summary: dict[str, Any]
    created_s: float
    path: Path | None = None
    sha256: str | None = None


def _plain(value: Any) -> Any:
    """Plain types only (what weights_only loading accepts), via a JSON round trip."""
    return json.loads(json.dumps(value))


def save_guitar_model(path: str | Path, model: torch.nn.Module, feature_params: FeatureParams,
                      training_summary: Mapping[str, Any] | None = None) -> str:
    """Write the model's weights and description atomically; return the file's sha256."""
    name = type(model).__name__
    if name not in MODEL_CLASSES:
        raise ValueError(f"unknown model class {name}")
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION, "model_class": name,
        "model_kwargs": _plain(dict(model.init_kwargs)), "state_dict": state, "weights_sha256": weights_digest(state),
        "feature_params": feature_params.to_dict(), "classes": list(model.classes),
        "training_summary": _plain(dict(training_summary or {})), "created_s": time.time(),
    }
    _validate(payload, Path(path))  # never write a file that could not be loaded back
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return file_sha256(path)


def load_guitar_model(path: str | Path) -> GuitarBundle:
    """Load and validate a guitar checkpoint; CheckpointError(path, one-line reason) for anything wrong."""
    path = Path(path)
    return _validate(read_payload(path), path, sha256=file_sha256(path))


def _validate(payload: Any, path: Path, sha256: str | None = None) -> GuitarBundle:
    def fail(reason: str) -> CheckpointError:
        return CheckpointError(path, reason)

    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise fail("not a Chart Hero guitar note model")
    if payload.get("schema_version") != SCHEMA_VERSION:
        raise fail(f"checkpoint schema version {payload.get('schema_version')!r} is not supported "
                   f"(this program reads {SCHEMA_VERSION})")
    cls = model_class_of(payload, MODEL_CLASSES, fail)
    classes = payload["classes"]
    if not isinstance(classes, list) or tuple(classes) != CLASSES:
        raise fail(f"class list {classes!r} is not {list(CLASSES)}")
    try:
        fp = FeatureParams.from_dict(dict(payload["feature_params"]))
    except (TypeError, ValueError) as exc:
        raise fail(f"feature parameters are not usable: {exc}") from exc
    kwargs = payload["model_kwargs"]
    if not isinstance(kwargs, dict) or kwargs.get("n_bands") != fp.n_mels:
        raise fail(f"the model expects {kwargs.get('n_bands') if isinstance(kwargs, dict) else '?'} bands, "
                   f"the feature parameters give {fp.n_mels}")
    model = build_verified_model(cls, kwargs, payload, fail)
    summary = payload.get("training_summary") or {}
    if not isinstance(summary, dict):
        raise fail("training_summary is not a dict")
    model.eval()
    return GuitarBundle(model, fp, tuple(classes), summary, float(payload.get("created_s", 0.0)), path, sha256)
