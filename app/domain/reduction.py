"""Hard, Medium and Easy drums generated from Expert by fixed, documented rules.

Every reduced note is an Expert note (same tick and lane, cymbal/tom flag and accent kept);
reduction only removes notes and clears flags. The steps, in order (docs/difficulty-reduction.md):

1. All difficulties below Expert: 2x kicks are dropped (not turned into kicks), ghost notes
   are dropped, flams are cleared.
2. Medium and Easy: only chords on the 8th-note grid of the bar (quarter-note 8ths counted
   from the time signature's first bar line) are kept; triplets, 16ths and 32nds go.
3. Rhythm thinning. Hard: a run of chords less than a 16th note (in ticks) or less than
   100 ms apart keeps every other chord, choosing the alternation with the stronger beat
   positions; repeated until no such gap is left. Medium and Easy: chords are kept greedily by
   strength (bar downbeats, then beats, then 8ths; snare on a backbeat, crash and kick add to
   it) so that no two kept chords are closer than 180 ms (Medium) or 300 ms (Easy).
4. Medium and Easy: kicks are limited to one per beat (strongest first); a chord left empty goes.
5. Chords. Every difficulty (Expert too, see app.domain.validation) allows at most two pads;
   the two most important are kept: snare > crash (green cymbal) > ride (blue cymbal) >
   hi-hat (yellow cymbal) > yellow tom > blue tom > green tom. Hard: two pads plus kick.
   Medium: one pad plus kick, or two pads without kick. Easy: one gem, chosen as
   snare > crash > kick > ride > hi-hat > toms.
6. Guards. The chord that ends a fill (its activation note) is always kept; a star-power,
   solo or roll phrase that reaches the difficulty and has Expert notes keeps at least its
   strongest chord. A guarded chord removes kept chords closer than the thinning gap to it.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from app.domain.edits import Batch, Edit, ReplaceNotes
from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import PhraseKind
from app.domain.song import Chart
from app.domain.tempo_map import TempoMap


@dataclass(frozen=True)
class ReductionRule:
    """How one difficulty is reduced from Expert (see the module docstring)."""

    eighth_grid: bool          # keep only chords on the 8th grid
    every_other_runs: bool     # Hard-style thinning of fast runs (else greedy by strength)
    min_gap_beats: float       # chords closer than this many quarter notes are thinned
    min_gap_s: float           # ... or closer than this many seconds
    max_pads_with_kick: int    # pads allowed in a chord that keeps its kick
    max_pads: int              # pads allowed without a kick
    max_gems: int              # gems (pads + kick) allowed in a chord
    kick_gap_beats: float | None  # kicks closer than this (quarter notes) are limited


RULES: dict[Difficulty, ReductionRule] = {
    Difficulty.HARD: ReductionRule(False, True, 0.25, 0.100, 2, 2, 3, None),
    Difficulty.MEDIUM: ReductionRule(True, False, 0.5, 0.180, 1, 2, 2, 1.0),
    Difficulty.EASY: ReductionRule(True, False, 0.5, 0.300, 0, 1, 1, 1.0),
}

_PAD_RANK = {  # lower = more important
    (Lane.RED, False): 0,
    (Lane.GREEN, True): 1, (Lane.BLUE, True): 2, (Lane.YELLOW, True): 3,
    (Lane.YELLOW, False): 4, (Lane.BLUE, False): 5, (Lane.GREEN, False): 6,
}
_EASY_RANK = {  # the one Easy gem
    (Lane.RED, False): 0, (Lane.GREEN, True): 1, (Lane.KICK, False): 2, (Lane.BLUE, True): 3,
    (Lane.YELLOW, True): 4, (Lane.YELLOW, False): 5, (Lane.BLUE, False): 6, (Lane.GREEN, False): 7,
}

Chord = tuple[int, list[Note]]


def pad_rank(note: Note) -> int:
    """Importance of a pad note when a chord must lose pads (0 = kept first)."""
    return _PAD_RANK[(note.lane, note.cymbal)]


def reduce_chord(notes: Sequence[Note], max_pads: int = 2, max_pads_with_kick: int = 2,
                 max_gems: int = 3) -> list[Note]:
    """The notes of one chord that a difficulty keeps (sorted by lane)."""
    kicks = [n for n in notes if n.lane is Lane.KICK]
    pads = sorted((n for n in notes if n.lane.is_pad), key=pad_rank)
    if max_gems == 1:
        pool = kicks + pads
        return [min(pool, key=lambda n: _EASY_RANK[(n.lane, n.cymbal)])] if pool else []
    if kicks and max_pads_with_kick >= 1:
        kept = kicks[:1] + pads[:max_pads_with_kick]
    elif kicks and not pads:
        kept = kicks[:1]
    else:
        kept = pads[:max_pads]
    return sorted(kept[:max_gems])


def position_strength(tempo_map: TempoMap, tick: int) -> int:
    """4 bar downbeat, 3 beat, 2 8th, 1 16th or triplet 8th, 0 anything finer."""
    res = tempo_map.resolution
    sig = tempo_map.time_signature_at(tick)
    off = (tick - sig.tick) % sig.measure_ticks(res)
    if off == 0:
        return 4
    if off % sig.beat_ticks(res) == 0:
        return 3
    if off * 2 % res == 0:
        return 2
    if off * 4 % res == 0 or off * 3 % res == 0:
        return 1
    return 0


def _on_eighth_grid(tempo_map: TempoMap, tick: int) -> bool:
    sig = tempo_map.time_signature_at(tick)
    return (tick - sig.tick) * 2 % tempo_map.resolution == 0


def _is_backbeat(tempo_map: TempoMap, tick: int) -> bool:
    sig = tempo_map.time_signature_at(tick)
    beat = sig.beat_ticks(tempo_map.resolution)
    off = (tick - sig.tick) % sig.measure_ticks(tempo_map.resolution)
    return off % beat == 0 and (off // beat) % 2 == 1


def chord_priority(tempo_map: TempoMap, tick: int, notes: Sequence[Note]) -> int:
    """Strength of a chord for thinning: its bar position first, then what it holds."""
    score = 10 * position_strength(tempo_map, tick)
    lanes = {(n.lane, n.cymbal) for n in notes}
    if (Lane.RED, False) in lanes:
        score += 5 if _is_backbeat(tempo_map, tick) else 2
    if (Lane.GREEN, True) in lanes:
        score += 3
    if (Lane.KICK, False) in lanes:
        score += 1
    return score


class _Gap:
    """Decides whether two ticks are closer than a rule's minimum gap."""

    def __init__(self, tempo_map: TempoMap, beats: float, seconds: float) -> None:
        self.tm, self.ticks, self.seconds = tempo_map, beats * tempo_map.resolution, seconds

    def too_close(self, a: int, b: int) -> bool:
        return (abs(b - a) < self.ticks
                or abs(self.tm.tick_to_s(b) - self.tm.tick_to_s(a)) < self.seconds - 1e-9)


def _thin_every_other(chords: list[Chord], gap: _Gap, tm: TempoMap, forced: set[int]) -> list[Chord]:
    """Hard: in each run of too-close chords keep every other one, the stronger alternation."""
    while True:
        out: list[Chord] = []
        changed = False
        i = 0
        while i < len(chords):
            j = i
            while j + 1 < len(chords) and gap.too_close(chords[j][0], chords[j + 1][0]):
                j += 1
            run = chords[i:j + 1]
            if len(run) > 1:
                def score(p: int) -> int:
                    return sum(position_strength(tm, t) + (1000 if t in forced else 0)
                               for t, _ in run[p::2])
                parity = 0 if score(0) >= score(1) else 1
                run = run[parity::2]
                changed = True
            out.extend(run)
            i = j + 1
        chords = out
        if not changed:
            return chords


def _thin_greedy(chords: list[Chord], gap: _Gap, tm: TempoMap, forced: set[int]) -> list[Chord]:
    """Medium/Easy: keep the strongest chords first, none closer than the gap to a kept one."""
    order = sorted(chords, key=lambda c: (c[0] not in forced, -chord_priority(tm, *c), c[0]))
    kept: list[int] = []
    by_tick = dict(chords)
    for tick, _ in order:
        i = bisect.bisect_left(kept, tick)
        if (i > 0 and gap.too_close(kept[i - 1], tick)) or (i < len(kept) and gap.too_close(tick, kept[i])):
            continue
        kept.insert(i, tick)
    return [(t, by_tick[t]) for t in kept]


def _limit_kicks(chords: list[Chord], gap: _Gap, tm: TempoMap, forced: set[int]) -> list[Chord]:
    with_kick = [c for c in chords if any(n.lane is Lane.KICK for n in c[1])]
    keep_kick = {t for t, _ in _thin_greedy(with_kick, gap, tm, forced)}
    out: list[Chord] = []
    for tick, notes in chords:
        if tick not in keep_kick:
            notes = [n for n in notes if n.lane is not Lane.KICK]
        if notes:
            out.append((tick, notes))
    return out


def _guarded_ticks(chart: Chart, difficulty: Difficulty, expert: list[Chord]) -> set[int]:
    """Ticks of chords that must survive: fill ends, and one chord per non-empty phrase."""
    tm = chart.tempo_map
    ticks = {t for t, _ in expert}
    forced: set[int] = set()
    for p in chart.drums.phrases:
        if p.kind is PhraseKind.FILL:
            if p.end_tick in ticks:
                forced.add(p.end_tick)
        elif p.reaches(difficulty):
            inside = [c for c in expert if p.contains(c[0])]
            if inside:
                forced.add(max(inside, key=lambda c: (chord_priority(tm, *c), -c[0]))[0])
    return forced


def _prepare(notes: Sequence[Note]) -> list[Note]:
    """Step 1: no 2x kicks, no ghosts, no flams."""
    return [n.with_(flam=False) if n.flam else n for n in notes
            if not n.double_kick and n.dynamic is not Dynamic.GHOST]


def reduce_difficulty(chart: Chart, difficulty: Difficulty) -> NoteList:
    """The notes `difficulty` gets from the chart's Expert notes (Expert itself: only 3-pad chords cut)."""
    tm = chart.tempo_map
    expert: list[Chord] = list(chart.drums.expert.chords())
    if difficulty is Difficulty.EXPERT:
        return NoteList(n for _, ns in expert for n in reduce_chord(ns))
    rule = RULES[difficulty]
    chords = [(t, ns) for t, ns in ((t, _prepare(ns)) for t, ns in expert) if ns]
    usable = [c for c in chords if not rule.eighth_grid or _on_eighth_grid(tm, c[0])]
    prepared = {t for t, _ in chords}
    forced = {t for t in _guarded_ticks(chart, difficulty, chords) if t in prepared}
    usable_ticks = {t for t, _ in usable}
    usable += [c for c in chords if c[0] in forced and c[0] not in usable_ticks]
    usable.sort(key=lambda c: c[0])
    gap = _Gap(tm, rule.min_gap_beats, rule.min_gap_s)
    if rule.every_other_runs:
        kept = _thin_every_other(usable, gap, tm, forced)
        kept = _restore_forced(kept, chords, forced, gap)
    else:
        kept = _thin_greedy(usable, gap, tm, forced)
    if rule.kick_gap_beats is not None:
        kept = _limit_kicks(kept, _Gap(tm, rule.kick_gap_beats, 0.0), tm, forced)
    out = NoteList()
    for _, notes in kept:
        for n in reduce_chord(notes, rule.max_pads, rule.max_pads_with_kick, rule.max_gems):
            out.put(n)
    return out


def _restore_forced(kept: list[Chord], chords: list[Chord], forced: set[int], gap: _Gap) -> list[Chord]:
    """Put back guarded chords that thinning lost, dropping unguarded neighbours too close to them."""
    have = {t for t, _ in kept}
    missing = [c for c in chords if c[0] in forced and c[0] not in have]
    if not missing:
        return kept
    out = [c for c in kept if c[0] in forced or not any(gap.too_close(c[0], m[0]) for m in missing)]
    return sorted(out + missing, key=lambda c: c[0])


def fill_missing_difficulties(chart: Chart) -> Batch:
    """One undoable edit that regenerates every difficulty below Expert not in `chart.drums.authored`."""
    edits: list[Edit] = []
    for d in (Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY):
        if d in chart.drums.authored:
            continue
        old = tuple(chart.drums.notes[d])
        new = tuple(reduce_difficulty(chart, d))
        if old != new:
            edits.append(ReplaceNotes(d, old, new, f"generate {d.title}"))
    return Batch(edits, "generate lower difficulties")
