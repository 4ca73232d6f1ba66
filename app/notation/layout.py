"""A chart laid out as drum notation: bars, beats, two voices of notes and rests, tempo and rehearsal marks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from app.domain.lanes import Difficulty, Dynamic
from app.domain.song import Chart
from app.domain.tempo_map import TempoMap
from app.notation.drum_key import FEET, HANDS, Drum, drum_for
from app.notation.quantize import (NOTE_VALUES, REST_VALUES, beat_groups, choose_grid, is_triplet,
                                   split_value)

Q = Fraction
TEMPO_MARK_MIN_CHANGE = 2.0
"""BPM: a tempo change is marked when its whole-BPM value is this far from the last mark (so a
beat-tracked tempo map that wobbles by fractions of a BPM does not print a mark on every beat)."""


@dataclass(frozen=True)
class Hit:
    """One drum struck at an onset."""

    drum: Drum
    accent: bool = False
    ghost: bool = False
    flam: bool = False


@dataclass(frozen=True)
class Event:
    """A note (hits) or a rest (no hits) at `offset` in the bar for `length` quarter notes.

    tuplet: 3 (triplet 8ths) or 6 (triplet 16ths) when it sits in a triplet beat, else 0;
    beat: index of the beat it belongs to (beams never cross beats); hidden: a rest not to print.
    """

    offset: Fraction
    length: Fraction
    hits: tuple[Hit, ...] = ()
    tuplet: int = 0
    beat: int = 0
    hidden: bool = False

    @property
    def is_rest(self) -> bool:
        return not self.hits


@dataclass
class Bar:
    """One measure: `number` from 1, `start_tick`, its time signature and its voices' events."""

    number: int
    start_tick: int
    numerator: int
    denominator: int
    beats: list[Fraction]
    show_time_signature: bool = False
    tempo_marks: list[tuple[Fraction, float]] = field(default_factory=list)
    rehearsal_marks: list[tuple[Fraction, str]] = field(default_factory=list)
    voices: dict[int, list[Event]] = field(default_factory=dict)

    @property
    def length(self) -> Fraction:
        return Q(4 * self.numerator, self.denominator)


def bar_spans(tempo_map: TempoMap, last_tick: int) -> list[tuple[int, int, int, int]]:
    """(start_tick, end_tick, numerator, denominator) of every bar up to the one holding `last_tick`.

    A time signature that starts inside a bar cuts that bar short; the short bar gets the
    time signature its length spells.
    """
    res = tempo_map.resolution
    sigs = tempo_map.time_signatures
    spans: list[tuple[int, int, int, int]] = []
    for k, sig in enumerate(sigs):
        seg_end = sigs[k + 1].tick if k + 1 < len(sigs) else None
        m = sig.measure_ticks(res)
        tick = sig.tick
        while (seg_end is None or tick < seg_end) and tick <= last_tick:
            end = tick + m if seg_end is None else min(tick + m, seg_end)
            spans.append((tick, end, *_signature_of(end - tick, sig.numerator, sig.denominator, res)))
            tick = end
        if tick > last_tick:
            break
    return spans


def _signature_of(ticks: int, numerator: int, denominator: int, res: int) -> tuple[int, int]:
    if ticks == numerator * res * 4 // denominator:
        return numerator, denominator
    for den in (denominator, 8, 16, 32, 64):
        unit = res * 4 / den
        if ticks % unit == 0:
            return max(1, int(ticks // unit)), den
    return max(1, round(ticks * 32 / (res * 4))), 32


def layout(chart: Chart, difficulty: Difficulty = Difficulty.EXPERT) -> list[Bar]:
    """The bars of `difficulty` of `chart`, quantised beat by beat, with tempo and rehearsal marks."""
    tm = chart.tempo_map
    res = tm.resolution
    notes = list(chart.drums[difficulty])
    last_tick = max([n.tick for n in notes] + [0])
    spans = bar_spans(tm, last_tick)
    eps = Q(res, 16)  # half a 32nd: an onset this close before a beat is played on that beat
    by_tick: dict[int, list] = defaultdict(list)
    for n in notes:
        by_tick[n.tick].append(n)
    ticks = sorted(by_tick)
    bars: list[Bar] = []
    shown_sig: tuple[int, int] | None = None
    k = 0
    for number, (start, end, num, den) in enumerate(spans, 1):
        bar = Bar(number, start, num, den, beat_groups(num, den), show_time_signature=(num, den) != shown_sig)
        shown_sig = (num, den)
        bar_end = end - eps if number < len(spans) else float("inf")
        mine = []
        while k < len(ticks) and ticks[k] < bar_end:
            mine.append(ticks[k])
            k += 1
        _fill_bar(bar, [(max(Q(0), Q(t - start, res)), by_tick[t]) for t in mine])
        bars.append(bar)
    _place_marks(bars, chart, res)
    return bars


def _fill_bar(bar: Bar, onsets: list[tuple[Fraction, list]]) -> None:
    """Quantise the bar's onsets beat by beat and write both voices' notes and rests."""
    starts = [sum(bar.beats[:i], Q(0)) for i in range(len(bar.beats))]
    per_voice: dict[int, list[Event]] = {HANDS: [], FEET: []}
    for i, (b0, blen) in enumerate(zip(starts, bar.beats)):
        near = Q(1, 16)
        mine = [(t - b0, ns) for t, ns in onsets
                if b0 - near <= t < b0 + blen - near or (i == 0 and t < b0)]
        grid = choose_grid([max(Q(0), t) for t, _ in mine], blen)
        step = grid.step
        hits: dict[int, dict[Fraction, list[Hit]]] = {HANDS: defaultdict(list), FEET: defaultdict(list)}
        for t, ns in mine:
            pos = min(round(max(Q(0), t) / step) * step, blen - step)
            for n in ns:
                d = drum_for(n)
                hits[d.voice][pos].append(Hit(d, n.dynamic is Dynamic.ACCENT, n.dynamic is Dynamic.GHOST, n.flam))
        for voice in (HANDS, FEET):
            per_voice[voice] += _beat_events(i, b0, blen, hits[voice])
    for voice, events in per_voice.items():
        if all(e.is_rest for e in events):
            if voice == HANDS and all(e.is_rest for e in per_voice[FEET]):
                bar.voices[voice] = [Event(Q(0), bar.length, beat=0)]  # a whole-bar rest
            continue  # an empty voice beside a playing one is left out
        bar.voices[voice] = _merge_rests(events, bar)


def _beat_events(beat: int, b0: Fraction, blen: Fraction, hits: dict[Fraction, list[Hit]]) -> list[Event]:
    """One voice's events in one beat: a note lasts to its next onset or the beat's end."""
    positions = sorted(hits)
    if not positions:
        return [Event(b0, blen, beat=beat)]
    bounds = positions + [blen]
    triplet = any(is_triplet(x) for x in bounds)
    scale = Q(3, 2) if triplet else Q(1)
    tup = (3 if all((x * 3).denominator == 1 for x in bounds) else 6) if triplet else 0
    out: list[Event] = []
    at = b0
    for r in split_value(positions[0] * scale, REST_VALUES):  # rests before the first onset
        out.append(Event(at, r / scale, (), tup, beat))
        at += r / scale
    for pos, nxt in zip(positions, bounds[1:]):
        pieces = split_value((nxt - pos) * scale, NOTE_VALUES)
        at = b0 + pos
        for j, v in enumerate(pieces[:1] + split_value(sum(pieces[1:], Q(0)), REST_VALUES)):
            out.append(Event(at, v / scale, tuple(_ordered(hits[pos])) if j == 0 else (), tup, beat))
            at += v / scale
    return out


def _ordered(hits: list[Hit]) -> list[Hit]:
    """One hit per drum (the strongest marking wins), low to high on the staff."""
    from app.notation.drum_key import DRUM_KEY
    order = {d.key: i for i, d in enumerate(DRUM_KEY)}
    best: dict[str, Hit] = {}
    for h in hits:
        old = best.get(h.drum.key)
        best[h.drum.key] = h if old is None else Hit(h.drum, old.accent or h.accent,
                                                     old.ghost and h.ghost, old.flam or h.flam)
    return sorted(best.values(), key=lambda h: order[h.drum.key])


def _merge_rests(events: list[Event], bar: Bar) -> list[Event]:
    """Whole empty beats pair up into half rests on the strong half of a 4/4 or 2/2 bar."""
    if bar.length != 4 or bar.beats != [Q(1)] * 4:
        return events
    out: list[Event] = []
    for e in events:
        prev = out[-1] if out else None
        if (prev is not None and prev.is_rest and e.is_rest and prev.length == 1 and e.length == 1
                and prev.tuplet == e.tuplet == 0 and prev.offset in (0, 2) and prev.offset + 1 == e.offset):
            out[-1] = Event(prev.offset, Q(2), (), 0, prev.beat)
        else:
            out.append(e)
    return out


def _bar_index(bars: list[Bar], tick: int) -> int:
    i = 0
    while i + 1 < len(bars) and bars[i + 1].start_tick <= tick:
        i += 1
    return i


def _place_marks(bars: list[Bar], chart: Chart, res: int) -> None:
    """Tempo marks where the (whole-BPM) tempo changes and rehearsal marks at sections, on a 32nd grid."""
    def where(tick: int) -> tuple[Bar, Fraction] | None:
        if not bars or tick > bars[-1].start_tick + bars[-1].length * res:
            return None
        bar = bars[_bar_index(bars, tick)]
        off = min(Q(round(Q(tick - bar.start_tick, res) * 8), 8), bar.length - Q(1, 8))
        return bar, max(Q(0), off)

    last: float | None = None
    for t in chart.tempo_map.tempos:
        bpm = round(t.bpm, 1)
        if last is not None and abs(round(bpm) - round(last)) < TEMPO_MARK_MIN_CHANGE:
            continue
        spot = where(t.tick)
        if spot is not None:
            spot[0].tempo_marks.append((spot[1], bpm))
            last = bpm
    for s in sorted(chart.sections):
        spot = where(s.tick)
        if spot is not None:
            marks = spot[0].rehearsal_marks
            if marks and marks[-1][0] == spot[1]:
                marks[-1] = (spot[1], f"{marks[-1][1]} / {s.name}")
            else:
                marks.append((spot[1], s.name))
