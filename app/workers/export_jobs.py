"""Plain (Qt-free) export jobs the editor runs off the GUI thread: song folder and GM MIDI."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.progress import check_cancel
from app.domain.song import Chart


@dataclass
class ExportResult:
    path: Path
    warnings: list[str] = field(default_factory=list)


def export_song_folder_job(chart: Chart, out_dir: str | Path, stems: dict[str, Path] | None = None,
                           chart_format: str = "mid", on_progress=None, should_cancel=None) -> ExportResult:
    """Lower difficulties generated, then notes + song.ini + stems written atomically into `out_dir`."""
    from app.io.any_format import save_song
    if on_progress:
        on_progress(0.05, "generating lower difficulties")
    check_cancel(should_cancel)
    warnings = save_song(chart, Path(out_dir), kind="folder", stems=stems or None, chart_format=chart_format)
    if on_progress:
        on_progress(1.0, f"wrote {Path(out_dir).name}")
    return ExportResult(Path(out_dir), list(warnings or []))


def export_gm_midi_job(chart: Chart, path: str | Path, on_progress=None, should_cancel=None) -> ExportResult:
    from app.io.gm_midi import write_gm_midi
    check_cancel(should_cancel)
    write_gm_midi(chart, Path(path))
    if on_progress:
        on_progress(1.0, f"wrote {Path(path).name}")
    return ExportResult(Path(path))


def export_notation_job(chart: Chart, path: str | Path, on_progress=None, should_cancel=None) -> ExportResult:
    """Drum sheet music: MusicXML always; PDF through MuseScore or LilyPond when one is installed."""
    from app.notation.export import export_notation
    check_cancel(should_cancel)
    written = export_notation(chart, Path(path))
    if on_progress:
        on_progress(1.0, f"wrote {written.name}")
    return ExportResult(written)
