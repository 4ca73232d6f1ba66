"""song.ini: reading real-world variants, unknown keys kept in order, writing what Clone Hero needs."""
from __future__ import annotations

import pytest

from app.domain.song import SongMetadata
from app.io.errors import ChartFileError
from app.io.song_ini import parse_song_ini_text, read_song_ini, song_ini_text, write_song_ini

INI = """; exported by some tool
[Song]
name = Test Song
artist=Band
album = Record
genre = rock
year = 2002
frets = Someone
# a comment
icon = someicon
preview_start_time = 12500
song_length = 200500
delay = -20
diff_drums = 4
pro_drums = true
loading_phrase = Hit = it
diff_guitar = -1
"""


def test_reads_keys_comments_and_aliases() -> None:
    meta, warnings = parse_song_ini_text(INI)
    assert warnings == []
    assert (meta.name, meta.artist, meta.album, meta.genre, meta.year, meta.charter) == (
        "Test Song", "Band", "Record", "rock", "2002", "Someone")
    assert (meta.preview_start_ms, meta.song_length_ms, meta.delay_ms, meta.diff_drums, meta.pro_drums) == (
        12500, 200500, -20, 4, True)
    assert list(meta.extra.items()) == [("icon", "someicon"), ("loading_phrase", "Hit = it"), ("diff_guitar", "-1")]


@pytest.mark.parametrize("text, value", [("True", True), ("False", False), ("true", True), ("false", False),
                                         ("1", True), ("0", False)])
def test_booleans(text, value) -> None:
    meta, _ = parse_song_ini_text(f"[song]\npro_drums = {text}\n")
    assert meta.pro_drums is value


@pytest.mark.parametrize("header", ["[song]", "[Song]", "[SONG]"])
def test_header_spellings(header) -> None:
    assert parse_song_ini_text(f"{header}\r\nname = X\r\n")[0].name == "X"


def test_unknown_keys_survive_a_round_trip_in_order(tmp_path) -> None:
    meta, _ = parse_song_ini_text(INI)
    write_song_ini(meta, tmp_path / "song.ini")
    back, warnings = read_song_ini(tmp_path / "song.ini")
    assert warnings == [] and back == meta
    lines = (tmp_path / "song.ini").read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == "[song]" and "charter = Someone" in lines and "pro_drums = True" in lines
    assert lines.index("icon = someicon") < lines.index("loading_phrase = Hit = it") < lines.index("diff_guitar = -1")


def test_writes_what_clone_hero_needs() -> None:
    meta = SongMetadata(name="N", artist="A", album="B", genre="G", year="2020", charter="C", preview_start_ms=1000,
                        song_length_ms=90_000, delay_ms=0, diff_drums=3, pro_drums=True,
                        extra={"five_lane_drums": "True", "Pro_Drums": "False", "icon": "x"})
    lines = song_ini_text(meta).split("\r\n")
    for line in ("name = N", "artist = A", "album = B", "genre = G", "year = 2020", "charter = C", "diff_drums = 3",
                 "pro_drums = True", "song_length = 90000", "preview_start_time = 1000", "delay = 0", "icon = x"):
        assert line in lines, line
    assert not any(line.lower().startswith(("five_lane_drums", "pro_drums = false")) for line in lines)


def test_no_pro_drums_and_unknown_song_length_round_trip() -> None:
    meta = SongMetadata(name="N", pro_drums=False, song_length_ms=None)
    text = song_ini_text(meta)
    assert "pro_drums = False" in text and "song_length" not in text
    assert parse_song_ini_text(text)[0] == meta


def test_minus_one_means_unset_and_bad_numbers_warn() -> None:
    meta, warnings = parse_song_ini_text("[song]\nsong_length = -1\npreview_start_time = -1\ndelay = abc\n")
    assert meta.song_length_ms is None and meta.preview_start_ms == 0 and meta.delay_ms == 0
    assert len(warnings) == 1 and "delay" in warnings[0]


def test_other_sections_and_bad_lines_warn_but_read() -> None:
    meta, warnings = parse_song_ini_text("[song]\nname = X\nthis line is odd\n[other]\nname = Y\n")
    assert meta.name == "X" and len(warnings) == 2


def test_encodings(tmp_path) -> None:
    text = "[song]\r\nname = Motörhead\r\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"),
                 text.encode("cp1252")):
        (tmp_path / "song.ini").write_bytes(data)
        assert read_song_ini(tmp_path / "song.ini")[0].name == "Motörhead"


@pytest.mark.parametrize("data, fault", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (bytes(range(256)) * 4, "binary data"),
    (b"name = X\nartist = Y\n", "no [song] section"),
    (b"[other]\nname = X\n", "no [song] section"),
    (b"", "no [song] section"),
])
def test_unreadable_files_raise_one_line_errors(tmp_path, data, fault) -> None:
    path = tmp_path / "song.ini"
    path.write_bytes(data)
    with pytest.raises(ChartFileError) as err:
        read_song_ini(path)
    assert fault in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_missing_file_is_a_chart_file_error(tmp_path) -> None:
    with pytest.raises(ChartFileError, match="cannot read"):
        read_song_ini(tmp_path / "nope.ini")
