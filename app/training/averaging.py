"""Weight averaging of checkpoints of one run (late-training snapshots), a cheap and steadier final model."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import torch

from app.transcription.checkpoint import CheckpointError, Calibration, load_checkpoint, save_checkpoint


def average_checkpoints(paths: Sequence[str | Path], out: str | Path) -> str:
    """Write the mean of the weights of `paths` (same architecture, features and classes) to `out`; returns
    its sha256. Float tensors (BatchNorm statistics included) are averaged, integer counters take the
    last file's value. The calibration is the last file's: recalibrate the result (`chart-hero calibrate`)."""
    if not paths:
        raise ValueError("no checkpoints to average")
    bundles = [load_checkpoint(p) for p in paths]
    first = bundles[0]
    for p, b in zip(paths, bundles):
        if (type(b.model) is not type(first.model) or b.model.init_kwargs != first.model.init_kwargs
                or b.feature_params != first.feature_params or b.classes != first.classes):
            raise CheckpointError(Path(p), f"architecture, features or classes differ from {paths[0]}")
    states = [b.model.state_dict() for b in bundles]
    mean = {}
    for name, value in states[-1].items():
        if torch.is_floating_point(value):
            mean[name] = torch.stack([s[name].float() for s in states]).mean(0).to(value.dtype)
        else:
            mean[name] = value.clone()
    model = bundles[-1].model
    model.load_state_dict(mean)
    last = bundles[-1]
    summary = {**last.training_summary, "averaged_from": [Path(p).name for p in paths]}
    return save_checkpoint(out, model, last.feature_params, Calibration(dict(last.calibration.thresholds),
                                                                         dict(last.calibration.timing_offsets_ms)),
                           summary, last.classes)
