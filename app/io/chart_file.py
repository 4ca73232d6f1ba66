"""notes.chart read and write for the drum part, as Moonscraper writes and Clone Hero / scan-chart read it."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.domain.lanes import DIFFICULTIES_HARD_FIRST, Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import Chart, DrumPart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.atomic import write_bytes_atomic
from app.io.errors import ChartFileError

DRUM_SECTIONS = {Difficulty.EXPERT: "ExpertDrums", Difficulty.HARD: "HardDrums",
                 Difficulty.MEDIUM: "MediumDrums", Difficulty.EASY: "EasyDrums"}
DOUBLE_KICK_N = 32
FIVE_LANE_GREEN_N = 5
ACCENT_N = {Lane.RED: 34, Lane.YELLOW: 35, Lane.BLUE: 36, Lane.GREEN: 37}
GHOST_N = {Lane.RED: 40, Lane.YELLOW: 41, Lane.BLUE: 42, Lane.GREEN: 43}
FIVE_LANE_GREEN_ACCENT_N, FIVE_LANE_GREEN_GHOST_N = 38, 44   # read as green
CYMBAL_N = {Lane.YELLOW: 66, Lane.BLUE: 67, Lane.GREEN: 68}
PHRASE_S = {PhraseKind.STAR_POWER: 2, PhraseKind.FILL: 64, PhraseKind.ROLL: 65, PhraseKind.DOUBLE_ROLL: 66}
SOLO_START, SOLO_END = "solo", "soloend"
MIX_EVENT = re.compile(r"^\s*\[?mix[ _]([0-3])[ _]drums([0-5])(d|dnoflip|easy|easynokick|)\]?\s*$")
"""Disco-flip / stem-mix local event; group 1 names the difficulty it applies to (scan-chart's regex)."""
NEWLINE = "\r\n"
INDENT = "  "

_S_PHRASE = {v: k for k, v in PHRASE_S.items()}
_SECTION_TEXT = re.compile(r"^\[?(?:section|prc)[ _](.*?)\]?$", re.S)
_END_TEXT = re.compile(r"^\[?end\]?$")
_UINT = re.compile(r"[0-9]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


# ---- text decoding (shared with song.ini) ------------------------------------------------------

def decode_text(data: bytes, path: str | Path | None) -> str:
    """Decode a text file: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252.

    Raises ChartFileError for binary data (NUL or other control bytes, undecodable bytes).
    """
    enc, bom = next(((e, b) for b, e in _BOMS if data.startswith(b)), ("utf-8", b""))
    if not bom and b"\x00" in data:
        raise ChartFileError(path, "binary data (NUL bytes), not a text file")
    try:
        text = data[len(bom):].decode(enc)
    except UnicodeDecodeError:
        try:
            text = None if bom else data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
    bad = _CONTROL.search(text) if text is not None else None
    if text is None or bad:
        why = f"control character {bad.group()!r}" if bad else "undecodable bytes"
        raise ChartFileError(path, f"binary data ({why}), not a text file")
    return text


# ---- reading -----------------------------------------------------------------------------------

def read_chart(path: str | Path) -> Chart:
    """Read a notes.chart; raises ChartFileError naming the file, the line and the fault."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChartFileError(path, f"cannot read file ({exc.strerror or exc})") from None
    return parse_chart_text(decode_text(data, path), path)


class _Reader:
    """Parses one .chart text; `fail` raises ChartFileError with the line number."""

    def __init__(self, path) -> None:
        self.path = path

    def fail(self, line_no: int | None, problem: str):
        where = f"line {line_no}: " if line_no else ""
        raise ChartFileError(self.path, where + problem)

    def sections(self, text: str) -> dict[str, list[tuple[int, str]]]:
        out: dict[str, list[tuple[int, str]]] = {}
        name: str | None = None
        body: list[tuple[int, str]] | None = None
        header_no = 0
        for no, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
            line = raw.strip()
            if not line:
                continue
            if body is not None:
                if line == "}":
                    out[name] = body  # a repeated section replaces the earlier one (as scan-chart does)
                    name, body = None, None
                elif line.startswith("[") and line.endswith("]") and "=" not in line:
                    self.fail(no, f"section {line} starts before [{name}] is closed with '}}'")
                else:
                    body.append((no, line))
            elif name is None:
                if not (line.startswith("[") and line.endswith("]")):
                    self.fail(no, f"expected a [Section] header, found {_clip(line)}")
                name, header_no = line[1:-1].strip(), no
            elif line == "{":
                body = []
            else:
                self.fail(no, f"expected '{{' after [{name}], found {_clip(line)}")
        if name is not None:
            self.fail(header_no, f"[{name}] is never closed with '}}'")
        return out

    def timed(self, section: str, body: list[tuple[int, str]]) -> list[tuple[int, int, str, str]]:
        """(line_no, tick, type code, rest) for each `tick = TYPE rest` line; ticks must not decrease."""
        out, prev = [], 0
        for no, line in body:
            left, sep, right = line.partition("=")
            tick_text, right = left.strip(), right.strip()
            if not sep or not right:
                self.fail(no, f"expected 'tick = TYPE value' in [{section}], found {_clip(line)}")
            if not _UINT.fullmatch(tick_text):
                self.fail(no, f"tick {_clip(tick_text)} in [{section}] is not a non-negative integer")
            tick = int(tick_text)
            if tick < prev:
                self.fail(no, f"tick {tick} comes after tick {prev} in [{section}]; "
                              "events must be in increasing tick order")
            prev = tick
            code, _, rest = right.partition(" ")
            out.append((no, tick, code, rest.strip()))
        return out

    def ints(self, no: int, code: str, rest: str, min_count: int, max_count: int) -> list[int]:
        parts = rest.split()
        if not (min_count <= len(parts) <= max_count) or not all(_UINT.fullmatch(p) for p in parts):
            want = "one non-negative integer" if max_count == 1 else \
                f"{min_count} to {max_count} non-negative integers"
            self.fail(no, f"{_clip(code + ' ' + rest)} needs {want}")
        return [int(p) for p in parts]

    def seconds_to_ms(self, no: int, key: str, value: str) -> int | None:
        if not value:
            return None
        try:
            seconds = Decimal(value)
        except InvalidOperation:
            seconds = Decimal("NaN")
        if not seconds.is_finite():
            self.fail(no, f"[Song] {key} = {_clip(value)} is not a number of seconds")
        return int((seconds * 1000).to_integral_value())


def parse_chart_text(text: str, path: str | Path | None = None) -> Chart:
    """Parse .chart text (any line endings, BOM allowed); raises ChartFileError naming line and fault."""
    r = _Reader(Path(path) if path is not None else None)
    sections = r.sections(text)
    if "Song" not in sections:
        r.fail(None, "no [Song] section")
    if "SyncTrack" not in sections:
        r.fail(None, "no [SyncTrack] section")
    metadata, resolution = _read_song(r, sections["Song"])
    chart = Chart(metadata=metadata, tempo_map=_read_sync(r, sections["SyncTrack"], resolution))
    _read_events(r, sections.get("Events", []), chart)
    chart.drums = _read_drums(r, sections)
    return chart


def _read_song(r: _Reader, body) -> tuple[SongMetadata, int]:
    meta, values = SongMetadata(), {}
    for no, line in body:
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            r.fail(no, f"expected 'Key = value' in [Song], found {_clip(line)}")
        value = value.strip()
        value = value[1:] if value.startswith('"') else value
        value = value[:-1] if value.endswith('"') else value
        values[key.strip()] = (no, value)
    for key, field in (("Name", "name"), ("Artist", "artist"), ("Album", "album"),
                       ("Genre", "genre"), ("Charter", "charter")):
        if key in values:
            setattr(meta, field, values[key][1])
    if "Year" in values:  # written as ", 2002" (a GH-era convention)
        meta.year = values["Year"][1].lstrip(", ").strip()
    if "Resolution" not in values:
        r.fail(None, "no Resolution in [Song]")
    no, value = values["Resolution"]
    if not _UINT.fullmatch(value) or int(value) < 1:
        r.fail(no, f"Resolution {_clip(value)} is not a positive integer")
    resolution = int(value)
    # Offset: "a higher value makes the audio start sooner", i.e. notes come later against the
    # audio -- the same direction as song.ini `delay`, so delay_ms = Offset * 1000 (as scan-chart).
    ms = {key: r.seconds_to_ms(values[key][0], key, values[key][1])
          for key in ("Offset", "PreviewStart", "Length") if key in values}
    meta.delay_ms = ms.get("Offset") or 0
    meta.preview_start_ms = max(0, ms.get("PreviewStart") or 0)
    meta.song_length_ms = ms["Length"] if (ms.get("Length") or 0) > 0 else None
    return meta, resolution


def _read_sync(r: _Reader, body, resolution: int) -> TempoMap:
    tempos: list[TempoChange] = []
    sigs: list[TimeSignature] = []
    anchors: dict[int, float] = {}
    for no, tick, code, rest in r.timed("SyncTrack", body):
        if code == "B":
            (milli_bpm,) = r.ints(no, code, rest, 1, 1)
            if milli_bpm == 0:
                r.fail(no, f"tempo at tick {tick} is zero")
            tempos.append(TempoChange(tick, milli_bpm / 1000))
        elif code == "TS":
            values = r.ints(no, code, rest, 1, 2)
            exponent = values[1] if len(values) > 1 else 2
            if values[0] == 0 or exponent > 10:
                r.fail(no, f"invalid time signature 'TS {_clip(rest)}' at tick {tick}")
            sigs.append(TimeSignature(tick, values[0], 2 ** exponent))
        elif code == "A":
            (micros,) = r.ints(no, code, rest, 1, 1)
            anchors[tick] = micros / 1e6
    tempo_map = TempoMap(tempos, sigs, resolution)
    if anchors:  # an anchor pins the tempo marker at its tick; add one (same tempo) where none is
        by_tick = {t.tick: t for t in tempo_map.tempos}
        for tick, anchor_s in anchors.items():
            bpm = by_tick[tick].bpm if tick in by_tick else tempo_map.tempo_at(tick).bpm
            by_tick[tick] = TempoChange(tick, bpm, anchor_s)
        tempo_map = tempo_map.replace(tempos=sorted(by_tick.values()))
    return tempo_map


def _event_text(rest: str) -> str:
    """The text of `E "text"` (or a bare `E text`), the enclosing quotes removed."""
    return rest[1:-1] if len(rest) >= 2 and rest[0] == rest[-1] == '"' else rest


def _read_events(r: _Reader, body, chart: Chart) -> None:
    for _no, tick, code, rest in r.timed("Events", body):
        if code != "E":
            continue
        text = _event_text(rest)
        section = _SECTION_TEXT.match(text.strip())
        if section:
            chart.sections.append(Section(tick, section.group(1)))
        elif _END_TEXT.match(text.strip()):
            if chart.end_tick is None:
                chart.end_tick = tick
        else:
            chart.events.append(TextEvent(tick, text))
    chart.sections.sort()
    chart.events.sort()


def _read_drums(r: _Reader, sections) -> DrumPart:
    part = DrumPart(authored=set())
    present = [d for d in DIFFICULTIES_HARD_FIRST if DRUM_SECTIONS[d] in sections]
    rolls: dict[tuple[int, int, PhraseKind], Difficulty] = {}
    local: set[TextEvent] = set()
    for diff in present:
        notes, phrases, events = _read_difficulty(r, DRUM_SECTIONS[diff], sections[DRUM_SECTIONS[diff]])
        part.notes[diff] = notes
        if len(notes):
            part.authored.add(diff)
        for p in phrases:
            if p.kind.is_roll:
                rolls[(p.tick, p.length, p.kind)] = diff  # difficulties come hardest first
            elif diff is present[0]:
                part.phrases.append(p)
        for e in events:
            mix = MIX_EVENT.match(e.text)
            if diff is present[0] or (mix and int(mix.group(1)) == int(diff)):
                local.add(e)
    part.phrases += [Phrase(t, n, kind, d) for (t, n, kind), d in rolls.items()]
    part.phrases.sort()
    part.local_events = sorted(local)
    return part


def _read_difficulty(r: _Reader, name: str, body) -> tuple[NoteList, list[Phrase], list[TextEvent]]:
    pads: dict[int, dict[Lane, bool]] = {}   # tick -> lane -> is a 2x kick
    modifiers: set[tuple[int, int]] = set()
    phrases: list[Phrase] = []
    events: list[TextEvent] = []
    solo_starts: list[int] = []
    for no, tick, code, rest in r.timed(name, body):
        if code == "N":
            n = r.ints(no, code, rest, 1, 2)[0]
            if n <= FIVE_LANE_GREEN_N or n == DOUBLE_KICK_N:
                lane = Lane.KICK if n == DOUBLE_KICK_N else Lane(min(n, int(Lane.GREEN)))
                at = pads.setdefault(tick, {})
                at[lane] = at.get(lane, True) and n == DOUBLE_KICK_N  # a plain kick wins over 2x
            else:
                modifiers.add((tick, n))
        elif code == "S":
            values = r.ints(no, code, rest, 1, 2)
            kind = _S_PHRASE.get(values[0])
            if kind is not None:
                phrases.append(Phrase(tick, values[1] if len(values) > 1 else 0, kind))
        elif code == "E":
            text = _event_text(rest)
            if text == SOLO_START:
                solo_starts.append(tick)
            elif text == SOLO_END:
                if solo_starts:  # the soloend tick is inside the solo
                    start = solo_starts.pop()
                    phrases.append(Phrase(start, tick - start + 1, PhraseKind.SOLO))
            else:
                events.append(TextEvent(tick, text))
    notes = NoteList()
    for tick, lanes in pads.items():
        for lane, double in lanes.items():
            notes.put(_note(tick, lane, double, modifiers))
    return notes, phrases, events


def _note(tick: int, lane: Lane, double: bool, mods: set[tuple[int, int]]) -> Note:
    if lane is Lane.KICK:
        return Note(tick, lane, double_kick=double)
    green = lane is Lane.GREEN
    if (tick, ACCENT_N[lane]) in mods or (green and (tick, FIVE_LANE_GREEN_ACCENT_N) in mods):
        dynamic = Dynamic.ACCENT
    elif (tick, GHOST_N[lane]) in mods or (green and (tick, FIVE_LANE_GREEN_GHOST_N) in mods):
        dynamic = Dynamic.GHOST
    else:
        dynamic = Dynamic.NORMAL
    cymbal = lane.can_be_cymbal and (tick, CYMBAL_N[lane]) in mods
    return Note(tick, lane, cymbal=cymbal, dynamic=dynamic)


def _clip(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# ---- writing -----------------------------------------------------------------------------------

def write_chart(chart: Chart, path: str | Path) -> list[str]:
    """Write `chart` as notes.chart (atomically: UTF-8, CRLF, like Moonscraper).

    Returns warnings about what .chart cannot hold: flams are dropped (the format has no flam),
    tempos are rounded to 1/1000 BPM, double quotes are removed from texts, and a roll lane
    reaching a difficulty with no notes loses that reach (rolls live in difficulty sections).
    """
    text, warnings = chart_text_and_warnings(chart)
    write_bytes_atomic(path, text.encode("utf-8"))
    return warnings


def chart_to_text(chart: Chart) -> str:
    """The .chart text of `chart` (CRLF line endings); see write_chart for what is lost."""
    return chart_text_and_warnings(chart)[0]


def chart_text_and_warnings(chart: Chart) -> tuple[str, list[str]]:
    warnings: list[str] = []
    out: list[str] = []

    def section(name: str, lines: list[str]) -> None:
        out.extend([f"[{name}]", "{", *(INDENT + line for line in lines), "}"])

    quoted = _Quoter(warnings)
    section("Song", _song_lines(chart, quoted))
    section("SyncTrack", _sync_lines(chart.tempo_map, warnings))
    section("Events", _events_lines(chart, quoted))
    part = chart.drums
    written = [d for d in DIFFICULTIES_HARD_FIRST if len(part.notes[d])
               or (d is Difficulty.EXPERT and (part.phrases or part.local_events))]
    for diff in written:
        section(DRUM_SECTIONS[diff], _difficulty_lines(part, diff, written, quoted))
    orphan_rolls = sum(p.kind.is_roll and p.min_difficulty not in written for p in part.phrases)
    if orphan_rolls:
        warnings.append(f"{orphan_rolls} roll lane(s) reach a difficulty without notes; .chart keeps them "
                        "only from the next harder charted difficulty")
    flams = sum(n.flam for nl in part.notes.values() for n in nl)
    if flams:
        warnings.append(f"flams are not representable in .chart; {flams} dropped")
    return NEWLINE.join(out) + NEWLINE, warnings


class _Quoter:
    """Makes texts safe for .chart (no double quotes, no line breaks); warns once when it changes one."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings, self.warned = warnings, False

    def __call__(self, text: str) -> str:
        safe = " ".join(text.replace('"', "").splitlines())
        if safe != text and not self.warned:
            self.warned = True
            self.warnings.append("double quotes and line breaks removed from texts (.chart cannot hold them)")
        return safe


def _seconds_text(ms: int) -> str:
    """Milliseconds as exact decimal seconds: 1500 -> '1.5', -20 -> '-0.02'."""
    whole, frac = divmod(abs(int(ms)), 1000)
    text = f"{whole}.{frac:03d}".rstrip("0").rstrip(".")
    return ("-" if ms < 0 else "") + text


def _song_lines(chart: Chart, quoted) -> list[str]:
    m = chart.metadata
    lines = [f'Name = "{quoted(m.name)}"', f'Artist = "{quoted(m.artist)}"', f'Charter = "{quoted(m.charter)}"',
             f'Album = "{quoted(m.album)}"']
    if m.year:
        lines.append(f'Year = ", {quoted(m.year)}"')
    lines += [f"Offset = {_seconds_text(m.delay_ms)}", f"Resolution = {chart.tempo_map.resolution}",
              f"PreviewStart = {_seconds_text(m.preview_start_ms)}", f'Genre = "{quoted(m.genre)}"']
    if m.song_length_ms:
        lines.append(f"Length = {_seconds_text(m.song_length_ms)}")
    return lines


def _sync_lines(tm: TempoMap, warnings: list[str]) -> list[str]:
    rows: list[tuple[int, int, str]] = []
    for ts in tm.time_signatures:
        exponent = ts.denominator.bit_length() - 1
        rows.append((ts.tick, 0, f"TS {ts.numerator}" + ("" if ts.denominator == 4 else f" {exponent}")))
    rounded = []
    for t in tm.tempos:
        milli_bpm = max(1, round(t.bpm * 1000))
        if abs(milli_bpm - t.bpm * 1000) > 1e-6:
            rounded.append(t.tick)
        if t.anchor_s is not None:
            if t.anchor_s < 0:
                warnings.append(f"negative beat anchor at tick {t.tick} written as 0 s")
            rows.append((t.tick, 1, f"A {max(0, round(t.anchor_s * 1e6))}"))
        rows.append((t.tick, 2, f"B {milli_bpm}"))
    if rounded:
        warnings.append(f"{len(rounded)} tempo(s) rounded to 1/1000 BPM (first at tick {rounded[0]})")
    return [f"{tick} = {text}" for tick, _, text in sorted(rows, key=lambda r: r[:2])]


def _events_lines(chart: Chart, quoted) -> list[str]:
    rows = [(s.tick, 0, f'E "section {quoted(s.name)}"') for s in chart.sections]
    rows += [(e.tick, 1, f'E "{quoted(e.text)}"') for e in chart.events]
    end = chart.end_tick if chart.end_tick is not None else chart.default_end_tick()
    rows.append((end, 2, 'E "end"'))
    return [f"{tick} = {text}" for tick, _, text in sorted(rows, key=lambda r: r[:2])]


def _difficulty_lines(part: DrumPart, diff: Difficulty, written: list[Difficulty], quoted) -> list[str]:
    rows: list[tuple[int, int, int, str]] = []   # (tick, group, order, text); groups: N, S, E
    for n in part.notes[diff]:
        codes = [DOUBLE_KICK_N if n.double_kick else int(n.lane)]
        if n.cymbal:
            codes.append(CYMBAL_N[n.lane])
        if n.dynamic is Dynamic.ACCENT:
            codes.append(ACCENT_N[n.lane])
        elif n.dynamic is Dynamic.GHOST:
            codes.append(GHOST_N[n.lane])
        rows += [(n.tick, 0, c, f"N {c} 0") for c in codes]
    for p in part.phrases:
        if p.kind is PhraseKind.SOLO:  # the soloend tick is inside the solo
            rows.append((p.tick, 2, 0, f"E {SOLO_START}"))
            rows.append((p.tick + max(p.length - 1, 0), 2, 2, f"E {SOLO_END}"))
        elif not p.kind.is_roll or p.reaches(diff):
            rows.append((p.tick, 1, PHRASE_S[p.kind], f"S {PHRASE_S[p.kind]} {p.length}"))
    for e in part.local_events:
        mix = MIX_EVENT.match(e.text)
        target = Difficulty(int(mix.group(1))) if mix else Difficulty.EXPERT
        if (target if target in written else Difficulty.EXPERT) is diff:
            rows.append((e.tick, 2, 1, f"E {quoted(e.text).strip()}"))
    rows.sort(key=lambda r: r[:3])
    return [f"{tick} = {text}" for tick, _, _, text in rows]
