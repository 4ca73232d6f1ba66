"""`chart-hero notation`: exit codes and one-line messages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.cli.main import main
from app.io.any_format import save_song
from app.notation import pdf as pdf_mod
from app.notation.sample_chart import sample_chart

ROOT = Path(__file__).resolve().parents[2]


def _chart_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.chart"
    save_song(sample_chart(), path)
    return path


def test_missing_input_exits_2_with_one_line(tmp_path, capsys) -> None:
    assert main(["notation", str(tmp_path / "nope"), "--out", str(tmp_path / "x.musicxml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such file or folder" in err


def test_wrong_output_suffix_exits_2(tmp_path, capsys) -> None:
    assert main(["notation", str(_chart_file(tmp_path)), "--out", str(tmp_path / "x.png")]) == 2
    assert ".musicxml" in capsys.readouterr().err


def test_writes_musicxml(tmp_path, capsys) -> None:
    out = tmp_path / "drums.musicxml"
    assert main(["notation", str(_chart_file(tmp_path)), "--out", str(out), "--difficulty", "hard"]) == 0
    assert out.read_bytes().startswith(b"<?xml") and f"wrote {out}" in capsys.readouterr().out


def test_pdf_without_engine_exits_1_with_one_line(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(pdf_mod, "find_engine", lambda: None)
    assert main(["notation", str(_chart_file(tmp_path)), "--out", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "install MuseScore" in err and "LilyPond" in err
    assert (tmp_path / "x.musicxml").is_file()


def test_pdf_without_engine_on_path_from_the_shell(tmp_path) -> None:
    chart = _chart_file(tmp_path)
    r = subprocess.run([sys.executable, "-m", "app", "notation", str(chart), "--out", str(tmp_path / "x.pdf")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120, env={"PATH": str(tmp_path)})
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
