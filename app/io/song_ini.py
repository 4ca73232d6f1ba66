"""song.ini read and write: the [song] section Clone Hero reads, unknown keys kept in file order."""
from __future__ import annotations

from pathlib import Path

from app.domain.song import SongMetadata
from app.io.atomic import write_bytes_atomic
from app.io.chart_file import decode_text
from app.io.errors import ChartFileError

SONG_SECTIONS = ("song", "Song", "SONG")
"""The only header spellings scan-chart (and so Clone Hero's scanners) accept."""
TRUE_TEXTS, FALSE_TEXTS = ("true", "1"), ("false", "0")
STRING_KEYS = ("name", "artist", "album", "genre", "year", "charter")
INT_KEYS = {"preview_start_time": "preview_start_ms", "song_length": "song_length_ms",
            "delay": "delay_ms", "diff_drums": "diff_drums"}
"""song.ini integer key -> SongMetadata field (times in ms)."""
MODEL_KEYS = set(STRING_KEYS) | set(INT_KEYS) | {"pro_drums"}
NEWLINE = "\r\n"


def read_song_ini(path: str | Path) -> tuple[SongMetadata, list[str]]:
    """Read song.ini into (metadata, warnings); raises ChartFileError for binary files or no [song]."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChartFileError(path, f"cannot read file ({exc.strerror or exc})") from None
    return parse_song_ini_text(decode_text(data, path), path)


def parse_song_ini_text(text: str, path: str | Path | None = None) -> tuple[SongMetadata, list[str]]:
    warnings: list[str] = []
    song: dict[str, str] | None = None
    in_song = False
    for no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.endswith("]"):
            in_song = line[1:-1].strip() in SONG_SECTIONS
            if in_song and song is None:
                song = {}
            elif not in_song:
                warnings.append(f"line {no}: section {line} ignored (only [song] is read)")
        elif "=" in line:
            if in_song:
                key, _, value = line.partition("=")
                song[key.strip()] = value.strip()  # a repeated key: the last one wins
        else:
            warnings.append(f"line {no}: not a 'key = value' line, ignored: {line[:60]!r}")
    if song is None:
        raise ChartFileError(path, "no [song] section")
    return _metadata(song, warnings), warnings


def _metadata(song: dict[str, str], warnings: list[str]) -> SongMetadata:
    meta = SongMetadata(extra={})
    lower = {k.lower(): k for k in song}  # Clone Hero matches keys case-insensitively
    for key in STRING_KEYS:
        if key in lower:
            setattr(meta, key, song[lower[key]])
    charter_from_frets = not meta.charter and "frets" in lower
    if charter_from_frets:
        meta.charter = song[lower["frets"]]
    for key, field in INT_KEYS.items():
        if key not in lower:
            continue
        value = _int(song[lower[key]])
        if value is None:
            warnings.append(f"{key} = {song[lower[key]]!r} is not an integer; ignored")
        elif value == -1:
            continue  # -1 means "not set" (scan-chart)
        elif field == "song_length_ms":
            meta.song_length_ms = value if value > 0 else None
        elif field == "preview_start_ms":
            meta.preview_start_ms = max(0, value)
        else:
            setattr(meta, field, value)
    if "pro_drums" in lower:
        value = _bool(song[lower["pro_drums"]])
        if value is None:
            warnings.append(f"pro_drums = {song[lower['pro_drums']]!r} is not True/False; ignored")
        else:
            meta.pro_drums = value
    for key, value in song.items():  # `frets` (old alias of charter) is kept unless it became charter
        if key.lower() not in MODEL_KEYS and not (charter_from_frets and key.lower() == "frets"):
            meta.extra[key] = value
    return meta


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
        return int(round(value)) if value == value and abs(value) != float("inf") else None


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    return True if t in TRUE_TEXTS else False if t in FALSE_TEXTS else None


def song_ini_text(metadata: SongMetadata) -> str:
    """The song.ini text (CRLF, `key = value`) for `metadata`; unknown keys follow in their order."""
    m = metadata
    lines = ["[song]"]
    pairs = [(k, getattr(m, k)) for k in STRING_KEYS]
    pairs += [("diff_drums", m.diff_drums)]
    pairs.append(("pro_drums", "True" if m.pro_drums else "False"))
    if m.song_length_ms is not None:
        pairs.append(("song_length", m.song_length_ms))
    pairs += [("preview_start_time", m.preview_start_ms), ("delay", m.delay_ms)]
    written = {k for k, _ in pairs}
    for key, value in m.extra.items():
        k = key.strip().lower()
        if k in written or k in MODEL_KEYS or (m.pro_drums and k == "five_lane_drums"):
            continue  # pro_drums and five_lane_drums together is invalid; model fields win
        pairs.append((key.strip(), value))
    lines += [f"{k} = {_one_line(str(v))}" for k, v in pairs]
    return NEWLINE.join(lines) + NEWLINE


def write_song_ini(metadata: SongMetadata, path: str | Path) -> None:
    """Write song.ini atomically (UTF-8, no BOM)."""
    write_bytes_atomic(path, song_ini_text(metadata).encode("utf-8"))


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()).strip()
