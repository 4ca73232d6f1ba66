"""notes.mid read and write as Clone Hero, YARG and Moonscraper read it (format 1, PART DRUMS, EVENTS)."""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import mido

from app.constants import TICKS_PER_BEAT
from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import Chart, DrumPart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.atomic import write_bytes_atomic
from app.io.errors import ChartFileError

DRUM_TRACK_NAMES = ("PART DRUMS", "PART DRUM")
EVENTS_TRACK_NAME = "EVENTS"
DYNAMICS_TEXTS = ("[ENABLE_CHART_DYNAMICS]", "ENABLE_CHART_DYNAMICS")

DIFFICULTY_BASE = {Difficulty.EASY: 60, Difficulty.MEDIUM: 72, Difficulty.HARD: 84, Difficulty.EXPERT: 96}
"""MIDI note of each difficulty's kick; lanes follow (+1 red ... +4 green); base - 1 is the 2x kick."""
TOM_MARKER = {Lane.YELLOW: 110, Lane.BLUE: 111, Lane.GREEN: 112}
FLAM_MARKER = 109
SOLO_NOTE = 103
STAR_POWER_NOTE = 116
FILL_NOTES = (120, 121, 122, 123, 124)
ROLL_NOTE = {PhraseKind.ROLL: 126, PhraseKind.DOUBLE_ROLL: 127}
ROLL_VELOCITY = {Difficulty.EASY: 25, Difficulty.MEDIUM: 35, Difficulty.HARD: 45, Difficulty.EXPERT: 100}
VELOCITY = {Dynamic.NORMAL: 100, Dynamic.ACCENT: 127, Dynamic.GHOST: 1}
NOTE_CHANNEL = 0

_PHRASE_NOTE = {STAR_POWER_NOTE: PhraseKind.STAR_POWER, SOLO_NOTE: PhraseKind.SOLO,
                126: PhraseKind.ROLL, 127: PhraseKind.DOUBLE_ROLL}


def roll_min_difficulty(velocity: int) -> Difficulty:
    """The easiest difficulty a roll lane of this velocity reaches (YARG / scan-chart scheme)."""
    if 21 <= velocity <= 30:
        return Difficulty.EASY
    if 31 <= velocity <= 40:
        return Difficulty.MEDIUM
    if 41 <= velocity <= 50:
        return Difficulty.HARD
    return Difficulty.EXPERT


@dataclass
class _Span:
    on: int
    off: int
    pitch: int
    velocity: int


@dataclass
class MidiReadResult:
    chart: Chart
    warnings: list[str] = field(default_factory=list)


# ---- reading -----------------------------------------------------------------------------------

def read_midi(path: str | Path) -> Chart:
    """Read a notes.mid; raises ChartFileError with one line naming the fault."""
    return read_midi_with_warnings(path).chart


def read_midi_with_warnings(path: str | Path) -> MidiReadResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChartFileError(path, f"cannot read file ({exc.strerror or exc})") from None
    return parse_midi_bytes(data, path)


def open_midi(data: bytes, path: Path | None) -> mido.MidiFile:
    """Parse MIDI bytes with mido; one-line ChartFileError for non-MIDI, damaged or SMPTE-timed files."""
    if not data.startswith(b"MThd"):
        raise ChartFileError(path, "not a MIDI file (no MThd header)")
    try:
        mid = mido.MidiFile(file=io.BytesIO(data), clip=True)
    except (EOFError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ChartFileError(path, f"damaged or truncated MIDI file ({exc or type(exc).__name__})") from None
    res = mid.ticks_per_beat
    if not isinstance(res, int) or res <= 0 or res >= 0x8000:
        raise ChartFileError(path, "SMPTE time division is not supported (needs ticks per quarter note)")
    return mid


def parse_midi_bytes(data: bytes, path: Path | None = None) -> MidiReadResult:
    mid = open_midi(data, path)
    if mid.type != 1:
        raise ChartFileError(path, f"MIDI format {mid.type} is not supported: Clone Hero needs format 1 "
                                   "(tempo map in track 0, PART DRUMS in its own track)")
    if not mid.tracks:
        raise ChartFileError(path, "MIDI file has no tracks")
    res = mid.ticks_per_beat
    warnings: list[str] = []
    tracks = [_absolute(t) for t in mid.tracks]
    tempo_map, song_name = _read_tempo_track(tracks[0], res, path)
    chart = Chart(metadata=SongMetadata(name=song_name), tempo_map=tempo_map)
    drum_idx = _find_track(tracks, DRUM_TRACK_NAMES)
    if drum_idx is not None:
        chart.drums = _read_drum_track(tracks[drum_idx], warnings)
    events_idx = _find_track(tracks, (EVENTS_TRACK_NAME,))
    if events_idx is not None:
        _read_events_track(tracks[events_idx], chart)
    for k, t in enumerate(tracks[1:], start=1):
        if k not in (drum_idx, events_idx) and any(m.type in ("set_tempo", "time_signature") for _, m in t):
            warnings.append(f"track {k} holds tempo events outside track 0; Clone Hero ignores them")
    return MidiReadResult(chart, warnings)


def _absolute(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    tick, out = 0, []
    for msg in track:
        tick += msg.time
        out.append((tick, msg))
    return out


def _track_name(track: list[tuple[int, mido.Message]]) -> str | None:
    for tick, msg in track:
        if tick != 0:
            break
        if msg.type == "track_name":
            return msg.name
    return None


def _find_track(tracks, names) -> int | None:
    for k, t in enumerate(tracks):
        if k and _track_name(t) in names:
            return k
    return None


def _read_tempo_track(track, res: int, path) -> tuple[TempoMap, str]:
    tempos, sigs = [], []
    for tick, msg in track:
        if msg.type == "set_tempo":
            if msg.tempo <= 0:
                raise ChartFileError(path, f"zero tempo at tick {tick}")
            tempos.append(TempoChange(tick, 60_000_000 / msg.tempo))
        elif msg.type == "time_signature":
            if msg.numerator <= 0 or msg.denominator <= 0:
                raise ChartFileError(path, f"invalid time signature at tick {tick}")
            sigs.append(TimeSignature(tick, msg.numerator, msg.denominator))
    try:
        return TempoMap(tempos, sigs, res), _track_name(track) or ""
    except ValueError as exc:
        raise ChartFileError(path, f"invalid tempo map ({exc})") from None


def _note_spans(track) -> tuple[list[_Span], list[TextEvent]]:
    """Pair note-ons with note-offs per pitch (first on, first off)."""
    open_: dict[int, list[tuple[int, int]]] = defaultdict(list)
    spans: list[_Span] = []
    texts: list[TextEvent] = []
    for tick, msg in track:
        if msg.type == "note_on" and msg.velocity > 0:
            open_[msg.note].append((tick, msg.velocity))
        elif msg.type in ("note_off", "note_on"):
            if open_[msg.note]:
                on, vel = open_[msg.note].pop(0)
                spans.append(_Span(on, tick, msg.note, vel))
        elif msg.type in ("text", "lyrics", "marker") and tick >= 0:
            texts.append(TextEvent(tick, msg.text))
    for pitch, ons in open_.items():  # unterminated notes: zero length
        spans.extend(_Span(on, on, pitch, vel) for on, vel in ons)
    spans.sort(key=lambda s: (s.on, s.pitch))
    return spans, texts


def _covered(spans: list[_Span], tick: int) -> bool:
    return any(s.on <= tick < s.off or s.on == tick for s in spans)


def _read_drum_track(track, warnings: list[str]) -> DrumPart:
    spans, texts = _note_spans(track)
    dynamics = any(t.text.strip() in DYNAMICS_TEXTS for t in texts)
    by_pitch: dict[int, list[_Span]] = defaultdict(list)
    for s in spans:
        by_pitch[s.pitch].append(s)
    part = DrumPart(authored=set())
    for diff, base in DIFFICULTY_BASE.items():
        notes = NoteList()
        for pitch in range(base - 1, base + 6):
            for s in by_pitch.get(pitch, ()):
                lane = Lane.KICK if pitch < base else Lane(min(pitch - base, 4))
                if pitch == base + 5:
                    warnings.append(f"5-lane green note at tick {s.on} read as green")
                cymbal = lane.can_be_cymbal and not _covered(by_pitch.get(TOM_MARKER[lane], []), s.on)
                dyn = Dynamic.NORMAL
                if dynamics and lane.is_pad:
                    dyn = Dynamic.ACCENT if s.velocity == 127 else Dynamic.GHOST if s.velocity == 1 else Dynamic.NORMAL
                flam = lane.is_pad and _covered(by_pitch.get(FLAM_MARKER, []), s.on)
                note = Note(s.on, lane, cymbal=cymbal, double_kick=pitch == base - 1, dynamic=dyn, flam=flam)
                if notes.put(note) is not None:
                    warnings.append(f"{diff.title}: two notes on {lane.name.lower()} at tick {s.on}; kept one")
        part.notes[diff] = notes
        if len(notes):
            part.authored.add(diff)
    expert_ticks = part.notes[Difficulty.EXPERT].ticks()
    for pitch, kind in _PHRASE_NOTE.items():
        for s in by_pitch.get(pitch, ()):
            min_d = roll_min_difficulty(s.velocity) if kind.is_roll else Difficulty.EASY
            part.phrases.append(Phrase(s.on, max(0, s.off - s.on), kind, min_d))
    fill_pitch = next((p for p in FILL_NOTES if by_pitch.get(p)), None)
    for s in by_pitch.get(fill_pitch, ()) if fill_pitch else ():
        inside = [t for t in expert_ticks if s.on <= t < max(s.off, s.on + 1)]
        end = inside[-1] if inside else s.off
        part.phrases.append(Phrase(s.on, end - s.on, PhraseKind.FILL))
    part.phrases.sort()
    part.local_events = [t for t in texts if t.text.strip() not in DYNAMICS_TEXTS]
    return part


def _read_events_track(track, chart: Chart) -> None:
    for tick, msg in track:
        if msg.type not in ("text", "marker", "lyrics"):
            continue
        text = msg.text.strip()
        inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
        if inner.startswith("section "):
            chart.sections.append(Section(tick, inner[len("section "):]))
        elif inner.startswith("prc_"):
            chart.sections.append(Section(tick, inner[len("prc_"):]))
        elif inner == "end":
            if chart.end_tick is None:
                chart.end_tick = tick
        else:
            chart.events.append(TextEvent(tick, msg.text))
    chart.sections.sort()
    chart.events.sort()


# ---- writing -----------------------------------------------------------------------------------

def write_midi(chart: Chart, path: str | Path) -> list[str]:
    """Write `chart` as notes.mid (atomically); returns warnings about things the format cannot hold."""
    data, warnings = midi_bytes(chart)
    write_bytes_atomic(path, data)
    return warnings


def midi_bytes(chart: Chart) -> tuple[bytes, list[str]]:
    warnings: list[str] = []
    scale = TICKS_PER_BEAT / chart.resolution

    def tk(tick: int) -> int:
        return int(round(tick * scale))

    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    mid.tracks.append(_tempo_track(chart, tk))
    mid.tracks.append(_drum_track(chart, tk, warnings))
    mid.tracks.append(_events_track(chart, tk))
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue(), warnings


# events at one tick sort by this rank: names, texts, note-offs, markers, gems
_RANK_META, _RANK_TEXT, _RANK_OFF, _RANK_MARKER_ON, _RANK_ON = range(5)


def _to_track(events: list[tuple[int, int, int, mido.Message]]) -> mido.MidiTrack:
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    track, last = mido.MidiTrack(), 0
    for tick, _, _, msg in events:
        track.append(msg.copy(time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _tempo_track(chart: Chart, tk) -> mido.MidiTrack:
    ev = [(0, _RANK_META, 0, mido.MetaMessage("track_name", name=chart.metadata.name or "Chart Hero"))]
    for ts in chart.tempo_map.time_signatures:
        ev.append((tk(ts.tick), _RANK_TEXT, 0, mido.MetaMessage(
            "time_signature", numerator=ts.numerator, denominator=ts.denominator,
            clocks_per_click=24, notated_32nd_notes_per_beat=8)))
    for t in chart.tempo_map.tempos:
        ev.append((tk(t.tick), _RANK_TEXT, 1, mido.MetaMessage("set_tempo", tempo=int(round(60_000_000 / t.bpm)))))
    return _to_track(ev)


def _add_note(ev, on: int, off: int, pitch: int, velocity: int, marker: bool) -> None:
    off = max(off, on + 1)  # never a zero-length note
    ev.append((on, _RANK_MARKER_ON if marker else _RANK_ON, pitch,
               mido.Message("note_on", channel=NOTE_CHANNEL, note=pitch, velocity=velocity)))
    ev.append((off, _RANK_OFF, pitch, mido.Message("note_off", channel=NOTE_CHANNEL, note=pitch, velocity=0)))


def _gem_length(ticks_same_pitch: list[int], k: int, tk) -> int:
    """1/32 note, shortened so it ends before the next note of the same pitch."""
    length = TICKS_PER_BEAT // 8
    if k + 1 < len(ticks_same_pitch):
        length = min(length, tk(ticks_same_pitch[k + 1]) - tk(ticks_same_pitch[k]))
    return max(1, length)


def _drum_track(chart: Chart, tk, warnings: list[str]) -> mido.MidiTrack:
    part = chart.drums
    ev = [(0, _RANK_META, 0, mido.MetaMessage("track_name", name="PART DRUMS"))]
    if part.has_dynamics:
        ev.append((0, _RANK_TEXT, 0, mido.MetaMessage("text", text="[ENABLE_CHART_DYNAMICS]")))
    for t in part.local_events:
        ev.append((tk(t.tick), _RANK_TEXT, 1, mido.MetaMessage("text", text=t.text)))
    toms: dict[Lane, dict[int, bool]] = {lane: {} for lane in TOM_MARKER}
    flams: set[int] = set()
    for diff, notes in part.notes.items():
        base = DIFFICULTY_BASE[diff]
        by_pitch: dict[int, list[Note]] = defaultdict(list)
        for n in notes:
            pitch = base - 1 if n.double_kick else base + int(n.lane)
            by_pitch[pitch].append(n)
            if n.lane.can_be_cymbal:
                prev = toms[n.lane].get(n.tick)
                if prev is not None and prev != (not n.cymbal):
                    warnings.append(f"tick {n.tick}: {n.lane.name.lower()} is a tom on one difficulty and a "
                                    "cymbal on another; .mid tom markers are shared, written as tom")
                toms[n.lane][n.tick] = bool(prev) or not n.cymbal
            if n.flam:
                flams.add(n.tick)
        for pitch, pitch_notes in by_pitch.items():
            ticks = [n.tick for n in pitch_notes]
            for k, n in enumerate(pitch_notes):
                _add_note(ev, tk(n.tick), tk(n.tick) + _gem_length(ticks, k, tk), pitch, VELOCITY[n.dynamic], False)
    for lane, ticks in toms.items():
        for tick in sorted(t for t, is_tom in ticks.items() if is_tom):
            _add_note(ev, tk(tick), tk(tick) + 1, TOM_MARKER[lane], 100, True)
    for tick in sorted(flams):
        _add_note(ev, tk(tick), tk(tick) + 1, FLAM_MARKER, 100, True)
    expert_ticks = part.notes[Difficulty.EXPERT].ticks()
    for p in part.phrases:
        start, end = tk(p.tick), tk(p.end_tick)
        if p.kind is PhraseKind.FILL:
            later = [t for t in expert_ticks if t > p.end_tick]
            ext = TICKS_PER_BEAT // 8 if not later else min(TICKS_PER_BEAT // 8, tk(later[0]) - end)
            for pitch in FILL_NOTES:
                _add_note(ev, start, end + max(1, ext), pitch, 100, True)
        elif p.kind.is_roll:
            _add_note(ev, start, end, ROLL_NOTE[p.kind], ROLL_VELOCITY[p.min_difficulty], True)
        else:
            _add_note(ev, start, end, STAR_POWER_NOTE if p.kind is PhraseKind.STAR_POWER else SOLO_NOTE, 100, True)
    return _to_track(ev)


def _events_track(chart: Chart, tk) -> mido.MidiTrack:
    ev = [(0, _RANK_META, 0, mido.MetaMessage("track_name", name=EVENTS_TRACK_NAME))]
    for s in chart.sections:
        ev.append((tk(s.tick), _RANK_TEXT, 0, mido.MetaMessage("text", text=f"[section {s.name}]")))
    for e in chart.events:
        ev.append((tk(e.tick), _RANK_TEXT, 1, mido.MetaMessage("text", text=e.text)))
    end = chart.end_tick if chart.end_tick is not None else chart.default_end_tick()
    ev.append((tk(end), _RANK_ON, 0, mido.MetaMessage("text", text="[end]")))
    return _to_track(ev)
