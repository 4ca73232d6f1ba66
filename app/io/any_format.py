"""Load and save a chart in whatever form a path names: song folder, notes.mid, notes.chart or GM MIDI."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.song import Chart
from app.io.errors import ChartFileError

KINDS = ("folder", "mid", "chart", "gm")


@dataclass
class LoadedSong:
    chart: Chart
    stems: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    kind: str = "mid"


def guess_kind(path: Path, for_output: bool = False) -> str:
    """'folder', 'mid', 'chart' or 'gm' from the path (and, for inputs, the file's content)."""
    suffix = path.suffix.lower()
    if path.is_dir() or (for_output and suffix not in (".mid", ".midi", ".chart")):
        return "folder"
    if suffix == ".chart":
        return "chart"
    if suffix in (".mid", ".midi"):
        if for_output:
            return "mid"
        return "mid" if _has_drum_track(path) or not _has_gm_drums(path) else "gm"
    raise ChartFileError(path, "unknown kind of file (expected a song folder, .mid, .midi or .chart)")


def _midi_or_none(path: Path):
    import mido
    try:
        return mido.MidiFile(str(path), clip=True)
    except Exception:
        return None  # the real reader reports the fault


def _has_drum_track(path: Path) -> bool:
    from app.io.midi_file import DRUM_TRACK_NAMES
    mid = _midi_or_none(path)
    return mid is not None and any(
        m.type == "track_name" and m.name in DRUM_TRACK_NAMES for t in mid.tracks for m in t[:8])


def _has_gm_drums(path: Path) -> bool:
    mid = _midi_or_none(path)
    return mid is not None and any(m.type == "note_on" and m.channel == 9 for t in mid.tracks for m in t)


def load_song(path: str | Path, kind: str | None = None, require_audio: bool = False,
              require_chart: bool = True) -> LoadedSong:
    """Read a song folder or chart file. For folders: `require_audio` refuses a folder without audio,
    `require_chart` one without notes.mid / notes.chart (else an empty chart is started)."""
    path = Path(path)
    if not path.exists():
        raise ChartFileError(path, "no such file or folder")
    kind = kind or guess_kind(path)
    if kind == "folder":
        from app.io.song_folder import import_song_folder
        sf = import_song_folder(path, require_audio=require_audio)
        if require_chart and sf.chart_file is None:
            raise ChartFileError(path, "no notes.mid or notes.chart in this folder")
        return LoadedSong(sf.chart, sf.stems, sf.warnings, kind)
    if kind == "mid":
        from app.io.midi_file import read_midi_with_warnings
        r = read_midi_with_warnings(path)
        return LoadedSong(r.chart, {}, r.warnings, kind)
    if kind == "chart":
        from app.io.chart_file import read_chart
        return LoadedSong(read_chart(path), {}, [], kind)
    if kind == "gm":
        from app.io.gm_midi import read_gm_midi
        chart, warnings = read_gm_midi(path)
        return LoadedSong(chart, {}, list(warnings), kind)
    raise ValueError(f"unknown kind {kind!r}")


def save_song(chart: Chart, out: str | Path, kind: str | None = None, stems: dict[str, Path] | None = None,
              chart_format: str = "mid") -> list[str]:
    """Write `chart` to `out`; lower difficulties the charter did not write are generated first."""
    out = Path(out)
    kind = kind or guess_kind(out, for_output=True)
    chart = with_generated_difficulties(chart)
    if kind == "folder":
        from app.io.song_folder import export_song_folder
        warnings = [] if stems else ["no audio to put in the song folder: Clone Hero will not play it"]
        _, w = export_song_folder(chart, out, stems, chart_format=chart_format)
        return warnings + w
    if kind == "mid":
        from app.io.midi_file import write_midi
        return write_midi(chart, out)
    if kind == "chart":
        from app.io.chart_file import write_chart
        return write_chart(chart, out) or []
    if kind == "gm":
        from app.io.gm_midi import write_gm_midi
        write_gm_midi(chart, out)
        return []
    raise ValueError(f"unknown kind {kind!r}")


def with_generated_difficulties(chart: Chart) -> Chart:
    """A copy of `chart` whose missing lower difficulties are generated from Expert."""
    from app.domain.reduction import fill_missing_difficulties
    chart = chart.copy()
    edits = fill_missing_difficulties(chart)
    for e in edits if isinstance(edits, list) else [edits]:
        e.apply(chart)
    return chart
