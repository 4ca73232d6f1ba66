"""The corrections store: what the user changed in model-made charts, in a crash-safe SQLite file, exported as JSONL."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from app.domain.lanes import Lane
from app.domain.notes import Note

SCHEMA_VERSION = 1
KINDS = ("delete", "add", "move", "change")
"""delete: a model note removed; add: a note added near model activity; move: a model note moved in time
(maybe across lanes too); change: a model note's lane or flags changed at the same tick."""

CHART_NAMES = ("notes.mid", "notes.chart", "song.ini")
AUDIO_SUFFIXES = (".ogg", ".opus", ".mp3", ".wav", ".flac")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,          -- unix time (s)
    gesture INTEGER NOT NULL,          -- records of one user gesture share it
    song_id TEXT NOT NULL,
    song_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    time_s REAL NOT NULL,              -- audio time of the note before (after, for adds)
    tick INTEGER NOT NULL,
    before TEXT,                       -- JSON note or NULL (add)
    after TEXT,                        -- JSON note or NULL (delete)
    confidence REAL,                   -- the model note's confidence (adds: nearby activation)
    drum TEXT,                         -- the model's fine class
    model_version TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    preset TEXT NOT NULL,
    sensitivity TEXT NOT NULL,         -- JSON {class: 0..1}
    active INTEGER NOT NULL DEFAULT 1  -- 0 while the gesture is undone
);
CREATE INDEX IF NOT EXISTS corrections_song ON corrections(song_id);
"""


def default_path() -> Path:
    """corrections.sqlite in the user's corrections folder ($CHART_HERO_DATA_DIR overrides the data folder)."""
    from app.user_paths import corrections_dir
    return corrections_dir() / "corrections.sqlite"


def note_dict(note: Note | None) -> dict[str, Any] | None:
    """A note as plain JSON values: tick, lane name and flags."""
    if note is None:
        return None
    return {"tick": note.tick, "lane": Lane(note.lane).name.lower(), "cymbal": note.cymbal,
            "double_kick": note.double_kick, "dynamic": note.dynamic.value, "flam": note.flam}


def song_id(path: str | Path) -> str:
    """sha256 of an audio file's bytes; for a song folder, of its chart and audio file names and sizes."""
    path = Path(path)
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(path.iterdir(), key=lambda p: p.name.lower()):
            if f.is_file() and (f.name.lower() in CHART_NAMES or f.suffix.lower() in AUDIO_SUFFIXES):
                h.update(f"{f.name.lower()}\t{f.stat().st_size}\n".encode())
    else:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Correction:
    """One changed model note (or an added note near model activity)."""

    kind: str
    song_id: str
    song_path: str
    time_s: float
    tick: int
    before: Note | None
    after: Note | None
    confidence: float | None = None
    drum: str | None = None
    model_version: str = ""
    model_sha256: str = ""
    preset: str = ""
    sensitivity: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")


class CorrectionsStore:
    """SQLite in WAL mode with synchronous=NORMAL: each `add` is one transaction, so a crash loses at most
    the gesture being written. Records are never rewritten except for their `active` flag (undo/redo)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=5.0)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer Chart Hero (schema {version})")
        self.conn.executescript(_SCHEMA)
        self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "CorrectionsStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, records: Sequence[Correction]) -> list[int]:
        """Write the records of one gesture in one transaction; returns their ids."""
        if not records:
            return []
        now = time.time()
        ids: list[int] = []
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            gesture = cur.execute("SELECT COALESCE(MAX(gesture), 0) + 1 FROM corrections").fetchone()[0]
            for r in records:
                cur.execute(
                    "INSERT INTO corrections (created_at, gesture, song_id, song_path, kind, time_s, tick, before,"
                    " after, confidence, drum, model_version, model_sha256, preset, sensitivity)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (now, gesture, r.song_id, r.song_path, r.kind, float(r.time_s), int(r.tick),
                     _json(note_dict(r.before)), _json(note_dict(r.after)),
                     _real(r.confidence), r.drum, r.model_version or "",
                     r.model_sha256 or "", r.preset or "", json.dumps(dict(r.sensitivity), sort_keys=True)))
                ids.append(int(cur.lastrowid))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return ids

    def set_active(self, ids: Iterable[int], active: bool) -> None:
        """Undo (active=False) or redo (True) the records of a gesture, in one transaction."""
        ids = list(ids)
        if not ids:
            return
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        cur.executemany("UPDATE corrections SET active = ? WHERE id = ?", [(int(active), i) for i in ids])
        cur.execute("COMMIT")

    def records(self, include_undone: bool = False) -> list[dict[str, Any]]:
        """All records, oldest first, as plain dicts (before/after/sensitivity parsed)."""
        where = "" if include_undone else " WHERE active = 1"
        cur = self.conn.execute(f"SELECT * FROM corrections{where} ORDER BY id")
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            rec = dict(zip(names, row))
            for key in ("before", "after", "sensitivity"):
                rec[key] = json.loads(rec[key]) if rec[key] is not None else None
            rec["active"] = bool(rec["active"])
            out.append(rec)
        return out

    def export_jsonl(self, out_path: str | Path, include_undone: bool = False) -> int:
        """Write one JSON object per line; returns the number of records written."""
        recs = self.records(include_undone)
        from app.io.atomic import write_text_atomic
        write_text_atomic(out_path, "".join(json.dumps(r, sort_keys=True) + "\n" for r in recs))
        return len(recs)


def export_jsonl(path: str | Path, db_path: str | Path | None = None, include_undone: bool = False) -> int:
    """Export the store at `db_path` (default: the user's) to JSONL at `path`; returns the record count."""
    with CorrectionsStore(db_path) as store:
        return store.export_jsonl(path, include_undone)


def _real(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)  # NaN -> NULL


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)
