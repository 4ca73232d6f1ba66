"""Training configuration: a typed, commented YAML preset (resources/training/*.yaml)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from app.io.yaml_config import read_yaml_mapping


@dataclass
class Stage:
    """A training stage: `steps` optimiser steps with these loss weight overrides; `lr` (optional) is the
    learning rate the stage starts at (plateau drops still apply within it)."""

    name: str
    steps: int
    lr: float | None = None
    loss: dict[str, Any] = field(default_factory=dict)


@dataclass
class TrainConfig:
    run_dir: str = "~/.cache/chart-hero/runs/drums"
    seed: int = 1
    threads: int = 2
    train_data: list[str] = field(default_factory=list)
    val_data: list[str] = field(default_factory=list)
    train_limit: int | None = None
    val_limit: int | None = None
    crop_s: float = 4.0
    batch_size: int = 16
    dilation: int = 1
    features: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    loss: dict[str, Any] = field(default_factory=dict)
    lr: float = 1e-3
    weight_decay: float = 0.0
    grad_clip: float = 5.0
    stages: list[Stage] = field(default_factory=lambda: [Stage("full", 1000)])
    eval_every: int = 200
    lr_drop_patience: int = 3
    lr_drop_factor: float = 0.5
    early_stop_patience: int = 8
    decode_preset: str = "conservative"
    keep_snapshots: bool = False
    """Also keep each evaluation's weights as run_dir/step-NNNNNN.pt (for checkpoint averaging)."""
    device: str = "cpu"
    """Where the network trains: "cpu", "cuda", "cuda:N" or "auto" (CUDA when torch sees one, else CPU).
    Data, features, evaluation and checkpoints stay on the CPU, so a run may move between machines."""
    exclude_kits: list[str] = field(default_factory=list)
    """Training examples rendered with these kits are left out: "Name" (any group) or "group=Name" (that kit
    supplied the kick, snare, toms, hihat or cymbals); for shards rendered before a kit's mislabelled
    samples were found (synth/sample_checks.py)."""
    init_checkpoint: str | None = None
    """Start from this checkpoint's weights (fine-tuning, or continuing on a machine without the run's
    state file); ignored when the run folder has a state to resume."""
    anchor_decay: float = 0.0
    """Pull towards init_checkpoint's weights, decoupled from Adam like AdamW's decay: after each step every
    weight moves lr * anchor_decay of its way back to where it started (L2-SP). lr * anchor_decay = 1/N keeps
    the weights within about N steps' drift of the start; 0 turns it off. Needs init_checkpoint (also on resume)."""

    def __post_init__(self) -> None:
        if self.anchor_decay < 0:
            raise ValueError(f"anchor_decay is {self.anchor_decay}: it must be 0 (off) or more")
        if self.anchor_decay > 0 and not self.init_checkpoint:
            raise ValueError("anchor_decay needs init_checkpoint: the weights to pull towards")

    @property
    def total_steps(self) -> int:
        return sum(s.steps for s in self.stages)

    @property
    def run_path(self) -> Path:
        return Path(self.run_dir).expanduser()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Read a YAML training config; unknown keys are an error (a typo must not train silently)."""
    raw = read_yaml_mapping(path)
    raw.update(overrides or {})
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"{path}: unknown training settings {sorted(unknown)}")
    try:
        if "stages" in raw:
            raw["stages"] = [Stage(**s) for s in raw["stages"]]
        return TrainConfig(**raw)
    except (TypeError, ValueError) as exc:   # a stage that is not a mapping of Stage fields, a bad value
        raise ValueError(f"{path}: {exc}") from None
