"""`export_notation(chart, path, difficulty)`: drum sheet music as MusicXML or PDF (what the Export menu calls)."""
from __future__ import annotations

import os
from pathlib import Path

from app.domain.lanes import Difficulty
from app.domain.song import Chart
from app.io.atomic import write_bytes_atomic
from app.notation.layout import layout
from app.notation.pdf import Engine, PdfEngineError, musicxml_to_pdf

MUSICXML_SUFFIXES = (".musicxml", ".xml")
SUFFIXES = MUSICXML_SUFFIXES + (".pdf",)


def notation_musicxml(chart: Chart, difficulty: Difficulty = Difficulty.EXPERT) -> bytes:
    """The MusicXML of `difficulty` (lower difficulties the charter did not write are generated from Expert)."""
    from app.notation.musicxml import score_to_musicxml
    from app.notation.score import build_score

    if difficulty is not Difficulty.EXPERT and not len(chart.drums[difficulty]) \
            and difficulty not in chart.drums.authored:
        from app.io.any_format import with_generated_difficulties
        chart = with_generated_difficulties(chart)
    md = chart.metadata
    subtitle = f"Drums ({difficulty.title})" if difficulty is not Difficulty.EXPERT else ""
    score = build_score(layout(chart, difficulty), md.name or "Drums", md.artist, subtitle)
    return score_to_musicxml(score)


def export_notation(chart: Chart, path: str | Path, difficulty: Difficulty = Difficulty.EXPERT,
                    engine: Engine | None = None) -> Path:
    """Write drum notation of `chart` to `path` (.musicxml / .xml, or .pdf); returns the file written.

    For a PDF the MusicXML is written beside it first (same name, .musicxml), so a missing engine
    still leaves something to open. Raises PdfEngineError (one-line message naming what to install)
    when no PDF engine is installed, ValueError for another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: notation is written as .musicxml or .pdf, not {suffix or 'no suffix'}")
    xml = notation_musicxml(chart, difficulty)
    xml_path = path if suffix in MUSICXML_SUFFIXES else path.with_suffix(".musicxml")
    write_bytes_atomic(xml_path, xml)
    _shareable(xml_path)
    if suffix == ".pdf":
        try:
            musicxml_to_pdf(xml_path, path, engine)
        except PdfEngineError as exc:
            raise PdfEngineError(f"{exc} (the MusicXML is in {xml_path})") from None
        _shareable(path)
    return path


def _shareable(path: Path) -> None:
    """Give an exported file the usual permissions (atomic writes create it owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
