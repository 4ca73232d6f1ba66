"""General MIDI drum files (channel 10) to and from charts, so drum parts travel to and from a DAW."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import mido

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Section
from app.domain.song import Chart, DrumPart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.domain.validation import Finding, find_colour_conflicts, format_finding
from app.io.atomic import write_bytes_atomic
from app.io.errors import ChartFileError

DRUM_CHANNEL = 9  # GM channel 10, counted from 0 as mido does
ACCENT_VELOCITY = 118
GHOST_VELOCITY = 40

GM_TO_LANE: dict[int, tuple[Lane, bool]] = {
    35: (Lane.KICK, False), 36: (Lane.KICK, False),
    38: (Lane.RED, False), 40: (Lane.RED, False),
    42: (Lane.YELLOW, True), 44: (Lane.YELLOW, True), 46: (Lane.YELLOW, True),
    49: (Lane.GREEN, True), 57: (Lane.GREEN, True), 52: (Lane.GREEN, True), 55: (Lane.GREEN, True),
    51: (Lane.BLUE, True), 59: (Lane.BLUE, True), 53: (Lane.BLUE, True),
    48: (Lane.YELLOW, False), 50: (Lane.YELLOW, False),
    45: (Lane.BLUE, False), 47: (Lane.BLUE, False),
    41: (Lane.GREEN, False), 43: (Lane.GREEN, False),
}
"""GM drum note -> (lane, cymbal) on import (also in docs/gm-drum-mapping.md).

| GM notes | drum | lane |
|---|---|---|
| 36 (and 35, see below) | bass drum | kick |
| 35 when the file also uses 36 | acoustic bass drum | 2x kick (Expert+) |
| 38, 40 | snare | red |
| 37 | side stick | not charted (read as red with `side_stick=True`) |
| 42, 44, 46 | closed, pedal, open hi-hat | yellow cymbal |
| 49, 57, 52, 55 | crash 1/2, china, splash | green cymbal |
| 51, 59, 53 | ride 1/2, ride bell | blue cymbal |
| 48, 50 | high toms | yellow tom |
| 45, 47 | mid toms | blue tom |
| 41, 43 | floor toms | green tom |
"""
SIDE_STICK = 37
BASS_DRUM_1, ACOUSTIC_BASS_DRUM = 36, 35

LANE_TO_GM: dict[tuple[Lane, bool], int] = {
    (Lane.KICK, False): 36, (Lane.RED, False): 38,
    (Lane.YELLOW, True): 42, (Lane.YELLOW, False): 48,
    (Lane.BLUE, True): 51, (Lane.BLUE, False): 45,
    (Lane.GREEN, True): 49, (Lane.GREEN, False): 41,
}
"""(lane, cymbal) -> GM note written on export; a 2x kick is written as 35."""
EXPORT_VELOCITY = {Dynamic.NORMAL: 96, Dynamic.ACCENT: 127, Dynamic.GHOST: 30}
GRACE_SOFTER = 20

TOM_MOVES = {Lane.YELLOW: (Lane.BLUE, Lane.GREEN), Lane.BLUE: (Lane.GREEN, Lane.YELLOW),
             Lane.GREEN: (Lane.BLUE, Lane.YELLOW)}
"""Where a tom that collides with a same-colour cymbal goes, nearest first."""


@dataclass(frozen=True)
class Hit:
    """One drum hit from foreign data, before it becomes a Note."""

    tick: int
    lane: Lane
    cymbal: bool
    velocity: int
    double_kick: bool = False


# ---- reading -----------------------------------------------------------------------------------

def read_gm_midi(path: str | Path, accent_velocity: int = ACCENT_VELOCITY, ghost_velocity: int = GHOST_VELOCITY,
                 side_stick: bool = False) -> tuple[Chart, list[str]]:
    """Read a GM drum file into a chart with Expert notes; warnings are one-line strings.

    Other channel-10 notes (claps, cowbell, percussion) are skipped and counted in a warning;
    other channels are ignored. Velocity >= `accent_velocity` (118) is an accent and <=
    `ghost_velocity` (40) a ghost, on pads only. A note followed within a 1/64 note by a louder
    note on the same lane is a flam grace note: the louder note becomes a flam and the grace note
    goes. Two notes on one lane and tick merge (the louder wins). A cymbal and a tom of one colour
    on one tick (hi-hat and high tom) conflict: the tom moves to the nearest free tom lane
    (yellow -> blue -> green, blue -> green -> yellow, green -> blue -> yellow) or, if none is free,
    the cymbal wins; each conflict is a warning.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChartFileError(path, f"cannot read file ({exc.strerror or exc})") from None
    return parse_gm_midi_bytes(data, path, accent_velocity, ghost_velocity, side_stick)


def parse_gm_midi_bytes(data: bytes, path: Path | None = None, accent_velocity: int = ACCENT_VELOCITY,
                        ghost_velocity: int = GHOST_VELOCITY, side_stick: bool = False) -> tuple[Chart, list[str]]:
    from app.io.midi_file import open_midi
    mid = open_midi(data, path)
    if mid.type == 2:
        raise ChartFileError(path, "MIDI format 2 (independent patterns) is not supported")
    res = mid.ticks_per_beat
    events = sorted(((tick, k, i, msg) for k, track in enumerate(mid.tracks)
                     for i, (tick, msg) in enumerate(_absolute(track))), key=lambda e: e[:3])
    tempo_map = _tempo_map(events, res, path)
    ons = [(tick, msg.note, msg.velocity) for tick, _, _, msg in events
           if msg.type == "note_on" and msg.velocity > 0 and msg.channel == DRUM_CHANNEL]
    if not ons:
        raise ChartFileError(path, "no drum notes on MIDI channel 10 (the General MIDI drum channel)")
    warnings: list[str] = []
    hits = _hits(ons, side_stick, warnings)
    notes = hits_to_notes(hits, tempo_map, accent_velocity, ghost_velocity, warnings)
    chart = Chart(metadata=SongMetadata(name=path.stem if path else ""), tempo_map=tempo_map,
                  drums=DrumPart(authored={Difficulty.EXPERT}))
    chart.drums.notes[Difficulty.EXPERT] = notes
    chart.sections = sorted(Section(tick, msg.text) for tick, k, _, msg in events
                            if msg.type == "marker" and msg.text.strip())
    return chart, warnings


def _absolute(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    tick, out = 0, []
    for msg in track:
        tick += msg.time
        out.append((tick, msg))
    return out


def _tempo_map(events, res: int, path) -> TempoMap:
    """Tempo and time signatures from any track (DAWs write format 0 files too)."""
    tempos, sigs = [], []
    for tick, _, _, msg in events:
        if msg.type == "set_tempo":
            if msg.tempo <= 0:
                raise ChartFileError(path, f"zero tempo at tick {tick}")
            tempos.append(TempoChange(tick, mido.tempo2bpm(msg.tempo)))
        elif msg.type == "time_signature":
            sigs.append((tick, msg.numerator, msg.denominator))
    try:
        return TempoMap(tempos, [TimeSignature(*s) for s in sigs], res)
    except ValueError as exc:
        raise ChartFileError(path, f"invalid tempo map ({exc})") from None


def _hits(ons: list[tuple[int, int, int]], side_stick: bool, warnings: list[str]) -> list[Hit]:
    pitches = {p for _, p, _ in ons}
    two_kick_notes = BASS_DRUM_1 in pitches and ACOUSTIC_BASS_DRUM in pitches
    skipped: dict[int, int] = {}
    hits: list[Hit] = []
    for tick, pitch, vel in ons:
        if pitch == SIDE_STICK and side_stick:
            hits.append(Hit(tick, Lane.RED, False, vel))
        elif pitch in GM_TO_LANE:
            lane, cymbal = GM_TO_LANE[pitch]
            hits.append(Hit(tick, lane, cymbal, vel, double_kick=two_kick_notes and pitch == ACOUSTIC_BASS_DRUM))
        else:
            skipped[pitch] = skipped.get(pitch, 0) + 1
    if skipped:
        listed = ", ".join(f"{p} ({n}x)" for p, n in sorted(skipped.items()))
        warnings.append(f"skipped {sum(skipped.values())} drum notes with no lane (GM notes {listed})")
    return hits


def hits_to_notes(hits: list[Hit], tempo_map: TempoMap, accent_velocity: int = ACCENT_VELOCITY,
                  ghost_velocity: int = GHOST_VELOCITY, warnings: list[str] | None = None) -> NoteList:
    """Merge, flam-detect and conflict-resolve foreign hits into one difficulty's notes."""
    warnings = warnings if warnings is not None else []
    merged: dict[tuple[int, Lane, bool], Hit] = {}
    for h in hits:  # same tick, lane and kind: one hit, the louder (a normal kick beats a 2x kick)
        key = (h.tick, h.lane, h.cymbal)
        old = merged.get(key)
        if old is None or (h.velocity, not h.double_kick) > (old.velocity, not old.double_kick):
            merged[key] = h
    hits = sorted(merged.values(), key=lambda h: (h.tick, h.lane, h.cymbal))
    hits, flams = _find_flams(hits, tempo_map.resolution)
    resolved = _resolve_conflicts(hits, tempo_map, warnings)
    out = NoteList()
    for h in resolved:
        dyn = Dynamic.NORMAL
        if h.lane.is_pad:
            dyn = (Dynamic.ACCENT if h.velocity >= accent_velocity
                   else Dynamic.GHOST if h.velocity <= ghost_velocity else Dynamic.NORMAL)
        out.put(Note(h.tick, h.lane, cymbal=h.cymbal, double_kick=h.double_kick, dynamic=dyn,
                     flam=h.lane.is_pad and (h.tick, h.lane, h.cymbal) in flams))
    return out


def _find_flams(hits: list[Hit], res: int) -> tuple[list[Hit], set[tuple[int, Lane, bool]]]:
    """Drop grace notes (a softer hit a 1/64 or less before a hit of the same pad)."""
    window = max(1, res // 16)
    last: dict[tuple[Lane, bool], Hit] = {}
    graces: set[Hit] = set()
    flams: set[tuple[int, Lane, bool]] = set()
    for h in hits:
        if not h.lane.is_pad:
            continue
        prev = last.get((h.lane, h.cymbal))
        if prev is not None and prev not in graces and 0 < h.tick - prev.tick <= window and prev.velocity < h.velocity:
            graces.add(prev)
            flams.add((h.tick, h.lane, h.cymbal))
        last[(h.lane, h.cymbal)] = h
    return [h for h in hits if h not in graces], flams


def _resolve_conflicts(hits: list[Hit], tempo_map: TempoMap, warnings: list[str]) -> list[Hit]:
    conflicts = find_colour_conflicts((h.tick, h.lane, h.cymbal) for h in hits)
    if not conflicts:
        return hits
    by_tick: dict[int, list[Hit]] = {}
    for h in hits:
        by_tick.setdefault(h.tick, []).append(h)
    for c in conflicts:
        chord = by_tick[c.tick]
        tom = next(h for h in chord if h.lane is c.lane and not h.cymbal)
        taken = {h.lane for h in chord if h is not tom}
        free = [lane for lane in TOM_MOVES[c.lane] if lane not in taken]
        chord.remove(tom)
        if free:
            chord.append(Hit(tom.tick, free[0], False, tom.velocity))
            what = f"{c.lane.name.lower()} tom moved to {free[0].name.lower()} tom"
        else:
            what = f"{c.lane.name.lower()} tom dropped (no free tom lane)"
        warnings.append(format_finding(Finding(
            "warning", "colourConflict", f"{c.lane.name.lower()} cymbal and tom at once: {what}",
            c.tick, tempo_map.tick_to_s(c.tick), Difficulty.EXPERT)))
    return [h for t in sorted(by_tick) for h in by_tick[t]]


# ---- writing -----------------------------------------------------------------------------------

def write_gm_midi(chart: Chart, path: str | Path, difficulty: Difficulty = Difficulty.EXPERT) -> None:
    """Write one difficulty as a GM drum file (atomically).

    Export (one difficulty, Expert by default): format 1 at the chart's resolution, track 0 with
    tempos, time signatures and sections as markers, track 1 "Drums" on channel 10: kick 36,
    2x kick 35, red 38, yellow cymbal 42 / tom 48, blue cymbal 51 / tom 45, green cymbal 49 /
    tom 41; velocity 96, accent 127, ghost 30; notes a 1/32 long (shortened before the next hit
    of the same note); a flam adds a grace note of the same drum a 1/64 earlier, 20 softer.
    """
    write_bytes_atomic(path, gm_midi_bytes(chart, difficulty))


def gm_midi_bytes(chart: Chart, difficulty: Difficulty = Difficulty.EXPERT) -> bytes:
    tm = chart.tempo_map
    res = tm.resolution
    mid = mido.MidiFile(type=1, ticks_per_beat=res)
    meta: list[tuple[int, int, mido.MetaMessage]] = [(0, 0, mido.MetaMessage("track_name", name=chart.metadata.name
                                                                               or "Tempo"))]
    meta += [(t.tick, 1, mido.MetaMessage("set_tempo", tempo=int(round(mido.bpm2tempo(t.bpm)))))
             for t in tm.tempos]
    meta += [(s.tick, 1, mido.MetaMessage("time_signature", numerator=s.numerator, denominator=s.denominator))
             for s in tm.time_signatures]
    meta += [(s.tick, 2, mido.MetaMessage("marker", text=s.name)) for s in chart.sections]
    mid.tracks.append(_track([(t, o, m) for t, o, m in meta]))

    length = max(1, res // 8)
    strikes: list[tuple[int, int, int]] = []  # (tick, pitch, velocity)
    for n in chart.drums.notes[difficulty]:
        pitch = 35 if n.double_kick else LANE_TO_GM[(n.lane, n.cymbal)]
        vel = EXPORT_VELOCITY[n.dynamic]
        if n.flam and n.tick >= res // 16 > 0:
            strikes.append((n.tick - res // 16, pitch, max(1, vel - GRACE_SOFTER)))
        strikes.append((n.tick, pitch, vel))
    strikes.sort()
    next_on: dict[int, int] = {}
    msgs: list[tuple[int, int, mido.Message]] = []
    for tick, pitch, vel in reversed(strikes):
        off = min(tick + length, next_on.get(pitch, tick + length))
        next_on[pitch] = tick
        msgs.append((tick, 1, mido.Message("note_on", channel=DRUM_CHANNEL, note=pitch, velocity=vel)))
        msgs.append((max(off, tick + 1), 0, mido.Message("note_off", channel=DRUM_CHANNEL, note=pitch, velocity=0)))
    name = (0, -1, mido.MetaMessage("track_name", name="Drums"))
    mid.tracks.append(_track([name] + msgs))
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


def _track(events: list[tuple[int, int, mido.Message]]) -> mido.MidiTrack:
    """Absolute (tick, order, message) -> a delta-timed track; at one tick, lower order first."""
    track = mido.MidiTrack()
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1], getattr(e[2], "note", 0))):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track
