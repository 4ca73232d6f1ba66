"""Where the user's files live: kept for its callers, the folder list itself is app.paths (issue 7).

PACKAGING (issue 7): app/paths.py is the single source of the user folders (data / cache / config,
each overridable by CHART_HERO_DATA_DIR / CHART_HERO_CACHE_DIR / CHART_HERO_CONFIG_DIR); these
names only forward to it so that nothing is written next to a frozen build's executable.
"""
from __future__ import annotations

from pathlib import Path

from app.paths import (  # noqa: F401  (re-exported)
    APP_NAME as APP_DIR_NAME, DATA_DIR_ENV, autosave_dir, corrections_dir, settings_file, user_locations,
)
from app.paths import user_cache_dir, user_data_dir


def data_dir() -> Path:
    """The user data folder (platformdirs user_data_dir); $CHART_HERO_DATA_DIR overrides it (tests)."""
    return user_data_dir()


def cache_dir() -> Path:
    return user_cache_dir()
