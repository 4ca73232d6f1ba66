"""Guitar training configuration: a typed, commented YAML preset (resources/guitar/*.yaml), unknown keys rejected."""
from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.guitar.features import FeatureParams
from app.io.yaml_config import read_yaml_mapping


@dataclass
class DataConfig:
    metadata: str = ""
    audio_root: str | None = None  # relative source_audio paths resolve here (default: the metadata's folder)


@dataclass
class ModelConfig:
    channels: list[int] = field(default_factory=lambda: [24, 48, 96])
    blocks_per_stage: int = 1
    freq_bins: int = 4
    hidden: int = 128
    dropout: float = 0.3


@dataclass
class TrainingConfig:
    run_dir: str = "~/.cache/chart-hero/runs/guitar"
    seed: int = 1
    threads: int = 2
    batch_size: int = 32
    max_epochs: int = 100
    lr: float = 1e-3
    weight_decay: float = 1e-4
    grad_clip: float = 5.0
    scheduler: str = "plateau"  # plateau | cosine | none
    lr_patience: int = 4
    lr_factor: float = 0.5
    early_stopping_patience: int = 12
    class_weights: bool = True
    focal_gamma: float = 2.0


@dataclass
class AugmentationConfig:
    enabled: bool = True
    p_stretch: float = 0.5
    time_stretch_range: list[float] = field(default_factory=lambda: [0.9, 1.1])
    p_gain: float = 0.5
    gain_db_range: list[float] = field(default_factory=lambda: [-6.0, 6.0])
    p_noise: float = 0.3
    noise_snr_db_range: list[float] = field(default_factory=lambda: [20.0, 40.0])
    mixup_alpha: float = 0.2


@dataclass
class SplitConfig:
    train: float = 0.70
    val: float = 0.15
    test: float = 0.15
    seed: int = 42


@dataclass
class GuitarConfig:
    data: DataConfig = field(default_factory=DataConfig)
    features: FeatureParams = field(default_factory=FeatureParams)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    augmentation: AugmentationConfig = field(default_factory=AugmentationConfig)
    splits: SplitConfig = field(default_factory=SplitConfig)

    @property
    def run_path(self) -> Path:
        return Path(self.training.run_dir).expanduser()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ConfigError(ValueError):
    """A config that cannot be used; str() is one line naming the file and the setting."""


def _build(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown settings {unknown} (known: {sorted(known)})")
    kwargs = {}
    for name, value in raw.items():
        sub = known[name].default_factory if known[name].default_factory is not dataclasses.MISSING else None
        if sub is not None and dataclasses.is_dataclass(sub):
            kwargs[name] = _build(sub, value, f"{where}.{name}")
        else:
            kwargs[name] = value
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _apply_override(raw: dict, dotted: str, value: Any) -> None:
    node = raw
    *parents, leaf = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    node[leaf] = value


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> GuitarConfig:
    """Read a guitar YAML config; `overrides` maps dotted keys ("training.run_dir") to values.

    Unknown keys at any level are a ConfigError (a typo must not train silently). A relative
    data.metadata is resolved against the config file's folder.
    """
    path = Path(path)
    raw = read_yaml_mapping(path, ConfigError)
    for key, value in (overrides or {}).items():
        _apply_override(raw, key, value)
    config = _build(GuitarConfig, raw, str(path))
    if config.data.metadata and not Path(config.data.metadata).expanduser().is_absolute():
        config.data.metadata = str((path.parent / config.data.metadata).resolve())
    _check(config, path)
    return config


def _check(c: GuitarConfig, path: Path) -> None:
    problems = []
    s = c.splits
    if min(s.train, s.val, s.test) < 0 or s.train <= 0 or abs(s.train + s.val + s.test - 1.0) > 1e-6:
        problems.append(f"splits must be non-negative and sum to 1 (got {s.train}+{s.val}+{s.test})")
    if c.training.scheduler not in ("plateau", "cosine", "none"):
        problems.append(f"training.scheduler {c.training.scheduler!r} is not plateau, cosine or none")
    if not c.model.channels or any(int(ch) <= 0 for ch in c.model.channels):
        problems.append("model.channels must be a non-empty list of positive integers")
    for name in ("time_stretch_range", "gain_db_range", "noise_snr_db_range"):
        r = getattr(c.augmentation, name)
        if len(r) != 2 or r[0] > r[1]:
            problems.append(f"augmentation.{name} must be [low, high]")
    if problems:
        raise ConfigError(f"{path}: {'; '.join(problems)}")
