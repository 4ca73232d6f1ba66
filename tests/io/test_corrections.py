"""The corrections store: records, undo flags, JSONL export, song ids, the CLI, and surviving a crash."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.io.corrections import Correction, CorrectionsStore, export_jsonl, song_id

ROOT = Path(__file__).resolve().parents[2]


def _rec(kind="delete", tick=480, **kw) -> Correction:
    before = Note(tick, Lane.YELLOW, cymbal=True)
    after = None if kind == "delete" else Note(tick + 120, Lane.BLUE, cymbal=True)
    return Correction(kind=kind, song_id="abc", song_path="/songs/x.ogg", time_s=0.5, tick=tick, before=before,
                      after=after, confidence=0.31, drum="hihat_closed", model_version="1", model_sha256="f" * 64,
                      preset="conservative", sensitivity={"kick": 0.7}, **kw)


def test_records_round_trip_and_undo_flags(tmp_path) -> None:
    with CorrectionsStore(tmp_path / "c.sqlite") as store:
        ids = store.add([_rec("delete"), _rec("move", 960)])
        assert len(ids) == 2
        recs = store.records()
        assert [r["kind"] for r in recs] == ["delete", "move"]
        assert recs[0]["gesture"] == recs[1]["gesture"]
        assert recs[0]["before"] == {"tick": 480, "lane": "yellow", "cymbal": True, "double_kick": False,
                                     "dynamic": "normal", "flam": False}
        assert recs[0]["after"] is None and recs[1]["after"]["lane"] == "blue"
        assert recs[0]["sensitivity"] == {"kick": 0.7} and recs[0]["confidence"] == pytest.approx(0.31)
        store.set_active(ids[:1], False)
        assert [r["kind"] for r in store.records()] == ["move"]
        assert len(store.records(include_undone=True)) == 2
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        _rec("rename")


def test_export_jsonl_parses(tmp_path) -> None:
    db = tmp_path / "c.sqlite"
    with CorrectionsStore(db) as store:
        store.add([_rec("delete"), _rec("change", 240)])
    out = tmp_path / "out.jsonl"
    assert export_jsonl(out, db) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [x["kind"] for x in lines] == ["delete", "change"]
    assert {"song_id", "song_path", "time_s", "tick", "before", "after", "model_version", "model_sha256",
            "preset", "sensitivity", "created_at"} <= set(lines[0])


def test_cli_export(tmp_path, capsys) -> None:
    from app.cli.main import main
    db = tmp_path / "c.sqlite"
    with CorrectionsStore(db) as store:
        store.add([_rec()])
    out = tmp_path / "x.jsonl"
    assert main(["corrections", "export", str(out), "--db", str(db)]) == 0
    assert "wrote 1 correction" in capsys.readouterr().out
    assert json.loads(out.read_text())["kind"] == "delete"
    assert main(["corrections", "export", str(out), "--db", str(tmp_path / "none.sqlite")]) == 2


def test_default_location_follows_the_env_var(tmp_path, monkeypatch) -> None:
    from app.io.corrections import default_path
    monkeypatch.setenv("CHART_HERO_DATA_DIR", str(tmp_path))
    assert default_path().is_relative_to(tmp_path) and default_path().name == "corrections.sqlite"


def test_song_id(tmp_path) -> None:
    audio = tmp_path / "a.ogg"
    audio.write_bytes(b"12345")
    assert song_id(audio) == song_id(audio) and len(song_id(audio)) == 64
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "song.ogg").write_bytes(b"x" * 10)
    (folder / "notes.mid").write_bytes(b"y" * 3)
    first = song_id(folder)
    (folder / "album.png").write_bytes(b"z")  # not chart or audio: same id
    assert song_id(folder) == first
    (folder / "notes.mid").write_bytes(b"y" * 4)
    assert song_id(folder) != first


CRASH = """
import os, signal, sys
sys.path.insert(0, {root!r})
from tests.io.test_corrections import _rec
from app.io.corrections import CorrectionsStore
store = CorrectionsStore({db!r})
for k in range(5):
    store.add([_rec("delete", 480 * k)])
store.conn.execute("BEGIN IMMEDIATE")   # a gesture half written when the process dies
store.conn.execute("INSERT INTO corrections (created_at, gesture, song_id, song_path, kind, time_s, tick, "
                   "model_version, model_sha256, preset, sensitivity) VALUES (0, 99, 's', 'p', 'add', 0, 0, '', '', '', '{{}}')")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_committed_records_survive_a_crash(tmp_path) -> None:
    db = tmp_path / "c.sqlite"
    r = subprocess.run([sys.executable, "-c", CRASH.format(root=str(ROOT), db=str(db))], cwd=ROOT)
    assert r.returncode != 0  # killed, never closed
    assert (tmp_path / "c.sqlite-wal").exists()
    with CorrectionsStore(db) as store:
        recs = store.records()
    assert [x["tick"] for x in recs] == [0, 480, 960, 1440, 1920]
