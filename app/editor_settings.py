"""Typed, versioned editor settings (autosave interval, playback cues) in a JSON file; Qt-free."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Callable

SETTINGS_VERSION = 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}
"""version v -> function turning v settings into v + 1 settings."""


@dataclass
class EditorSettings:
    """What the user sets once: autosave interval (s, 0 = off), cue volumes (0-1), cue latency offset (ms)."""

    autosave_interval_s: int = 60
    hit_volume: float = 0.0
    metronome_volume: float = 0.6
    cue_offset_ms: float = 0.0
    keep_pitch: bool = True


def settings_path() -> Path:
    """settings.json in the user config folder (issue 7: app.paths; $CHART_HERO_CONFIG_DIR moves it)."""
    from app.paths import settings_file
    return settings_file()


def load_settings(path: Path | None = None) -> EditorSettings:
    """The saved settings, migrated; defaults for a missing, damaged or newer file (never raises)."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = int(raw.pop("version", 1))
        while version < SETTINGS_VERSION:
            raw = MIGRATIONS[version](raw)
            version += 1
        if version > SETTINGS_VERSION:
            return EditorSettings()
        known = {f.name: f.type for f in fields(EditorSettings)}
        return EditorSettings(**{k: v for k, v in raw.items() if k in known})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return EditorSettings()


def save_settings(settings: EditorSettings, path: Path | None = None) -> None:
    from app.io.atomic import write_text_atomic
    write_text_atomic(path or settings_path(), json.dumps({"version": SETTINGS_VERSION, **asdict(settings)}, indent=1))
