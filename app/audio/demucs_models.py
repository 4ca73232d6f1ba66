"""Finding demucs separation weights on disk (never downloading) and loading them."""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from app.io.errors import ChartFileError

PREFERRED_MODELS: tuple[str, ...] = ("htdemucs", "htdemucs_ft")
"""Looked for in this order: htdemucs is one model; htdemucs_ft is a bag of four, ~4x slower
for +0.2 dB drum SDR (10.9 -> 11.1 dB)."""

UNITTEST_MODEL = "demucs_unittest"
"""A tiny untrained HDemucs that ships inside demucs: for tests and benchmarks, not for users."""

HF_NAMESPACE = "adefossez"
"""demucs 4.1 downloads its named models from this HuggingFace namespace."""


@dataclass(frozen=True)
class SeparatorSpec:
    """Where a separation model's weights are, checked to exist, so loading needs no network.

    kind: "repo" (a --demucs-repo style folder: <name>.yaml + <sig>[-<checksum>].th, or
    <name>.th), "hub_cache" (torch hub checkpoints of demucs < 4.1), "hf_cache" (HuggingFace
    cache of demucs 4.1: <name>.yaml + <sig>.safetensors) or "builtin" (demucs_unittest).
    """

    name: str
    kind: str
    folder: Path | None = None
    files: tuple[Path, ...] = ()

    def describe(self) -> str:
        return self.name if self.folder is None else f"{self.name} ({self.kind}: {self.folder})"

    @classmethod
    def unittest(cls) -> SeparatorSpec:
        return cls(UNITTEST_MODEL, "builtin")


def default_model_dir() -> Path:
    """~/.cache/chart-hero/demucs on Linux (the user cache folder of app.paths): where users put weights."""
    from app.paths import demucs_model_dir  # issue 7: one list of user folders

    return demucs_model_dir()


def torch_hub_checkpoints_dir() -> Path:
    """torch.hub.get_dir()/checkpoints, computed without importing torch."""
    if os.environ.get("TORCH_HOME"):
        return Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "torch" / "hub" / "checkpoints"


def hf_hub_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "huggingface" / "hub"


def _bundled_bag(name: str) -> dict | None:
    """The bag definition demucs ships in demucs/remote/<name>.yaml (found without importing demucs)."""
    spec = importlib.util.find_spec("demucs")
    if spec is None or not spec.submodule_search_locations:
        return None
    return _read_bag(Path(list(spec.submodule_search_locations)[0]) / "remote" / f"{name}.yaml")


def _read_bag(path: Path) -> dict | None:
    try:
        bag = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return bag if isinstance(bag, dict) and isinstance(bag.get("models"), list) else None


def _th_files(folder: Path) -> dict[str, Path]:
    """signature -> file for <sig>.th and <sig>-<checksum>.th, as demucs.repo.LocalRepo scans."""
    out: dict[str, Path] = {}
    for f in sorted(folder.glob("*.th")):
        out.setdefault(f.stem.rsplit("-", 1)[0] if "-" in f.stem else f.stem, f)
    return out


def _find_in_repo(folder: Path, name: str) -> SeparatorSpec | None:
    weights = _th_files(folder)
    if name in weights:  # a single model saved as <name>.th
        return SeparatorSpec(name, "repo", folder, (weights[name],))
    bag = _read_bag(folder / f"{name}.yaml")
    if bag and all(str(sig) in weights for sig in bag["models"]):
        return SeparatorSpec(name, "repo", folder, tuple(weights[str(s)] for s in bag["models"]))
    return None


def _find_in_hub_cache(folder: Path, name: str) -> SeparatorSpec | None:
    bag = _bundled_bag(name)
    weights = _th_files(folder)
    if bag and all(str(sig) in weights for sig in bag["models"]):
        return SeparatorSpec(name, "hub_cache", folder, tuple(weights[str(s)] for s in bag["models"]))
    return None


def _hf_repo_name(name: str) -> str:
    """As demucs.hf.hf_repo_name: htdemucs -> HTDemucs, htdemucs_ft -> HTDemucs-ft."""
    if name == "htdemucs":
        return "HTDemucs"
    return "HTDemucs-" + name[len("htdemucs_"):] if name.startswith("htdemucs_") else "Demucs-" + name


def _find_in_hf_cache(root: Path, name: str) -> SeparatorSpec | None:
    snapshots = root / f"models--{HF_NAMESPACE}--{_hf_repo_name(name)}" / "snapshots"
    for snap in sorted(snapshots.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True):
        bag = _read_bag(snap / f"{name}.yaml")
        files = [snap / f"{sig}.safetensors" for sig in (bag or {}).get("models", [])]
        if files and all(f.is_file() for f in files):
            return SeparatorSpec(name, "hf_cache", snap, tuple(files))
    return None


def find_separation_model(repo: str | Path | None = None,
                          names: tuple[str, ...] = PREFERRED_MODELS) -> SeparatorSpec | None:
    """The first separation model whose files all exist, or None; nothing is downloaded.

    Looks in `repo` (if given), then default_model_dir(), the torch hub checkpoints and the
    HuggingFace cache, trying `names` in order within each place.
    """
    places: list[tuple[Path, Callable[[Path, str], SeparatorSpec | None]]] = []
    for folder in ([Path(repo).expanduser()] if repo else []) + [default_model_dir()]:
        places.append((folder, _find_in_repo))
    places.append((torch_hub_checkpoints_dir(), _find_in_hub_cache))
    places.append((hf_hub_cache_dir(), _find_in_hf_cache))
    for folder, finder in places:
        if not folder.is_dir():
            continue
        for name in names:
            spec = finder(folder, name)
            if spec is not None:
                return spec
    return None


def no_model_message() -> str:
    """The one line to show when find_separation_model found nothing."""
    where = str(default_model_dir()).replace(str(Path.home()), "~", 1)
    return (f"no separation model: put htdemucs.yaml + its .th weights (or htdemucs.th) in {where} "
            "or pass --demucs-repo DIR; transcribing the full mix")


def load_separation_model(spec: SeparatorSpec):
    """Load the model (a demucs Model or BagOfModels, in eval mode) from files checked to exist.

    Imports torch and demucs. Never downloads: "builtin" only allows demucs_unittest, and
    a local repo goes through demucs.pretrained.get_model(name, repo=folder).
    """
    where = spec.folder or Path(spec.name)
    missing = [f for f in spec.files if not f.is_file()]
    if (spec.folder is not None and not spec.folder.is_dir()) or missing:
        raise ChartFileError(missing[0] if missing else where, "separation model file missing")
    try:
        if spec.kind == "builtin":
            if spec.name != UNITTEST_MODEL:
                raise ValueError(f"'{spec.name}' is not a built-in model")
            from demucs.pretrained import get_model

            model = get_model(UNITTEST_MODEL)
        elif spec.kind == "repo":
            from demucs.pretrained import get_model

            model = get_model(spec.name, repo=spec.folder)
        elif spec.kind in ("hub_cache", "hf_cache"):
            model = _load_bag(spec)
        else:
            raise ValueError(f"unknown model kind '{spec.kind}'")
    except ChartFileError:
        raise
    except Exception as exc:
        raise ChartFileError(where, f"cannot load separation model {spec.name}: "
                                    f"{type(exc).__name__}: {exc}") from exc
    model.eval()
    return model


def _load_bag(spec: SeparatorSpec):
    from demucs.apply import BagOfModels
    from demucs.states import load_model

    if spec.kind == "hf_cache":
        from demucs.hf import load_safetensors_model

        models = [load_safetensors_model(f) for f in spec.files]
        bag = _read_bag(spec.folder / f"{spec.name}.yaml") or {}
    else:
        models = [load_model(f) for f in spec.files]
        bag = _bundled_bag(spec.name) or {}
    return BagOfModels(models, bag.get("weights"), bag.get("segment"))
