"""notes.chart: hand-written edge cases, malformed files, a round-trip property and a scan-chart check."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import empty_chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.chart_file import chart_text_and_warnings, chart_to_text, parse_chart_text, read_chart, write_chart
from app.io.errors import ChartFileError
from app.io.song_ini import write_song_ini
from tests.strategies import assert_same_chart, charts

SONG_192 = """[Song]
{
  Name = "Test Song"
  Artist = "Band"
  Charter = "Someone"
  Album = "Record"
  Year = ", 2002"
  Offset = 0.25
  Resolution = 192
  PreviewStart = 12.5
  Genre = "rock"
  Length = 200.5
  MusicStream = "song.ogg"
}
[SyncTrack]
{
  0 = TS 4
  0 = B 120000
  768 = TS 7 3
  768 = A 2000000
  768 = B 150325
  1536 = A 3500000
}
[Events]
{
  0 = E "section Intro"
  192 = E "crowd_clap"
  768 = E "section Verse 1"
  3072 = E "end"
}
[ExpertSingle]
{
  0 = N 0 0
}
[ExpertDrums]
{
  0 = N 0 0
  0 = N 2 0
  0 = S 2 768
  192 = N 2 0
  192 = N 66 0
  192 = N 32 0
  384 = N 3 0
  384 = N 67 0
  384 = N 36 0
  384 = E solo
  384 = E [mix 3 drums0d]
  480 = N 4 0
  480 = N 68 0
  480 = N 1 0
  480 = N 40 0
  576 = N 5 0
  576 = N 38 0
  576 = S 64 96
  672 = N 1 0
  672 = N 34 0
  672 = S 65 96
  672 = E soloend
}
[HardDrums]
{
  0 = N 2 0
  672 = N 1 0
  672 = S 65 96
  672 = S 2 10
  700 = E [mix 2 drums0d]
  700 = E [mix 3 drums0]
}
[EasyDrums]
{
}
"""


def test_reads_a_192_resolution_file() -> None:
    c = parse_chart_text(SONG_192)
    assert c.resolution == 192
    m = c.metadata
    assert (m.name, m.artist, m.charter, m.album, m.year, m.genre) == (
        "Test Song", "Band", "Someone", "Record", "2002", "rock")
    assert (m.delay_ms, m.preview_start_ms, m.song_length_ms) == (250, 12_500, 200_500)
    assert c.tempo_map.time_signatures == (TimeSignature(0, 4, 4), TimeSignature(768, 7, 8))
    tempos = [(t.tick, t.bpm, t.anchor_s) for t in c.tempo_map.tempos]
    assert tempos == [(0, 120.0, None), (768, 150.325, 2.0), (1536, 150.325, 3.5)]  # anchor adds a marker
    assert c.sections == [Section(0, "Intro"), Section(768, "Verse 1")]
    assert c.events == [TextEvent(192, "crowd_clap")] and c.end_tick == 3072


def test_reads_drum_notes_toms_cymbals_kicks_and_dynamics() -> None:
    c = parse_chart_text(SONG_192)
    assert list(c.drums.expert) == [
        Note(0, Lane.KICK), Note(0, Lane.YELLOW),                        # Y without 66: a tom
        Note(192, Lane.KICK, double_kick=True), Note(192, Lane.YELLOW, cymbal=True),
        Note(384, Lane.BLUE, cymbal=True, dynamic=Dynamic.ACCENT),
        Note(480, Lane.RED, dynamic=Dynamic.GHOST), Note(480, Lane.GREEN, cymbal=True),
        Note(576, Lane.GREEN, dynamic=Dynamic.ACCENT),                  # 5-lane green read as green
        Note(672, Lane.RED, dynamic=Dynamic.ACCENT)]
    assert c.drums.authored == {Difficulty.EXPERT, Difficulty.HARD}   # Easy is empty, Single ignored
    assert list(c.drums.notes[Difficulty.HARD]) == [Note(0, Lane.YELLOW), Note(672, Lane.RED)]
    assert len(c.drums.notes[Difficulty.EASY]) == 0


def test_reads_phrases_from_expert_and_rolls_from_every_difficulty() -> None:
    c = parse_chart_text(SONG_192)
    assert c.drums.phrases == sorted([
        Phrase(0, 768, PhraseKind.STAR_POWER),
        Phrase(384, 672 - 384 + 1, PhraseKind.SOLO),                  # soloend's tick is inside
        Phrase(576, 96, PhraseKind.FILL),
        Phrase(672, 96, PhraseKind.ROLL, Difficulty.HARD)])            # Hard's own SP is not read
    assert c.drums.phrases_of(PhraseKind.FILL)[0].contains(672)       # a fill includes its last tick
    # Expert's local events, plus the mix event Hard holds for itself
    assert c.drums.local_events == [TextEvent(384, "[mix 3 drums0d]"), TextEvent(700, "[mix 2 drums0d]")]


def _edge_chart():
    c = empty_chart("Edge", "Band", resolution=480)
    c.tempo_map = TempoMap([TempoChange(0, 120.0), TempoChange(1920, 133.333, anchor_s=1.9)],
                           [TimeSignature(0, 4, 4), TimeSignature(3840, 6, 8)], 480)
    ex = c.drums.expert
    for n in (Note(0, Lane.KICK, double_kick=True), Note(0, Lane.YELLOW, cymbal=True, dynamic=Dynamic.GHOST),
              Note(480, Lane.YELLOW), Note(480, Lane.BLUE, cymbal=True), Note(960, Lane.GREEN),
              Note(1440, Lane.RED, dynamic=Dynamic.ACCENT), Note(1920, Lane.GREEN, cymbal=True)):
        ex.put(n)
    c.drums.notes[Difficulty.MEDIUM].put(Note(0, Lane.YELLOW, cymbal=True))
    c.drums.authored = {Difficulty.EXPERT, Difficulty.MEDIUM}
    c.drums.phrases = sorted([Phrase(0, 960, PhraseKind.STAR_POWER), Phrase(480, 1440, PhraseKind.FILL),
                              Phrase(0, 500, PhraseKind.SOLO), Phrase(900, 100, PhraseKind.DOUBLE_ROLL, Difficulty.MEDIUM)])
    c.drums.local_events = [TextEvent(0, "[mix 1 drums0d]"), TextEvent(1920, "[mix 3 drums0]")]
    c.sections = [Section(0, "Intro"), Section(1920, "Verse 1")]
    c.events = [TextEvent(960, "[crowd_clap]")]
    c.end_tick = 4000
    c.metadata.year, c.metadata.delay_ms, c.metadata.preview_start_ms = "1999", -20, 1500
    return c


def test_edge_chart_round_trip_and_moonscraper_layout(tmp_path) -> None:
    c = _edge_chart()
    assert write_chart(c, tmp_path / "notes.chart") == []
    data = (tmp_path / "notes.chart").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8")
    for line in ("  Resolution = 480", '  Year = ", 1999"', "  Offset = -0.02", "  PreviewStart = 1.5",
                 "  0 = TS 4", "  3840 = TS 6 3", "  1920 = A 1900000", "  1920 = B 133333",
                 '  960 = E "crowd_clap"'.replace("crowd_clap", "[crowd_clap]"), '  4000 = E "end"',
                 '  1920 = E "section Verse 1"', "  0 = N 32 0", "  480 = S 64 1440", "  0 = E solo",
                 "  499 = E soloend", "  900 = S 66 100", "  0 = E [mix 1 drums0d]"):
        assert line in text.split("\r\n"), line
    medium = text[text.index("[MediumDrums]"):]
    assert "900 = S 66 100" in medium and "0 = E [mix 1 drums0d]" in medium  # rolls and mix events reach it
    assert "[HardDrums]" not in text and "[EasyDrums]" not in text
    assert_same_chart(c, read_chart(tmp_path / "notes.chart"))


def test_flams_are_dropped_with_a_warning_and_tempos_rounded() -> None:
    c = _edge_chart()
    c.drums.expert.put(Note(1440, Lane.RED, dynamic=Dynamic.ACCENT, flam=True))
    c.drums.expert.put(Note(960, Lane.GREEN, flam=True))
    c.tempo_map = c.tempo_map.replace(tempos=[TempoChange(0, 120.0004)])
    text, warnings = chart_text_and_warnings(c)
    assert "flams are not representable in .chart; 2 dropped" in warnings
    assert any("rounded" in w for w in warnings) and "0 = B 120000" in text
    assert not any(n.flam for n in parse_chart_text(text).drums.expert)


def test_default_end_and_quotes_stripped() -> None:
    c = _edge_chart()
    c.end_tick = None
    c.metadata.name = 'The "Best" Song'
    text, warnings = chart_text_and_warnings(c)
    assert f'  {1920 + 480} = E "end"' in text.split("\r\n")
    assert '  Name = "The Best Song"' in text.split("\r\n") and any("quotes" in w for w in warnings)


def test_roll_reaching_an_uncharted_difficulty_warns() -> None:
    c = _edge_chart()
    c.drums.phrases = [Phrase(900, 100, PhraseKind.ROLL, Difficulty.EASY)]
    text, warnings = chart_text_and_warnings(c)
    assert any("roll lane" in w for w in warnings)
    assert parse_chart_text(text).drums.phrases == [Phrase(900, 100, PhraseKind.ROLL, Difficulty.MEDIUM)]


def test_empty_chart_writes_and_reads_back() -> None:
    c = empty_chart("Empty")
    back = parse_chart_text(chart_to_text(c))
    assert back.drums.authored == set() and not any(len(nl) for nl in back.drums.notes.values())
    assert back.end_tick == c.default_end_tick() and back.tempo_map == c.tempo_map


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
    lambda t: t.replace("\n", "\r\n").encode("utf-16"),  # with BOM
], ids=["lf", "crlf", "utf8-bom", "utf16-bom"])
def test_line_endings_and_encodings_read_the_same(tmp_path, encode) -> None:
    (tmp_path / "notes.chart").write_bytes(encode(SONG_192))
    assert_same_chart(parse_chart_text(SONG_192), read_chart(tmp_path / "notes.chart"))


@pytest.mark.parametrize("text, fault", [
    (SONG_192.replace("  Resolution = 192\n", ""), "no Resolution"),
    (SONG_192.replace("Resolution = 192", "Resolution = 19.2"), "line 9: Resolution"),
    (SONG_192.replace("[Song]", "[Sang]"), "no [Song] section"),
    (SONG_192.replace("[SyncTrack]", "[SyncTrock]"), "no [SyncTrack] section"),
    (SONG_192.replace("  192 = N 2 0\n", "  192 = N 2 0\n  100 = N 1 0\n"), "tick 100 comes after tick 192"),
    (SONG_192.replace("0 = B 120000", "0 = B 120000.5"), "'B 120000.5' needs one"),
    (SONG_192.replace("0 = B 120000", "0 = B 0"), "tempo at tick 0 is zero"),
    (SONG_192.replace("768 = TS 7 3", "768 = TS 0"), "invalid time signature"),
    (SONG_192.replace("  384 = N 3 0\n", "  384 = N three 0\n"), "needs 1 to 2 non-negative integer"),
    (SONG_192.replace("  384 = N 3 0\n", "  x384 = N 3 0\n"), "is not a non-negative integer"),
    (SONG_192.replace("  384 = N 3 0\n", "  384 N 3 0\n"), "expected 'tick = TYPE value'"),
    (SONG_192.replace("  Offset = 0.25\n", "  Offset = soon\n"), "Offset = 'soon' is not a number"),
    (SONG_192.replace("[Events]\n{", "[Events]\n"), "expected '{' after [Events]"),
    (SONG_192.rstrip().rstrip("}"), "[EasyDrums] is never closed"),
    ("garbage here\n", "expected a [Section] header"),
])
def test_malformed_files_raise_one_line_errors(tmp_path, text, fault) -> None:
    path = tmp_path / "notes.chart"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChartFileError) as err:
        read_chart(path)
    message = str(err.value)
    assert fault in message and str(path) in message and "\n" not in message


def test_binary_file_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.chart"
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")
    with pytest.raises(ChartFileError, match="binary data"):
        read_chart(path)


def test_unsorted_error_names_the_line() -> None:
    bad = SONG_192.replace("  192 = N 2 0\n", "  192 = N 2 0\n  100 = N 1 0\n")
    line_no = bad.split("\n").index("  100 = N 1 0") + 1
    with pytest.raises(ChartFileError, match=f"line {line_no}: tick 100"):
        parse_chart_text(bad, "x.chart")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(allow_flams=False))
def test_round_trip_property(chart) -> None:
    text = chart_to_text(chart)
    assert_same_chart(chart, parse_chart_text(text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(allow_flams=False, resolution=192, tempo_repr="chart"))
def test_round_trip_property_at_192(chart) -> None:
    assert_same_chart(chart, parse_chart_text(chart_to_text(chart)))


# ---- scan-chart (Clone Hero's community parser) --------------------------------------------------

def _scan_chart_dir() -> Path | None:
    root = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
    for shared in (root.parent / "shared", root / "shared"):
        tool = shared / "tools" / "scan-chart"
        if (tool / "node_modules" / "scan-chart").is_dir():
            return tool
    return None


def _playable_chart():
    """A small chart at 120 BPM: notes from 1 s to 4 s, end at 4.5 s, for a 5 s audio file."""
    c = empty_chart("Validation Song", "Chart Hero")
    c.metadata.album, c.metadata.genre, c.metadata.year, c.metadata.charter = "Tests", "Rock", "2024", "Chart Hero"
    c.metadata.diff_drums, c.metadata.song_length_ms = 2, 5000
    c.tempo_map = TempoMap([TempoChange(0, 120.0)], [TimeSignature(0, 4, 4)], 480)
    ex, easy = c.drums.expert, c.drums.notes[Difficulty.EASY]
    for k, tick in enumerate(range(960, 4320, 240)):
        ex.put(Note(tick, Lane.YELLOW, cymbal=k % 4 != 3, dynamic=Dynamic.ACCENT if k == 0 else Dynamic.NORMAL))
        ex.put(Note(tick, Lane.KICK, double_kick=k % 2 == 1) if k % 2 == 0 or k % 4 == 1 else
               Note(tick, Lane.RED, dynamic=Dynamic.GHOST if k == 6 else Dynamic.NORMAL))
        if k % 2 == 0:
            easy.put(Note(tick, Lane.YELLOW, cymbal=True))
    ex.put(Note(4320, Lane.GREEN, cymbal=True))
    ex.put(Note(4320, Lane.KICK))
    easy.put(Note(4320, Lane.GREEN, cymbal=True))
    c.drums.authored = {Difficulty.EXPERT, Difficulty.EASY}
    c.drums.phrases = sorted([Phrase(960, 960, PhraseKind.STAR_POWER), Phrase(3840, 480, PhraseKind.FILL),
                              Phrase(1920, 960, PhraseKind.SOLO), Phrase(2880, 480, PhraseKind.ROLL, Difficulty.EXPERT)])
    c.sections = [Section(960, "Intro"), Section(2880, "Outro")]
    c.end_tick = 4320 + 240
    return c


def test_scan_chart_accepts_an_exported_folder(tmp_path) -> None:
    tool = _scan_chart_dir()
    if shutil.which("node") is None or tool is None:
        pytest.skip("needs node and ../shared/tools/scan-chart/node_modules (run `make scan-chart`)")
    sf = pytest.importorskip("soundfile")
    import numpy as np
    chart = _playable_chart()
    assert write_chart(chart, tmp_path / "notes.chart") == []
    write_song_ini(chart.metadata, tmp_path / "song.ini")
    sf.write(str(tmp_path / "song.ogg"), np.zeros((5 * 44100, 2), dtype="float32"), 44100,
             format="OGG", subtype="VORBIS")
    proc = subprocess.run(["node", str(tool / "validate.js"), "--json", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout, proc.stderr
    (result,) = json.loads(proc.stdout)
    errors = [i for i in result["issues"] if i["severity"] == "error"]
    assert result["playable"] and result["drumType"] == 1, result
    assert errors == [], errors
    counts = {c["difficulty"]: c["count"] for c in result["noteCounts"] if c["instrument"] == "drums"}
    assert counts.get("expert") and counts.get("easy"), counts
