"""Song folders: import, export (checked by scan-chart), backups, malformed folders."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note
from app.domain.phrases import Phrase, PhraseKind, Section
from app.domain.song import empty_chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.any_format import load_song, save_song
from app.io.errors import ChartFileError
from app.io.song_folder import export_song_folder, find_stems, import_song_folder
from tests import scan_chart


def rock_chart(bars: int = 12, bpm: float = 128.0):
    """A rock groove with fills, crashes, toms, ghosts and 2x kicks from bar 2 on (Expert only)."""
    c = empty_chart("Folder Song", "Chart Hero Band")
    m = c.metadata
    m.album, m.genre, m.year, m.charter = "Tests", "Rock", "2026", "Chart Hero"
    c.tempo_map = TempoMap([TempoChange(0, bpm), TempoChange(480 * 4 * (bars // 2), bpm + 12)],
                           [TimeSignature(0, 4, 4)])
    ex = c.drums.expert
    for bar in range(1, bars):
        t0 = bar * 1920
        for k in range(8):
            t = t0 + k * 240
            if bar % 4 == 3 and k >= 4:  # tom fill
                ex.put(Note(t, [Lane.YELLOW, Lane.BLUE, Lane.GREEN, Lane.GREEN][k - 4], cymbal=False))
                continue
            ex.put(Note(t, Lane.YELLOW, cymbal=True, dynamic=Dynamic.ACCENT if k == 0 else Dynamic.NORMAL))
            if k in (0, 3, 5):
                ex.put(Note(t, Lane.KICK))
            if k in (2, 6):
                ex.put(Note(t, Lane.RED))
            if k == 7:
                ex.put(Note(t, Lane.RED, dynamic=Dynamic.GHOST))
        if bar % 4 == 0:
            ex.put(Note(t0, Lane.GREEN, cymbal=True))
            ex.put(Note(t0 + 60, Lane.KICK, double_kick=True))
        c.sections.append(Section(t0, f"Bar {bar}")) if bar % 4 == 1 else None
    c.drums.phrases = [Phrase(1920, 1920, PhraseKind.STAR_POWER), Phrase(3 * 1920, 1920 - 240 + 240, PhraseKind.FILL)]
    fill_end = max(n.tick for n in ex.in_range(3 * 1920, 4 * 1920))
    c.drums.phrases = sorted([Phrase(1920, 1920, PhraseKind.STAR_POWER),
                              Phrase(3 * 1920, fill_end - 3 * 1920, PhraseKind.FILL)])
    return c


def write_audio(path, seconds: float) -> None:
    sf.write(str(path), np.zeros((int(seconds * 44100), 2), np.float32), 44100, format="OGG", subtype="VORBIS")


@pytest.fixture
def song_audio(tmp_path):
    path = tmp_path / "src" / "Song.OGG"
    path.parent.mkdir()
    write_audio(path, 30)
    return path


@pytest.mark.parametrize("fmt", ["mid", "chart"])
def test_exported_folder_passes_scan_chart(tmp_path, song_audio, fmt) -> None:
    out = tmp_path / f"out-{fmt}"
    save_song(rock_chart(), out, "folder", {"song": song_audio}, chart_format=fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted([f"notes.{fmt}", "song.ini", "song.ogg"])
    result = scan_chart.validate(out)
    assert result["playable"] and result["drumType"] == 1, result
    assert scan_chart.errors(result) == []
    counts = {c["difficulty"]: c["count"] for c in result["noteCounts"] if c["instrument"] == "drums"}
    assert set(counts) == {"expert", "hard", "medium", "easy"}
    assert counts["expert"] > counts["hard"] > counts["medium"] >= counts["easy"] > 0


def test_mid_and_chart_exports_play_the_same(tmp_path, song_audio) -> None:
    chart = rock_chart()
    save_song(chart, tmp_path / "a", "folder", {"song": song_audio}, chart_format="mid")
    save_song(chart, tmp_path / "b", "folder", {"song": song_audio}, chart_format="chart")
    # (scan-chart's track hashes also cover note and phrase lengths, which the formats store differently)
    na, nb = scan_chart.scan_notes(tmp_path / "a"), scan_chart.scan_notes(tmp_path / "b")
    assert len(na) == len(nb) > 50
    assert max(abs(a[1] - b[1]) for a, b in zip(na, nb)) < 0.5  # ms
    assert [(a[0], a[2], a[3]) for a in na] == [(b[0], b[2], b[3]) for b in nb]


def test_reexport_keeps_a_backup(tmp_path, song_audio) -> None:
    out = tmp_path / "song"
    export_song_folder(rock_chart(), out, {"song": song_audio})
    (out / "my-notes.txt").write_text("keep me")
    _, warnings = export_song_folder(rock_chart(), out, {"song": song_audio})
    backups = list(tmp_path.glob("song.backup-*"))
    assert len(backups) == 1 and (backups[0] / "my-notes.txt").read_text() == "keep me"
    assert any("backup" in w for w in warnings)
    with pytest.raises(ChartFileError, match="already exists"):
        export_song_folder(rock_chart(), out, {"song": song_audio}, backup=False)


def test_import_reads_chart_ini_and_stems(tmp_path, song_audio) -> None:
    out = tmp_path / "song"
    chart = rock_chart()
    chart.metadata.extra = {"loading_phrase": "hello", "icon": "custom"}
    export_song_folder(chart, out, {"song": song_audio, "drums": song_audio})
    write_audio(out / "Drums_2.OGG", 1)
    folder = import_song_folder(out)
    assert set(folder.stems) == {"song", "drums", "drums_2"}
    assert folder.chart.metadata.name == "Folder Song" and folder.chart.metadata.charter == "Chart Hero"
    assert folder.chart.metadata.extra == {"loading_phrase": "hello", "icon": "custom"}
    assert list(folder.chart.drums.expert) == list(chart.drums.expert)
    assert find_stems(out)["drums_2"].name == "Drums_2.OGG"


def test_folder_without_audio_is_refused(tmp_path) -> None:
    out = tmp_path / "song"
    export_song_folder(rock_chart(), out, {})
    with pytest.raises(ChartFileError, match="no audio files") as info:
        import_song_folder(out)
    assert "\n" not in str(info.value) and str(out) in str(info.value)
    assert load_song(out).chart.drums.expert  # the editor can still open it
    with pytest.raises(ChartFileError, match="no audio"):
        load_song(out, require_audio=True)


def test_flac_stems_are_reencoded_to_ogg(tmp_path) -> None:
    src = tmp_path / "drums.flac"
    sf.write(str(src), np.zeros(44100, np.float32), 44100)
    out = tmp_path / "song"
    export_song_folder(rock_chart(), out, {"drums": src})
    assert (out / "drums.ogg").is_file() and not (out / "drums.flac").exists()
