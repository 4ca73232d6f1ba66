"""The note metadata table (CSV or Parquet, IDMT-SMT-Guitar-like columns): read, check row by row, write."""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from app.guitar.labels import CLASSES, class_of
from app.io.atomic import write_text_atomic
from app.io.errors import ChartFileError

COLUMNS: tuple[str, ...] = (
    "subset_id", "source_audio", "source_annotation", "event_index", "onset_sec", "offset_sec", "duration_sec",
    "pitch_midi", "string_number", "fret_number", "excitation_style", "expression_style", "label_category",
    "is_harmonic", "is_dead_note", "is_general_note")
"""Columns of the table, in the order written; source_audio, onset_sec and offset_sec are required."""

REQUIRED = ("source_audio", "onset_sec", "offset_sec")
DURATION_TOLERANCE_S = 0.01
TRUE, FALSE = {"true", "1", "yes", "t"}, {"false", "0", "no", "f"}


@dataclass(frozen=True)
class NoteEvent:
    """One checked row: a note of a recording with its class (None when the table has no labels)."""

    row: int  # 1-based data row of the table (CSV line = row + 1)
    audio_path: Path
    onset_s: float
    offset_s: float
    label: str | None
    pitch_midi: float | None = None
    note_id: str = ""

    @property
    def recording(self) -> str:
        return str(self.audio_path)

    @property
    def duration_s(self) -> float:
        return self.offset_s - self.onset_s


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str

    def describe(self, table: Path | str) -> str:
        return f"{Path(table).name} row {self.row}: {self.message}; skipped"


@dataclass
class Metadata:
    path: Path
    events: list[NoteEvent] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def report(self) -> list[str]:
        return [p.describe(self.path) for p in self.problems]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _read_rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq

            records = pq.read_table(path).to_pylist()
        except Exception as exc:
            raise ChartFileError(path, f"not a readable Parquet table ({' '.join(str(exc).split())[:160]})") from exc
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ChartFileError(path, "not a UTF-8 CSV table") from exc
        records = list(csv.DictReader(io.StringIO(text)))
    if not records:
        raise ChartFileError(path, "the metadata table has no rows")
    missing = [c for c in REQUIRED if c not in records[0]]
    if missing:
        raise ChartFileError(path, f"the metadata table lacks the column(s) {', '.join(missing)}")
    return [{str(k).strip(): _cell(v) for k, v in r.items() if k is not None} for r in records]


def _number(row: Mapping[str, str], name: str, required: bool) -> float | None:
    text = row.get(name, "")
    if not text:
        if required:
            raise ValueError(f"{name} is missing")
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {text!r} is not a finite number")
    return value


def _check_flags(row: Mapping[str, str], label: str) -> None:
    for cls in CLASSES:
        text = row.get(f"is_{cls}", "").lower()
        if not text:
            continue
        if text not in TRUE | FALSE:
            raise ValueError(f"is_{cls} {row[f'is_{cls}']!r} is not a boolean")
        if (text in TRUE) != (cls == label):
            raise ValueError(f"is_{cls}={row[f'is_{cls}']} contradicts label {label}")


def _event(row: Mapping[str, str], number: int, base: Path, exists: dict[Path, bool], labelled: bool) -> NoteEvent:
    source = row.get("source_audio", "")
    if not source:
        raise ValueError("source_audio is missing")
    audio = Path(source).expanduser()
    audio = audio if audio.is_absolute() else base / audio
    if audio not in exists:
        exists[audio] = audio.is_file()
    if not exists[audio]:
        raise ValueError(f"audio file {source} not found")
    onset, offset = _number(row, "onset_sec", True), _number(row, "offset_sec", True)
    if onset < 0:
        raise ValueError(f"onset_sec {onset:g} is negative")
    if onset >= offset:
        raise ValueError(f"onset_sec {onset:g} is not before offset_sec {offset:g}")
    duration = _number(row, "duration_sec", False)
    if duration is not None and abs(duration - (offset - onset)) > DURATION_TOLERANCE_S:
        raise ValueError(f"duration_sec {duration:g} disagrees with offset_sec - onset_sec = {offset - onset:g}")
    pitch = _number(row, "pitch_midi", False)
    label = None
    if labelled:
        raw = row.get("label_category", "")
        label = class_of(raw, row.get("expression_style"))
        if label is None:
            what = f"label_category {raw!r}" if raw else "no label_category or expression_style"
            raise ValueError(f"unknown label: {what} (expected one of {', '.join(CLASSES)})")
        _check_flags(row, label)
    note_id = f"{row.get('subset_id') or audio.stem}_{row.get('event_index') or number}"
    return NoteEvent(number, audio, onset, offset, label, pitch, note_id)


def read_metadata(path: str | Path, audio_root: str | Path | None = None, labelled: bool = True) -> Metadata:
    """Read and check a metadata table; bad rows become RowProblems (with their 1-based row number), never events.

    Relative source_audio paths resolve against `audio_root`, else the table's folder. A missing or
    unreadable table, or one without the required columns, raises ChartFileError.
    """
    path = Path(path)
    if not path.is_file():
        raise ChartFileError(path, "no such metadata table")
    base = Path(audio_root).expanduser() if audio_root else path.parent
    out, exists = Metadata(path), {}
    for number, row in enumerate(_read_rows(path), start=1):
        try:
            out.events.append(_event(row, number, base, exists, labelled))
        except ValueError as exc:
            out.problems.append(RowProblem(number, str(exc)))
    return out


def write_metadata_csv(path: str | Path, rows: Iterable[Mapping[str, Any]], extra: tuple[str, ...] = ()) -> Path:
    """Write rows (dicts keyed by COLUMNS, plus `extra` columns) as a CSV table, atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, *extra], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    write_text_atomic(path, buf.getvalue())
    return Path(path)
