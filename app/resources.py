"""Where shipped files live: resources/ and models/ beside the package, or inside a frozen build."""
from __future__ import annotations

import sys
from pathlib import Path


def _root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder build
    return Path(frozen) if frozen else Path(__file__).resolve().parents[1]


def resource_path(*parts: str) -> Path:
    """A file under resources/ (presets, demo song, icons, hit sounds, training configs)."""
    return _root().joinpath("resources", *parts)


def model_path(*parts: str) -> Path:
    """A file under models/ (shipped weights and model card)."""
    return _root().joinpath("models", *parts)


DEFAULT_MODEL_NAME = "drums.pt"


def default_model_path() -> Path:
    return model_path(DEFAULT_MODEL_NAME)
