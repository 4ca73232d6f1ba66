"""Editor project files (.chproj): the chart, audio references, view state and extras as versioned JSON."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import Chart, DrumPart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.atomic import write_text_atomic
from app.io.errors import ChartFileError

FORMAT = "chart-hero-project"
VERSION = 1
SUFFIX = ".chproj"

MIGRATIONS: dict[int, Callable[[dict], dict]] = {}
"""version v -> function turning a v document into a v + 1 document (none needed yet)."""


@dataclass
class ViewState:
    """Where the editor was looking: visible range (s), difficulty, grid (divisions per beat), cursor (s)."""

    start_s: float = 0.0
    end_s: float = 12.0
    difficulty: Difficulty = Difficulty.EXPERT
    snap: int = 4
    cursor_s: float = 0.0


@dataclass
class Project:
    """An editor project. `extras`: JSON-able data other tools keep with the project (auto-chart
    settings, confidences, ...); `source_path`: the chart or folder this project came from, if any."""

    chart: Chart
    stems: dict[str, Path] = field(default_factory=dict)
    view: ViewState = field(default_factory=ViewState)
    extras: dict[str, Any] = field(default_factory=dict)
    source_path: Path | None = None
    warnings: list[str] = field(default_factory=list)


# ---- chart <-> plain data ---------------------------------------------------------------------------
def _note_to_list(n: Note) -> list:
    return [n.tick, int(n.lane), int(n.cymbal), int(n.double_kick), n.dynamic.value, int(n.flam)]


def _note_from_list(v: list) -> Note:
    tick, lane, cymbal, double_kick, dynamic, flam = v
    return Note(int(tick), Lane(int(lane)), bool(cymbal), bool(double_kick), Dynamic(dynamic), bool(flam))


def chart_to_dict(chart: Chart) -> dict:
    tm = chart.tempo_map
    meta = {f.name: getattr(chart.metadata, f.name) for f in fields(SongMetadata)}
    meta["extra"] = [[k, v] for k, v in chart.metadata.extra.items()]  # a list keeps the file order
    return {
        "resolution": tm.resolution,
        "metadata": meta,
        "tempos": [[t.tick, t.bpm, t.anchor_s] for t in tm.tempos],
        "time_signatures": [[s.tick, s.numerator, s.denominator] for s in tm.time_signatures],
        "notes": {d.name.lower(): [_note_to_list(n) for n in chart.drums.notes[d]] for d in Difficulty},
        "authored": sorted(d.name.lower() for d in chart.drums.authored),
        "phrases": [[p.tick, p.length, p.kind.value, p.min_difficulty.name.lower()] for p in chart.drums.phrases],
        "local_events": [[e.tick, e.text] for e in chart.drums.local_events],
        "sections": [[s.tick, s.name] for s in chart.sections],
        "events": [[e.tick, e.text] for e in chart.events],
        "end_tick": chart.end_tick,
    }


def _difficulty(name: str) -> Difficulty:
    return Difficulty[str(name).upper()]


def chart_from_dict(d: dict) -> Chart:
    """Inverse of chart_to_dict; raises KeyError/TypeError/ValueError on malformed data."""
    meta_in = dict(d["metadata"])
    extra = {str(k): str(v) for k, v in meta_in.pop("extra", [])}
    known = {f.name for f in fields(SongMetadata)}
    metadata = SongMetadata(**{k: v for k, v in meta_in.items() if k in known}, extra=extra)
    tempo_map = TempoMap([TempoChange(int(t), float(b), None if a is None else float(a)) for t, b, a in d["tempos"]],
                         [TimeSignature(int(t), int(n), int(m)) for t, n, m in d["time_signatures"]],
                         int(d["resolution"]))
    notes = {diff: NoteList() for diff in Difficulty}
    for name, items in d["notes"].items():
        notes[_difficulty(name)] = NoteList(_note_from_list(v) for v in items)
    drums = DrumPart(
        notes=notes,
        phrases=[Phrase(int(t), int(n), PhraseKind(k), _difficulty(m)) for t, n, k, m in d["phrases"]],
        local_events=[TextEvent(int(t), str(x)) for t, x in d["local_events"]],
        authored={_difficulty(x) for x in d["authored"]})
    end = d.get("end_tick")
    return Chart(metadata=metadata, tempo_map=tempo_map, drums=drums,
                 sections=[Section(int(t), str(x)) for t, x in d["sections"]],
                 events=[TextEvent(int(t), str(x)) for t, x in d["events"]],
                 end_tick=None if end is None else int(end))


# ---- paths ------------------------------------------------------------------------------------------
def _relative(path: Path, base: Path) -> str:
    """`path` relative to `base` when they share a drive (with ../ as needed), else absolute."""
    path = Path(path).absolute()
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


def _resolve(text: str, base: Path) -> Path:
    p = Path(text)
    return p if p.is_absolute() else (base / p).resolve()


# ---- project <-> JSON -------------------------------------------------------------------------------
def project_to_dict(project: Project, base: Path) -> dict:
    v = project.view
    return {
        "format": FORMAT,
        "version": VERSION,
        "chart": chart_to_dict(project.chart),
        "audio": {"stems": {name: _relative(p, base) for name, p in sorted(project.stems.items())}},
        "view": {"start_s": v.start_s, "end_s": v.end_s, "difficulty": v.difficulty.name.lower(),
                 "snap": v.snap, "cursor_s": v.cursor_s},
        "source_path": _relative(project.source_path, base) if project.source_path else None,
        "extras": project.extras,
    }


def project_to_json(project: Project, base: Path) -> str:
    return json.dumps(project_to_dict(project, base), ensure_ascii=False, indent=1)


def migrate(doc: dict) -> dict:
    """Bring a project document up to VERSION through MIGRATIONS."""
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"project version {version!r} is not valid")
    if version > VERSION:
        raise ValueError(f"project version {version} is newer than this Chart Hero reads ({VERSION}); update it")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["version"] = version + 1
    return doc


def project_from_dict(doc: dict, base: Path) -> Project:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a Chart Hero project")
    doc = migrate(doc)
    chart = chart_from_dict(doc["chart"])
    warnings: list[str] = []
    stems: dict[str, Path] = {}
    for name, text in dict(doc.get("audio", {}).get("stems", {})).items():
        p = _resolve(str(text), base)
        if p.exists():
            stems[str(name)] = p
        else:
            warnings.append(f"audio file not found: {p}")
    v = dict(doc.get("view") or {})
    view = ViewState(float(v.get("start_s", 0.0)), float(v.get("end_s", 12.0)),
                     _difficulty(v.get("difficulty", "expert")), int(v.get("snap", 4)), float(v.get("cursor_s", 0.0)))
    src = doc.get("source_path")
    extras = doc.get("extras") or {}
    if not isinstance(extras, dict):
        raise ValueError("extras is not an object")
    return Project(chart, stems, view, extras, _resolve(src, base) if src else None, warnings)


def write_project(project: Project, path: str | Path, on_progress=None, should_cancel=None) -> Path:
    """Write `project` to `path` atomically (temp file + rename); audio paths relative to its folder."""
    path = Path(path)
    text = project_to_json(project, path.absolute().parent)
    write_text_atomic(path, text)
    if on_progress:
        on_progress(1.0, f"saved {path.name}")
    return path


def read_project(path: str | Path) -> Project:
    """Read a .chproj file; raises ChartFileError(path, one line) for a damaged or foreign file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChartFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChartFileError(path, f"cannot read project ({type(exc).__name__}: {exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChartFileError(path, f"damaged project file (invalid JSON at line {exc.lineno})") from None
    try:
        return project_from_dict(doc, path.absolute().parent)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ChartFileError(path, f"damaged project file: {what}") from None
