"""Reading a YAML settings file (training configs) into a mapping, with one-line errors naming the file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml_mapping(path: str | Path, error: type[Exception] = ValueError) -> dict[str, Any]:
    """The file's top-level mapping ({} for an empty file); `error` (one line, naming the file) when it cannot
    be read, is not YAML, or holds something other than a mapping."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not a text file ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({' '.join(str(exc).split())[:200]})") from exc
    if not isinstance(raw, dict):
        raise error(f"{path}: expected a mapping of settings at the top level")
    return raw
