"""PDF engines: MuseScore opens the MusicXML, LilyPond engraves it, and a missing engine says what to install."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from app.notation import PdfEngineError, export_notation, notation_musicxml
from app.notation import pdf as pdf_mod
from app.notation.pdf import MUSESCORE_NAMES, Engine, musicxml_to_pdf, staff_from_drum_staff
from app.notation.sample_chart import sample_chart


@pytest.fixture(scope="module")
def musicxml(tmp_path_factory):
    path = tmp_path_factory.mktemp("notation") / "sample.musicxml"
    path.write_bytes(notation_musicxml(sample_chart()))
    return path


def _musescore() -> str | None:
    return next((shutil.which(n) for n in MUSESCORE_NAMES if shutil.which(n)), None)


@pytest.mark.skipif(_musescore() is None, reason="MuseScore is not installed (apt-get install musescore3)")
def test_musescore_opens_the_musicxml(musicxml, tmp_path) -> None:
    out = tmp_path / "x.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([_musescore(), "-o", str(out), str(musicxml)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "not a valid MusicXML" not in r.stderr  # MuseScore validates against the MusicXML schema
    assert out.stat().st_size > 1000


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("lilypond") and shutil.which("musicxml2ly")),
                    reason="LilyPond is not installed (apt-get install lilypond)")
def test_lilypond_engraves_the_musicxml(musicxml, tmp_path) -> None:
    eng = Engine("lilypond", shutil.which("lilypond"), shutil.which("musicxml2ly"))
    out = tmp_path / "y.pdf"
    assert musicxml_to_pdf(musicxml, out, eng).kind == "lilypond"
    assert out.read_bytes()[:4] == b"%PDF"


def test_no_engine_names_what_to_install_and_keeps_the_musicxml(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pdf_mod, "find_engine", lambda: None)
    with pytest.raises(PdfEngineError) as info:
        export_notation(sample_chart(), tmp_path / "song.pdf")
    msg = str(info.value)
    assert "\n" not in msg and "MuseScore" in msg and "LilyPond" in msg
    assert (tmp_path / "song.musicxml").is_file() and not (tmp_path / "song.pdf").exists()


def test_find_engine_with_nothing_on_path(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf_mod.find_engine() is None


def test_failing_engine_is_one_line(musicxml, tmp_path) -> None:
    fake = tmp_path / "mscore"
    fake.write_text("#!/bin/sh\necho 'first line' >&2\necho 'it broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(PdfEngineError, match=r"^mscore failed \(exit 3\): it broke$"):
        musicxml_to_pdf(musicxml, tmp_path / "z.pdf", Engine("musescore", str(fake)))
    assert not (tmp_path / "z.pdf").exists()


def test_musicxml2ly_output_goes_on_a_plain_staff() -> None:
    ly = '\\new DrumStaff <<\n\\context DrumVoice = "v" { \\clef "percussion" c8 }'
    out = staff_from_drum_staff(ly)
    assert "Drum" not in out and "middleCPosition = #-6" in out


def test_export_rejects_other_suffixes(tmp_path) -> None:
    with pytest.raises(ValueError):
        export_notation(sample_chart(), tmp_path / "song.png")
