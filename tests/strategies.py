"""Hypothesis strategies for whole valid charts, and a chart comparison that reports readable differences."""
from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import Chart, DrumPart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature

SAFE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'!?.,&()éü"
"""Characters every chart format keeps verbatim (no quotes, brackets, '=' or line breaks)."""
LOWER_DIFFICULTIES = (Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY)


def safe_texts(min_size: int = 0, max_size: int = 16) -> st.SearchStrategy[str]:
    """Text without leading/trailing spaces from SAFE_ALPHABET."""
    return (st.text(SAFE_ALPHABET, min_size=min_size, max_size=max_size).map(str.strip)
            .filter(lambda s: len(s) >= min_size))


def _event_words() -> st.SearchStrategy[str]:
    word = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12)
    return word.filter(lambda w: w not in ("end", "solo", "soloend", "coda")
                       and not w.startswith(("section", "prc", "mix", "enable_chart_dynamics")))


@st.composite
def tempo_maps(draw, resolution: int = 480, tempo_repr: str = "chart", anchors: bool = False) -> TempoMap:
    """Time signatures on bar lines and tempos that the format stores exactly.

    tempo_repr "chart": bpm = integer milli-BPM / 1000; "mid": bpm = 60e6 / integer microseconds per beat.
    anchors: pin some tempo markers at their own time, in whole microseconds (.chart `A` lines).
    """
    denominators = [d for d in (2, 4, 8, 16) if resolution * 4 % d == 0]
    sigs, tick = [], 0
    for _ in range(draw(st.integers(1, 4))):
        sigs.append(TimeSignature(tick, draw(st.integers(1, 12)), draw(st.sampled_from(denominators))))
        tick += draw(st.integers(1, 6)) * sigs[-1].measure_ticks(resolution)
    if tempo_repr == "chart":
        bpms = st.integers(20_000, 400_000).map(lambda milli: milli / 1000)
    elif tempo_repr == "mid":
        bpms = st.integers(150_000, 3_000_000).map(lambda micros: 60e6 / micros)
    else:
        raise ValueError(f"tempo_repr must be 'chart' or 'mid', not {tempo_repr!r}")
    ticks = [0] + sorted(draw(st.sets(st.integers(1, tick), max_size=6)))
    tempo_map = TempoMap([TempoChange(t, draw(bpms)) for t in ticks], sigs, resolution)
    if anchors:
        pinned = draw(st.sets(st.sampled_from(ticks), max_size=3))
        tempo_map = tempo_map.replace(tempos=[
            TempoChange(t.tick, t.bpm, round(tempo_map.tick_to_s(t.tick) * 1e6) / 1e6 if t.tick in pinned else None)
            for t in tempo_map.tempos])
    return tempo_map


@st.composite
def _expert_notes(draw, resolution: int, span_ticks: int, allow_flams: bool) -> NoteList:
    grid = st.integers(0, span_ticks // (resolution // 4)).map(lambda k: k * (resolution // 4))
    ticks = draw(st.sets(st.one_of(grid, st.integers(0, span_ticks)), min_size=1, max_size=40))
    notes = NoteList()
    for tick in ticks:
        flam = allow_flams and draw(st.booleans())
        kick = draw(st.sampled_from(["none", "plain", "double"]))
        pads = draw(st.lists(st.sampled_from([Lane.RED, Lane.YELLOW, Lane.BLUE, Lane.GREEN]),
                             unique=True, min_size=0 if kick != "none" else 1, max_size=2))
        if kick != "none":
            notes.put(Note(tick, Lane.KICK, double_kick=kick == "double"))
        for lane in pads:
            notes.put(Note(tick, lane, cymbal=lane.can_be_cymbal and draw(st.booleans()),
                           dynamic=draw(st.sampled_from(list(Dynamic))), flam=flam))
    return notes


@st.composite
def _spans(draw, note_ticks: list[int], kind: PhraseKind, max_count: int, resolution: int,
           charted: tuple[Difficulty, ...] = (Difficulty.EXPERT,)) -> list[Phrase]:
    """Disjoint spans of one kind, each holding at least one note tick; rolls reach a charted difficulty."""
    out, pos = [], 0
    for _ in range(draw(st.integers(0, max_count))):
        candidates = [t for t in note_ticks if t >= pos]
        if not candidates:
            break
        i = draw(st.integers(0, len(candidates) - 1))
        j = draw(st.integers(i, min(i + 5, len(candidates) - 1)))
        start = draw(st.integers(pos, candidates[i]))
        end = candidates[j] + draw(st.integers(1, resolution))
        min_d = draw(st.sampled_from(charted)) if kind.is_roll else Difficulty.EASY
        if kind.is_roll:
            kind = draw(st.sampled_from([PhraseKind.ROLL, PhraseKind.DOUBLE_ROLL]))
        out.append(Phrase(start, end - start, kind, min_d))
        pos = end
    return out


@st.composite
def _fills(draw, note_ticks: list[int], max_count: int, resolution: int) -> list[Phrase]:
    """Disjoint fills ending exactly on a note tick, the next one starting at or after the note that follows."""
    out, first = [], 0   # first: index of the earliest note a fill may start at
    for _ in range(draw(st.integers(0, max_count))):
        if first + 1 >= len(note_ticks):
            break
        end_i = draw(st.integers(first + 1, min(first + 8, len(note_ticks) - 1)))
        lo = note_ticks[first - 1] + 1 if first else 0
        start = draw(st.integers(max(lo, note_ticks[end_i] - 8 * resolution), note_ticks[end_i] - 1))
        out.append(Phrase(start, note_ticks[end_i] - start, PhraseKind.FILL))
        first = end_i + 2
    return out


def _mix_events() -> st.SearchStrategy[str]:
    return st.builds(lambda d, c, f: f"[mix {d} drums{c}{f}]", st.integers(0, 3), st.integers(0, 5),
                     st.sampled_from(["", "d", "dnoflip", "easy", "easynokick"]))


@st.composite
def charts(draw, allow_flams: bool = False, resolution: int = 480, tempo_repr: str = "chart",
           anchors: bool | None = None, metadata: bool = True) -> Chart:
    """A valid chart that both file formats can hold exactly (flams aside: .chart has none).

    Notes on all four difficulties (lower ones are reductions of Expert, so tom/cymbal and flam
    agree per tick as .mid's shared markers need), 2x kicks on Expert only, fills ending on an
    Expert note, star power / solo / roll phrases holding notes (a roll's min_difficulty is a
    difficulty with notes: .chart stores rolls per difficulty section), sections, events, mix
    events and an end after the last note. anchors defaults to True for tempo_repr="chart" (.mid has none);
    metadata=False leaves SongMetadata() (for formats that do not store it).
    """
    tempo_map = draw(tempo_maps(resolution, tempo_repr, tempo_repr == "chart" if anchors is None else anchors))
    span = max(resolution * 16, tempo_map.time_signatures[-1].tick + resolution * 8)
    expert = draw(_expert_notes(resolution, span, allow_flams))
    part = DrumPart(authored={Difficulty.EXPERT})
    part.notes[Difficulty.EXPERT] = expert
    for diff in LOWER_DIFFICULTIES:
        if draw(st.booleans()):
            keep = draw(st.lists(st.booleans(), min_size=len(expert), max_size=len(expert)))
            kept = [n.with_(double_kick=False) for n, k in zip(expert, keep) if k]
            if kept:
                part.notes[diff] = NoteList(kept)
                part.authored.add(diff)
    ticks = expert.ticks()
    part.phrases = sorted(draw(_fills(ticks, 3, resolution))
                          + draw(_spans(ticks, PhraseKind.STAR_POWER, 3, resolution))
                          + draw(_spans(ticks, PhraseKind.SOLO, 2, resolution))
                          + draw(_spans(ticks, PhraseKind.ROLL, 2, resolution, tuple(sorted(part.authored)))))
    local = draw(st.lists(st.builds(TextEvent, st.integers(0, span), st.one_of(
        _mix_events(), _event_words().map(lambda w: f"[{w}]"))), max_size=4, unique_by=lambda e: (e.tick, e.text)))
    part.local_events = sorted(local)
    sections = draw(st.lists(st.builds(Section, st.integers(0, span), safe_texts(1, 20)),
                             max_size=6, unique_by=lambda s: s.tick))
    events = draw(st.lists(st.builds(TextEvent, st.integers(0, span), _event_words().map(lambda w: f"[{w}]")),
                           max_size=4, unique_by=lambda e: (e.tick, e.text)))
    meta = draw(_metadata()) if metadata else SongMetadata()
    return Chart(metadata=meta, tempo_map=tempo_map, drums=part, sections=sorted(sections),
                 events=sorted(events), end_tick=expert.last_tick + draw(st.integers(1, 4 * resolution)))


@st.composite
def _metadata(draw) -> SongMetadata:
    return SongMetadata(
        name=draw(safe_texts()), artist=draw(safe_texts()), album=draw(safe_texts()), genre=draw(safe_texts()),
        year=draw(st.one_of(st.just(""), st.integers(1950, 2030).map(str))), charter=draw(safe_texts()),
        preview_start_ms=draw(st.integers(0, 300_000)),
        song_length_ms=draw(st.one_of(st.none(), st.integers(1, 3_600_000))),
        delay_ms=draw(st.integers(-5000, 5000)))


# ---- comparison ------------------------------------------------------------------------------

def _list_diff(what: str, expected: list, actual: list, limit: int = 8) -> list[str]:
    if expected == actual:
        return []
    missing = [x for x in expected if x not in actual]
    extra = [x for x in actual if x not in expected]
    out = [f"{what}: {len(expected)} expected, {len(actual)} read"]
    out += [f"  missing {x}" for x in missing[:limit]] + [f"  extra   {x}" for x in extra[:limit]]
    if not missing and not extra:
        out.append(f"  same items, different order or multiplicity: {expected[:limit]} vs {actual[:limit]}")
    return out


def chart_differences(expected: Chart, actual: Chart, metadata: bool = True) -> list[str]:
    """Readable differences between two charts (empty when they are equal)."""
    out: list[str] = []
    if expected.resolution != actual.resolution:
        out.append(f"resolution: {expected.resolution} expected, {actual.resolution} read")
    tempo = lambda tm: [(t.tick, t.bpm, t.anchor_s) for t in tm.tempos]  # noqa: E731
    out += _list_diff("tempos (tick, bpm, anchor_s)", tempo(expected.tempo_map), tempo(actual.tempo_map))
    out += _list_diff("time signatures", list(expected.tempo_map.time_signatures),
                      list(actual.tempo_map.time_signatures))
    for diff in Difficulty:
        out += _list_diff(f"{diff.title} notes", list(expected.drums.notes[diff]), list(actual.drums.notes[diff]))
    if expected.drums.authored != actual.drums.authored:
        out.append(f"authored: {sorted(expected.drums.authored)} expected, {sorted(actual.drums.authored)} read")
    out += _list_diff("phrases", expected.drums.phrases, actual.drums.phrases)
    out += _list_diff("local events", expected.drums.local_events, actual.drums.local_events)
    out += _list_diff("sections", expected.sections, actual.sections)
    out += _list_diff("events", expected.events, actual.events)
    if expected.end_tick != actual.end_tick:
        out.append(f"end_tick: {expected.end_tick} expected, {actual.end_tick} read")
    if metadata:
        for f in dataclasses.fields(SongMetadata):
            a, b = getattr(expected.metadata, f.name), getattr(actual.metadata, f.name)
            if a != b:
                out.append(f"metadata.{f.name}: {a!r} expected, {b!r} read")
    return out


def assert_same_chart(expected: Chart, actual: Chart, metadata: bool = True) -> None:
    """Assert equal charts; the failure message lists every difference."""
    problems = chart_differences(expected, actual, metadata)
    assert not problems, "charts differ:\n" + "\n".join(problems)
