"""The one table from fine drum classes to Clone Hero pro-drums lanes, and hits -> chart notes.

| fine class   | lane   | kind   | charted by default                                     |
|--------------|--------|--------|--------------------------------------------------------|
| kick         | KICK   | -      | yes (2x kick when a run is faster than one foot, below) |
| snare_head   | RED    | pad    | yes                                                    |
| snare_rim    | RED    | pad    | no: cross-stick; MDB Drums files it under "other" (option chart_snare_rim) |
| hihat_closed | YELLOW | cymbal | yes                                                    |
| hihat_open   | YELLOW | cymbal | yes                                                    |
| hihat_pedal  | YELLOW | cymbal | yes (option chart_hihat_pedal): the hi-hat as the song has it; see below |
| ride_body    | BLUE   | cymbal | yes                                                    |
| ride_bell    | BLUE   | cymbal | yes                                                    |
| crash        | GREEN  | cymbal | yes (crash, splash, china)                             |
| tom_high     | YELLOW | tom    | yes                                                    |
| tom_mid      | BLUE   | tom    | yes                                                    |
| tom_floor    | GREEN  | tom    | yes                                                    |

The pedal hi-hat is charted on yellow by default: the evaluation conventions of MDB Drums, ENST and
ADTOF count pedal chicks as hi-hat, and a model that hears a tight closed hat as a "pedal" (it
happens on real recordings: MDB's Country1) would otherwise drop the song's whole hi-hat part. A
charter who wants foot chicks left out turns chart_hihat_pedal off. Cross-stick stays off: MDB files
it under "other".

Rules applied by `hits_to_notes`, in order (all thresholds in MappingOptions):
1. Flams: two hits of one snare/tom class less than flam_max_gap_ms (35 ms) apart become one
   note with flam=True at the stronger hit's time (pairs are taken left to right).
2. 2x kick: kicks closer than double_kick_max_gap_ms (110 ms: ~16ths at 136 BPM, about the
   fastest a single foot keeps up) form a run; the 2nd, 4th, ... kick of a run is a 2x kick.
3. Dynamics (dynamics=True; pads only, kicks never): velocity / median velocity of that class in
   the song >= accent_ratio -> accent, <= ghost_ratio -> ghost (needs dynamics_min_hits hits).
4. Seconds -> ticks with the tempo map, rounded to the nearest tick (at 480 ticks/beat that moves a
   note by less than 2 ms above 16 BPM) or snapped to snap_divisions per beat (4 = 16ths, 3 = 8th
   triplets, 8, 6, 16, 12 ...).
5. Two notes on one (tick, lane): the stronger stays; a tom must beat a cymbal of its colour by
   tom_margin (a cymbal and a tom of one colour cannot share a tick in Clone Hero).
Hit times are chart seconds: apply any song delay before calling.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import NamedTuple, Sequence

from app.domain.lanes import Dynamic, Lane
from app.domain.notes import Note
from app.domain.tempo_map import TempoMap
from app.transcription.activations import DrumHit


class LaneSpec(NamedTuple):
    lane: Lane
    cymbal: bool
    charted: bool


FINE_TO_LANE: dict[str, LaneSpec] = {
    "kick": LaneSpec(Lane.KICK, False, True),
    "snare_head": LaneSpec(Lane.RED, False, True),
    "snare_rim": LaneSpec(Lane.RED, False, False),
    "hihat_closed": LaneSpec(Lane.YELLOW, True, True),
    "hihat_open": LaneSpec(Lane.YELLOW, True, True),
    "hihat_pedal": LaneSpec(Lane.YELLOW, True, True),
    "ride_body": LaneSpec(Lane.BLUE, True, True),
    "ride_bell": LaneSpec(Lane.BLUE, True, True),
    "crash": LaneSpec(Lane.GREEN, True, True),
    "tom_high": LaneSpec(Lane.YELLOW, False, True),
    "tom_mid": LaneSpec(Lane.BLUE, False, True),
    "tom_floor": LaneSpec(Lane.GREEN, False, True),
}

FLAM_CLASSES = frozenset({"snare_head", "snare_rim", "tom_high", "tom_mid", "tom_floor"})
NOT_ARBITRATED = frozenset({"hihat_pedal"})
"""Played with a foot: may sound together with a tom of its colour."""


def arbitration_pairs() -> list[tuple[tuple[str, ...], str]]:
    """[(cymbal classes of a colour, the tom of that colour)] from the table (hand-played only)."""
    out = []
    for lane in (Lane.YELLOW, Lane.BLUE, Lane.GREEN):
        cym = tuple(n for n, s in FINE_TO_LANE.items() if s.lane is lane and s.cymbal and n not in NOT_ARBITRATED)
        toms = [n for n, s in FINE_TO_LANE.items() if s.lane is lane and not s.cymbal]
        out += [(cym, t) for t in toms]
    return out


@dataclass(frozen=True)
class MappingOptions:
    chart_snare_rim: bool = False
    chart_hihat_pedal: bool = True
    flams: bool = True
    flam_max_gap_ms: float = 35.0
    double_kick: bool = True
    double_kick_max_gap_ms: float = 110.0
    dynamics: bool = False
    accent_ratio: float = 1.35
    ghost_ratio: float = 0.6
    dynamics_min_hits: int = 8
    snap_divisions: int | None = None
    tom_margin: float = 0.0


def is_charted(drum: str, options: MappingOptions) -> bool:
    spec = FINE_TO_LANE.get(drum)
    if spec is None:
        return False
    if drum == "hihat_pedal":
        return options.chart_hihat_pedal
    return spec.charted or (drum == "snare_rim" and options.chart_snare_rim)


@dataclass
class _Item:
    hit: DrumHit
    flam: bool = False
    double_kick: bool = False


def _merge_flams(items: list[_Item], gap_s: float) -> list[_Item]:
    out: list[_Item] = []
    last_by_class: dict[str, _Item] = {}
    for it in items:
        prev = last_by_class.get(it.hit.drum)
        if (it.hit.drum in FLAM_CLASSES and prev is not None and not prev.flam
                and it.hit.time_s - prev.hit.time_s < gap_s):
            strong = it.hit if it.hit.confidence > prev.hit.confidence else prev.hit
            prev.hit = DrumHit(strong.time_s, strong.drum, max(it.hit.confidence, prev.hit.confidence),
                               max(it.hit.velocity, prev.hit.velocity))
            prev.flam = True
            continue
        out.append(it)
        last_by_class[it.hit.drum] = it
    return out


def _mark_double_kicks(items: list[_Item], gap_s: float) -> None:
    run_pos, last_t = 0, None
    for it in items:
        if it.hit.drum != "kick":
            continue
        run_pos = run_pos + 1 if last_t is not None and it.hit.time_s - last_t < gap_s else 0
        it.double_kick = run_pos % 2 == 1
        last_t = it.hit.time_s


def _dynamic(hit: DrumHit, medians: dict[str, float], options: MappingOptions) -> Dynamic:
    med = medians.get(hit.drum)
    if not options.dynamics or hit.drum == "kick" or not med:
        return Dynamic.NORMAL
    ratio = hit.velocity / med
    if ratio >= options.accent_ratio:
        return Dynamic.ACCENT
    if ratio <= options.ghost_ratio:
        return Dynamic.GHOST
    return Dynamic.NORMAL


def hits_to_notes(hits: Sequence[DrumHit], tempo_map: TempoMap, options: MappingOptions = MappingOptions()) -> list[Note]:
    """Decoded hits (chart seconds) -> notes sorted by (tick, lane), at most one per (tick, lane)."""
    items = [_Item(h) for h in sorted(hits, key=lambda h: (h.time_s, h.drum)) if is_charted(h.drum, options)]
    medians: dict[str, float] = {}
    if options.dynamics:
        by_class: dict[str, list[float]] = {}
        for it in items:
            by_class.setdefault(it.hit.drum, []).append(it.hit.velocity)
        medians = {k: median(v) for k, v in by_class.items() if len(v) >= options.dynamics_min_hits}
    if options.flams:
        items = _merge_flams(items, options.flam_max_gap_ms / 1000.0)
    if options.double_kick:
        _mark_double_kicks(items, options.double_kick_max_gap_ms / 1000.0)

    best: dict[tuple[int, Lane], tuple[Note, float]] = {}
    for it in items:
        spec = FINE_TO_LANE[it.hit.drum]
        raw = tempo_map.s_to_tick(it.hit.time_s)
        tick = tempo_map.snap(raw, options.snap_divisions) if options.snap_divisions else int(round(raw))
        note = Note(max(tick, 0), spec.lane, cymbal=spec.cymbal, double_kick=it.double_kick,
                    dynamic=_dynamic(it.hit, medians, options), flam=it.flam and spec.lane.is_pad)
        key = (note.tick, note.lane)
        strength = it.hit.confidence
        old = best.get(key)
        if old is None:
            best[key] = (note, strength)
            continue
        old_note, old_strength = old
        if old_note.cymbal != note.cymbal:  # cymbal vs tom of one colour
            tom_new = not note.cymbal
            margin = options.tom_margin
            new_wins = strength > old_strength + margin if tom_new else strength + margin >= old_strength
        elif old_note.double_kick != note.double_kick:
            new_wins = not note.double_kick  # a plain kick outranks a 2x kick on one tick
        else:
            new_wins = strength > old_strength
        if new_wins:
            best[key] = (note, strength)
    return sorted(n for n, _ in best.values())
