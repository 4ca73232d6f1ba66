"""Clone Hero song folders: import chart + song.ini + stems; export a folder Clone Hero plays."""
from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.song import Chart
from app.io.errors import ChartFileError

STEM_NAMES = ("song", "guitar", "bass", "rhythm", "keys", "vocals", "vocals_1", "vocals_2",
              "drums", "drums_1", "drums_2", "drums_3", "drums_4", "crowd", "preview")
"""Audio base names Clone Hero plays (scan-chart `hasAudioName`)."""
AUDIO_EXTENSIONS = (".ogg", ".opus", ".mp3", ".wav")
"""Extensions Clone Hero accepts; anything else is re-encoded to ogg on export."""
IMPORTABLE_AUDIO_EXTENSIONS = AUDIO_EXTENSIONS + (".flac",)
CHART_NAMES = ("notes.mid", "notes.chart")


@dataclass
class SongFolder:
    """What an imported song folder holds: the chart, its stems (name -> file) and read warnings."""

    path: Path
    chart: Chart
    chart_file: Path | None
    stems: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def find_stems(folder: str | Path) -> dict[str, Path]:
    """Map stem name -> audio file for every recognised stem in `folder` (names matched case-insensitively;
    ogg preferred over opus, mp3, wav, flac when one stem has several files)."""
    folder = Path(folder)
    found: dict[str, Path] = {}
    rank = {ext: k for k, ext in enumerate(IMPORTABLE_AUDIO_EXTENSIONS)}
    for f in sorted(folder.iterdir()) if folder.is_dir() else []:
        stem, ext = f.stem.lower(), f.suffix.lower()
        if f.is_file() and stem in STEM_NAMES and ext in rank:
            if stem not in found or rank[ext] < rank[found[stem].suffix.lower()]:
                found[stem] = f
    return found


def find_chart_file(folder: Path) -> tuple[Path | None, list[str]]:
    files = {f.name.lower(): f for f in folder.iterdir() if f.is_file()}
    present = [files[n] for n in CHART_NAMES if n in files]
    warnings = []
    if len(present) > 1:
        warnings.append("both notes.mid and notes.chart present; using notes.mid (Clone Hero refuses such folders)")
    return (present[0] if present else None), warnings


def import_song_folder(folder: str | Path, require_audio: bool = True) -> SongFolder:
    """Read a Clone Hero song folder; raises ChartFileError naming the file and the fault."""
    from app.io.chart_file import read_chart
    from app.io.midi_file import read_midi_with_warnings
    from app.io.song_ini import read_song_ini

    folder = Path(folder)
    if not folder.is_dir():
        raise ChartFileError(folder, "not a folder")
    chart_path, warnings = find_chart_file(folder)
    if chart_path is None:
        from app.domain.song import empty_chart
        chart = empty_chart()
        warnings.append("no notes.mid or notes.chart; starting an empty chart")
    elif chart_path.suffix.lower() == ".mid":
        result = read_midi_with_warnings(chart_path)
        chart, warnings = result.chart, warnings + result.warnings
    else:
        chart = read_chart(chart_path)
    ini_path = next((f for f in folder.iterdir() if f.name.lower() == "song.ini"), None)
    if ini_path is not None:
        chart.metadata = _merge_metadata(chart.metadata, read_song_ini(ini_path))
    else:
        warnings.append("no song.ini; metadata comes from the chart file")
    stems = find_stems(folder)
    if require_audio and not stems:
        raise ChartFileError(folder, "no audio files (expected song.ogg, drums.ogg, ... in ogg/opus/mp3/wav)")
    return SongFolder(folder, chart, chart_path, stems, warnings)


def _merge_metadata(from_chart, from_ini):
    """song.ini wins over the chart file's own metadata, except for empty fields."""
    ini = from_ini[0] if isinstance(from_ini, tuple) else from_ini
    merged = ini.copy()
    for name in ("name", "artist", "album", "genre", "year", "charter"):
        if not getattr(merged, name) and getattr(from_chart, name):
            setattr(merged, name, getattr(from_chart, name))
    return merged


def audio_duration_ms(path: Path) -> int | None:
    try:
        import soundfile as sf
        info = sf.info(str(path))
        return int(round(info.frames * 1000 / info.samplerate))
    except Exception:
        return None


def export_song_folder(chart: Chart, out_dir: str | Path, stems: dict[str, Path] | None = None,
                       chart_format: str = "mid", backup: bool = True) -> tuple[Path, list[str]]:
    """Write a Clone Hero song folder at `out_dir`: notes.mid or notes.chart, song.ini and the audio
    (lowercase stem names; ogg/opus/mp3/wav copied, other formats re-encoded to ogg).

    The folder is built beside `out_dir` and renamed into place; an existing `out_dir` is kept as
    `<out_dir>.backup-<timestamp>` (or refused when backup=False). Returns (folder, warnings).
    """
    from app.io.chart_file import write_chart
    from app.io.midi_file import write_midi
    from app.io.song_ini import write_song_ini

    out_dir = Path(out_dir)
    stems = dict(stems or {})
    if chart_format not in ("mid", "chart"):
        raise ValueError(f"chart format must be 'mid' or 'chart', not {chart_format!r}")
    if out_dir.exists() and not backup:
        raise ChartFileError(out_dir, "already exists (pass backup=True to keep it as a backup and replace it)")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    warnings: list[str] = []
    try:
        for name, src in stems.items():
            _copy_audio(Path(src), tmp, name.lower())
        chart = chart.copy()
        lengths = [d for d in (audio_duration_ms(f) for f in tmp.iterdir()) if d]
        if lengths and not chart.metadata.song_length_ms:
            chart.metadata.song_length_ms = max(lengths)
        if chart.metadata.diff_drums < 0:
            chart.metadata.diff_drums = _difficulty_estimate(chart)
        if chart_format == "mid":
            warnings += write_midi(chart, tmp / "notes.mid") or []
        else:
            warnings += write_chart(chart, tmp / "notes.chart") or []
        write_song_ini(chart.metadata, tmp / "song.ini")
        if out_dir.exists():
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_dir = out_dir.with_name(f"{out_dir.name}.backup-{stamp}")
            os.replace(out_dir, backup_dir)
            warnings.append(f"kept the previous folder as {backup_dir.name}")
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir, warnings


def _copy_audio(src: Path, dest_dir: Path, stem: str) -> Path:
    if not src.is_file():
        raise ChartFileError(src, "audio file not found")
    ext = src.suffix.lower()
    if ext in AUDIO_EXTENSIONS:
        dest = dest_dir / f"{stem}{ext}"
        shutil.copyfile(src, dest)
        return dest
    dest = dest_dir / f"{stem}.ogg"
    try:
        import soundfile as sf

        from app.audio.decode import write_chunked
        data, sr = sf.read(str(src), dtype="float32", always_2d=True)
        write_chunked(str(dest), data.clip(-1, 1), sr, format="OGG", subtype="VORBIS")
    except Exception as exc:
        raise ChartFileError(src, f"cannot re-encode to ogg ({exc})") from None
    return dest


def _difficulty_estimate(chart: Chart) -> int:
    """A 0-6 drum difficulty guess from Expert note density (notes per second)."""
    notes = chart.drums.expert
    if len(notes) < 2:
        return 0
    span_s = chart.tempo_map.tick_to_s(notes.last_tick) - chart.tempo_map.tick_to_s(notes.first_tick)
    nps = len(notes) / max(span_s, 1.0)
    return int(min(6, max(0, round(nps / 2.0) - 1)))
