"""Helpers to run the independent scan-chart reader (../shared/tools/scan-chart) from tests."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def scan_chart_dir() -> Path | None:
    for shared in (ROOT.parent / "shared", ROOT / "shared"):
        tool = shared / "tools" / "scan-chart"
        if (tool / "node_modules" / "scan-chart").is_dir():
            return tool
    return None


def require_scan_chart() -> Path:
    tool = scan_chart_dir()
    if shutil.which("node") is None or tool is None:
        pytest.skip("needs node and ../shared/tools/scan-chart/node_modules (`make test` installs them)")
    return tool


def validate(folder: Path) -> dict:
    """scan-chart's verdict on a song folder: {'playable', 'drumType', 'noteCounts', 'issues', ...}."""
    tool = require_scan_chart()
    proc = subprocess.run(["node", str(tool / "validate.js"), "--json", str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout, proc.stderr
    (result,) = json.loads(proc.stdout)
    return result


def errors(result: dict) -> list[dict]:
    return [i for i in result["issues"] if i["severity"] == "error"]


def track_hashes(folder: Path) -> dict[str, str]:
    """Per-difficulty drum gameplay hashes (equal hashes: equal gameplay)."""
    tool = require_scan_chart()
    proc = subprocess.run(["node", str(tool / "hash.js"), str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {line.split()[2]: line.split()[3] for line in proc.stdout.splitlines() if line.strip()}


def scan_notes(folder: Path, difficulty: str = "expert") -> list[tuple[int, float, int, int]]:
    """The first 200 chords' notes of one difficulty as (tick, ms, type, flags), per scan-chart."""
    tool = require_scan_chart()
    proc = subprocess.run(["node", str(tool / "scan.js"), str(folder), "--full"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    notes, current = [], None
    for line in proc.stdout.splitlines():
        if line.startswith("--- drums/"):
            current = line.split()[1].split("/")[1].rstrip(":")
        elif current == difficulty and line.startswith("t"):
            for part in line.split(" | "):
                t, ms, typ, flags = part.split()
                notes.append((int(t[1:]), float(ms[:-2]), int(typ[5:]), int(flags[6:])))
    return notes
