"""Chart checks before export, mirroring scan-chart's chart issues, with timestamps."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from app.domain.lanes import Difficulty, Lane
from app.domain.phrases import Phrase, PhraseKind
from app.domain.song import Chart

Severity = Literal["error", "warning", "info"]

BROKEN_NOTE_S = 0.015
LEADING_SILENCE_S = 1.0
NOT_REDUCED_MIN_CHORDS = 20
ACTIVATION_MIN_NOTES = 50
ACTIVATION_MIN_S = 60.0


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, a stable code, a sentence, and where (tick/time/difficulty when known)."""

    severity: Severity
    code: str
    message: str
    tick: int | None = None
    time_s: float | None = None
    difficulty: Difficulty | None = None


@dataclass(frozen=True)
class ColourConflict:
    """A cymbal and a tom of the same colour struck on one tick."""

    tick: int
    lane: Lane


def format_time(seconds: float) -> str:
    """m:ss.mmm"""
    ms = int(round(max(seconds, 0.0) * 1000))
    return f"{ms // 60000}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def format_finding(f: Finding) -> str:
    """`[m:ss.mmm] Expert: message`; the time and difficulty parts appear only when known."""
    parts = []
    if f.time_s is not None:
        parts.append(f"[{format_time(f.time_s)}]")
    if f.difficulty is not None:
        parts.append(f"{f.difficulty.title}:")
    parts.append(f.message)
    return " ".join(parts)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def find_colour_conflicts(notes: Iterable[tuple[int, Lane, bool]]) -> list[ColourConflict]:
    """(tick, lane) where foreign data has both a cymbal and a tom of that colour, in tick order."""
    seen: dict[tuple[int, Lane], set[bool]] = {}
    for tick, lane, cymbal in notes:
        lane = Lane(lane)
        if lane.can_be_cymbal:
            seen.setdefault((tick, lane), set()).add(bool(cymbal))
    return [ColourConflict(t, lane) for (t, lane), kinds in sorted(seen.items()) if len(kinds) == 2]


def validate(chart: Chart, audio_length_s: float | None = None) -> list[Finding]:
    """Every finding for `chart`, sorted by time (global findings first).

    Codes and the scan-chart `ChartIssueType` each one follows (same code where there is one):

    | code | severity | scan-chart | rule |
    |---|---|---|---|
    | brokenNote | error | brokenNote | a chord 15 ms or less after the previous chord of its difficulty |
    | invalidChord | error | invalidChord | three or more pads at once |
    | difficultyForbiddenNote | error | difficultyForbiddenNote | 2x kick below Expert; 2 pads + kick on Easy |
    | emptyStarPower | error | emptyStarPower | star-power phrase with no note of a charted difficulty in it |
    | emptyFlexLane | error | emptyFlexLane | roll lane with no note of a difficulty it reaches |
    | emptySoloSection | warning | emptySoloSection | solo with no notes |
    | emptyFill | warning | (none) | fill with no notes |
    | fillEndNotOnNote | warning | (none) | a fill whose end tick holds no Expert chord (no activation note) |
    | noSections | warning | noSections | no practice sections |
    | misalignedTimeSignature | error | misalignedTimeSignature | time signature not on a bar line of the previous one |
    | smallLeadingSilence | warning | smallLeadingSilence | first note earlier than 1 s of chart time |
    | badEndEvent | error | badEndEvent | `[end]` before the last note or after the end of the audio |
    | isDefaultBPM | warning | isDefaultBPM | exactly one 120 BPM tempo and one 4/4 |
    | noNotes | error | noNotes | no notes at all |
    | noExpert | error | noExpert | lower difficulties charted but not Expert |
    | difficultyNotReduced | warning | difficultyNotReduced | lower difficulty identical to Expert (> 20 chords) |
    | noDrumActivationLanes | warning | noDrumActivationLanes | star power, > 50 notes, > 60 s and no fills |

    Times (`time_s`) are audio times (chart time + song.ini delay); the leading-silence rule uses
    chart time as scan-chart does. A same-colour cymbal and tom on one tick cannot be held by a
    NoteList; `find_colour_conflicts` finds them in foreign data (GM MIDI, transcription).
    """
    v = _Validator(chart)
    v.tempo_map_checks()
    v.global_checks(audio_length_s)
    for d in Difficulty:
        v.difficulty_checks(d)
    v.phrase_checks()
    return sorted(v.out, key=lambda f: (f.tick is not None, f.tick or 0,
                                        -(f.difficulty if f.difficulty is not None else 9), f.code))


class _Validator:
    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.out: list[Finding] = []

    def add(self, severity: Severity, code: str, message: str, tick: int | None = None,
            difficulty: Difficulty | None = None) -> None:
        time_s = self.chart.tick_to_audio_s(tick) if tick is not None else None
        self.out.append(Finding(severity, code, message, tick, time_s, difficulty))

    # ---- tempo map -------------------------------------------------------------------------
    def tempo_map_checks(self) -> None:
        tm = self.chart.tempo_map
        sigs = list(tm.time_signatures)
        bar_line = 0.0
        i = 0
        while i < len(sigs):  # scan-chart's walk: a misaligned signature is skipped, not followed
            if abs(bar_line - sigs[i].tick) > 1e-6:
                self.add("error", "misalignedTimeSignature",
                         f"time signature {sigs[i].numerator}/{sigs[i].denominator} is not on a bar line "
                         "of the previous time signature", sigs[i].tick)
                del sigs[i]
                if i == 0:
                    break
                i -= 1
            while i + 1 < len(sigs) and bar_line < sigs[i + 1].tick:
                bar_line += tm.resolution * 4 * sigs[i].numerator / sigs[i].denominator
            i += 1
        if (len(tm.tempos) == 1 and round(tm.tempos[0].bpm, 9) == 120.0 and len(tm.time_signatures) == 1
                and (tm.time_signatures[0].numerator, tm.time_signatures[0].denominator) == (4, 4)):
            self.add("warning", "isDefaultBPM", "the tempo map is a single 120 BPM 4/4: the song looks "
                     "un-tempo-mapped (ignore this if it really is a constant 120 BPM)")

    # ---- song-wide -------------------------------------------------------------------------
    def global_checks(self, audio_length_s: float | None) -> None:
        c = self.chart
        notes = c.drums.notes
        if all(len(nl) == 0 for nl in notes.values()):
            self.add("error", "noNotes", "the chart has no notes")
        elif len(notes[Difficulty.EXPERT]) == 0:
            self.add("error", "noExpert", "lower difficulties are charted but Expert is empty")
        if not c.sections:
            self.add("warning", "noSections", "the chart has no practice sections")
        last = c.last_note_tick()
        if c.end_tick is not None:
            if last is not None and c.end_tick < last:
                self.add("error", "badEndEvent", "[end] comes before the last note", c.end_tick)
            elif audio_length_s is not None and c.tick_to_audio_s(c.end_tick) > audio_length_s + 1e-6:
                self.add("error", "badEndEvent",
                         f"[end] comes after the end of the audio ({format_time(audio_length_s)})", c.end_tick)
        expert = notes[Difficulty.EXPERT]
        for d in (Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY):
            nl = notes[d]
            if len(expert) and nl == expert and len(nl.ticks()) > NOT_REDUCED_MIN_CHORDS:
                self.add("warning", "difficultyNotReduced", "the notes are identical to Expert", None, d)
        if c.drums.phrases_of(PhraseKind.STAR_POWER) and not c.drums.phrases_of(PhraseKind.FILL):
            ticks = expert.ticks()
            if len(ticks) > ACTIVATION_MIN_NOTES and (c.tempo_map.tick_to_s(ticks[-1])
                                                      - c.tempo_map.tick_to_s(ticks[0])) > ACTIVATION_MIN_S:
                self.add("warning", "noDrumActivationLanes",
                         "star power but no drum fills: star power cannot be activated")

    # ---- per difficulty --------------------------------------------------------------------
    def difficulty_checks(self, d: Difficulty) -> None:
        nl = self.chart.drums.notes[d]
        if len(nl) == 0:
            return
        tm = self.chart.tempo_map
        first = nl.first_tick
        if tm.tick_to_s(first) < LEADING_SILENCE_S:
            self.add("warning", "smallLeadingSilence",
                     f"the first note is less than {LEADING_SILENCE_S:g} s into the chart", first, d)
        prev_s = None
        for tick, chord in nl.chords():
            t_s = tm.tick_to_s(tick)
            if prev_s is not None and t_s - prev_s <= BROKEN_NOTE_S + 1e-9:
                self.add("error", "brokenNote",
                         f"note only {1000 * (t_s - prev_s):.0f} ms after the previous one", tick, d)
            prev_s = t_s
            pads = sum(n.lane.is_pad for n in chord)
            kick = any(n.lane is Lane.KICK for n in chord)
            if pads >= 3:
                self.add("error", "invalidChord", f"{pads} pads at once (at most two)", tick, d)
            if d is not Difficulty.EXPERT and any(n.double_kick for n in chord):
                self.add("error", "difficultyForbiddenNote", "2x kick is allowed on Expert only", tick, d)
            if d is Difficulty.EASY and pads == 2 and kick:
                self.add("error", "difficultyForbiddenNote", "two pads and a kick at once are not allowed on Easy",
                         tick, d)

    # ---- phrases ---------------------------------------------------------------------------
    def phrase_checks(self) -> None:
        notes = self.chart.drums.notes
        charted = [d for d in Difficulty if len(notes[d])]
        expert = notes[Difficulty.EXPERT]
        for p in self.chart.drums.phrases:
            if p.kind is PhraseKind.FILL:
                if not _has_note(p, expert):
                    self.add("warning", "emptyFill", "drum fill contains no notes", p.tick, Difficulty.EXPERT)
                elif not expert.at(p.end_tick):
                    self.add("warning", "fillEndNotOnNote",
                             "drum fill does not end on a note, so it has no activation note", p.end_tick,
                             Difficulty.EXPERT)
                continue
            for d in charted:
                if not p.reaches(d) or _has_note(p, notes[d]):
                    continue
                if p.kind is PhraseKind.STAR_POWER:
                    self.add("error", "emptyStarPower", "star power phrase contains no notes", p.tick, d)
                elif p.kind is PhraseKind.SOLO:
                    self.add("warning", "emptySoloSection", "solo section contains no notes", p.tick, d)
                elif p.kind.is_roll:
                    self.add("error", "emptyFlexLane", "roll lane contains no notes", p.tick, d)


def _has_note(p: Phrase, nl) -> bool:
    end = p.end_tick + 1 if p.kind is PhraseKind.FILL or p.length == 0 else p.end_tick
    return any(p.contains(n.tick) for n in nl.in_range(p.tick, max(end, p.tick + 1)))
