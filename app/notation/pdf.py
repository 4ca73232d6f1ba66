"""MusicXML to PDF through MuseScore (`mscore -o`) or LilyPond (`musicxml2ly` then `lilypond`), whichever is installed."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.io.atomic import atomic_path

MUSESCORE_NAMES = ("mscore", "mscore4", "mscore3", "musescore", "musescore4", "musescore3", "MuseScore4",
                   "MuseScore3")
INSTALL_HINT = ("no PDF engine found: install MuseScore (apt-get install musescore3, or musescore.org) "
                "or LilyPond (apt-get install lilypond, or lilypond.org)")
TIMEOUT_S = 300


class PdfEngineError(RuntimeError):
    """No engine is installed, or the engine failed; str() is one line."""


@dataclass(frozen=True)
class Engine:
    """A PDF engine: 'musescore' (exe = mscore) or 'lilypond' (exe = lilypond, helper = musicxml2ly)."""

    kind: str
    exe: str
    helper: str | None = None


def find_engine() -> Engine | None:
    """MuseScore first (it reads MusicXML drum kits best), then LilyPond; None when neither is on PATH."""
    for name in MUSESCORE_NAMES:
        exe = shutil.which(name)
        if exe:
            return Engine("musescore", exe)
    lily, conv = shutil.which("lilypond"), shutil.which("musicxml2ly")
    if lily and conv:
        return Engine("lilypond", lily, conv)
    return None


def musicxml_to_pdf(musicxml: Path, pdf: Path, engine: Engine | None = None) -> Engine:
    """Engrave `musicxml` into `pdf` (written atomically); returns the engine used.

    Raises PdfEngineError with a one-line message when no engine is installed or the engine fails.
    """
    engine = engine or find_engine()
    if engine is None:
        raise PdfEngineError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="chart-hero-notation-") as tmp:
        out = Path(tmp) / "score.pdf"
        if engine.kind == "musescore":
            _musescore(engine, Path(musicxml), out)
        else:
            _lilypond(engine, Path(musicxml), out)
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfEngineError(f"{engine.kind} wrote no PDF for {musicxml}")
        with atomic_path(pdf) as target:
            shutil.copyfile(out, target)
    return engine


def _run(cmd: list[str], cwd: Path, env: dict | None = None) -> None:
    try:
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise PdfEngineError(f"{Path(cmd[0]).name} took longer than {TIMEOUT_S} s") from None
    if r.returncode != 0:
        last = next((ln for ln in reversed((r.stderr or r.stdout).splitlines()) if ln.strip()), "no message")
        raise PdfEngineError(f"{Path(cmd[0]).name} failed (exit {r.returncode}): {last.strip()}")


def _musescore(engine: Engine, musicxml: Path, out: Path) -> None:
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless: no X server needed
    _run([engine.exe, "-o", str(out), str(musicxml.resolve())], out.parent, env)


def _lilypond(engine: Engine, musicxml: Path, out: Path) -> None:
    ly = out.with_suffix(".ly")
    _run([engine.helper or "musicxml2ly", "--output", str(ly), str(musicxml.resolve())], out.parent)
    ly.write_text(staff_from_drum_staff(ly.read_text(encoding="utf-8")), encoding="utf-8")
    _run([engine.exe, "--pdf", "-o", str(out.with_suffix("")), str(ly)], out.parent)


def staff_from_drum_staff(ly: str) -> str:
    """musicxml2ly writes display pitches into a DrumStaff, where LilyPond misplaces them; a plain staff
    with the percussion clef and treble positions shows them where the MusicXML says."""
    ly = re.sub(r"\bDrumStaff\b", "Staff", ly)
    ly = re.sub(r"\bDrumVoice\b", "Voice", ly)
    return ly.replace('\\clef "percussion"', '\\clef "percussion" \\set Staff.middleCPosition = #-6 '
                                             '\\set Staff.middleCClefPosition = #-6')
