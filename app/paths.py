"""Where Chart Hero writes: the user's data, cache and config folders (platformdirs); Qt-free, no imports of app.

The single list of folders the program writes to. Nothing is ever written next to the program: a
frozen build's folder (PyInstaller) may be read-only or shared by several users. Shipped, read-only
files (model, presets, hit sounds, demo song) are found by app.resources instead.

Each base folder can be moved by an environment variable (tests, a portable install):

| folder | variable | Linux default |
|---|---|---|
| data   | CHART_HERO_DATA_DIR   | ~/.local/share/chart-hero |
| cache  | CHART_HERO_CACHE_DIR  | ~/.cache/chart-hero |
| config | CHART_HERO_CONFIG_DIR | ~/.config/chart-hero |

When only CHART_HERO_DATA_DIR is set, cache and config go under it (<data>/cache, <data>/config),
so one variable keeps a whole run out of the user's home.
"""
from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "chart-hero"
"""Folder name inside the platform's user folders."""

DATA_DIR_ENV = "CHART_HERO_DATA_DIR"
CACHE_DIR_ENV = "CHART_HERO_CACHE_DIR"
CONFIG_DIR_ENV = "CHART_HERO_CONFIG_DIR"

QT_ORGANIZATION = QT_APPLICATION = "Chart Hero"
"""QApplication organisation and application names: they name the QSettings file."""


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else None


# ---- the three base folders ------------------------------------------------------------------------------

def _user_dir(env: str, kind: str, under_data: str | None) -> Path:
    """$env, else $CHART_HERO_DATA_DIR/under_data, else platformdirs' user_<kind>_dir for the app."""
    override = _override(env)
    if override is not None:
        return override
    data = _override(DATA_DIR_ENV) if under_data else None
    if data is not None:
        return data / under_data
    import platformdirs
    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    """What the user would miss: autosaves, the corrections store. $CHART_HERO_DATA_DIR overrides it."""
    return _user_dir(DATA_DIR_ENV, "data", None)


def user_cache_dir() -> Path:
    """What can be rebuilt: separated stems, rendered one-shots, demucs weights the user adds."""
    return _user_dir(CACHE_DIR_ENV, "cache", "cache")


def user_config_dir() -> Path:
    """Settings: the editor's settings.json and the Qt window layout / recent files (QSettings)."""
    return _user_dir(CONFIG_DIR_ENV, "config", "config")


# ---- named folders and files (every caller takes its path from here) ----------------------------------------

def settings_file() -> Path:
    """The editor's typed settings (app.editor_settings)."""
    return user_config_dir() / "settings.json"


def qsettings_dir() -> Path:
    """Root of the QSettings INI files (the editor points QSettings.setPath(IniFormat, UserScope) here)."""
    return user_config_dir()


def qsettings_file() -> Path:
    """The QSettings file of QT_ORGANIZATION/QT_APPLICATION (IniFormat: .ini on every platform)."""
    return qsettings_dir() / QT_ORGANIZATION / f"{QT_APPLICATION}.ini"


def autosave_dir() -> Path:
    return user_data_dir() / "autosave"


def corrections_dir() -> Path:
    """Where the auto-chart corrections store keeps what the user fixed."""
    return user_data_dir() / "corrections"


def stems_cache_dir() -> Path:
    """Separated drum stems per (audio sha256, demucs model) (app.audio.separation)."""
    return user_cache_dir() / "stems"


def demucs_model_dir() -> Path:
    """Where users put demucs weights (htdemucs.yaml + .th) (app.audio.demucs_models)."""
    return user_cache_dir() / "demucs"


def onnx_twin_cache_dir() -> Path:
    """onnxruntime twins of drum checkpoints, one per checkpoint sha256 (app.transcription.onnx_twin)."""
    return user_cache_dir() / "onnx"


def gm_oneshot_cache_dir() -> Path:
    """One-shots rendered from GM SoundFonts for the training data renderer (app.training.synth.gm_kits)."""
    return user_cache_dir() / "gm-oneshots"


def numba_cache_dir() -> Path:
    """numba's compiled-function cache (librosa) in a frozen build, where it cannot sit beside the sources."""
    return user_cache_dir() / "numba"


def user_locations() -> list[tuple[str, Path]]:
    """(what, where) of every folder the program writes, for the About box and `chart-hero --version`."""
    return [
        ("settings", settings_file()),
        ("window layout", qsettings_file()),
        ("autosaves", autosave_dir()),
        ("corrections", corrections_dir()),
        ("caches", user_cache_dir()),
    ]
