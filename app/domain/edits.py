"""Reversible chart edits over value snapshots: apply/revert, batches, and helpers that build them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note
from app.domain.phrases import Phrase, Section, TextEvent
from app.domain.song import Chart, SongMetadata
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature

TickRange = tuple[int, int]


class Edit:
    """A reversible change: `apply` then `revert` leaves the chart as it was."""

    text: str = "edit"

    def apply(self, chart: Chart) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def revert(self, chart: Chart) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def tick_range(self) -> TickRange | None:
        """Ticks the edit touched (for undo/redo to scroll there); None when not tied to a place."""
        return None


def _span(ticks: Iterable[int]) -> TickRange | None:
    ticks = list(ticks)
    return (min(ticks), max(ticks)) if ticks else None


@dataclass
class ReplaceNotes(Edit):
    """Remove `old` then add `new` in one difficulty (add, delete, move, lane and flag changes)."""

    difficulty: Difficulty
    old: tuple[Note, ...]
    new: tuple[Note, ...]
    text: str = "edit notes"

    def apply(self, chart: Chart) -> None:
        notes = chart.drums.notes[self.difficulty]
        for n in self.old:
            notes.remove(n)
        for n in self.new:
            if notes.put(n) is not None:
                raise ValueError(f"edit would overwrite {n.key}; build it with the helpers")

    def revert(self, chart: Chart) -> None:
        notes = chart.drums.notes[self.difficulty]
        for n in self.new:
            notes.remove(n)
        for n in self.old:
            notes.put(n)

    def tick_range(self) -> TickRange | None:
        return _span([n.tick for n in self.old + self.new])


@dataclass
class SetTempoMap(Edit):
    old: TempoMap
    new: TempoMap
    text: str = "edit tempo map"

    def apply(self, chart: Chart) -> None:
        chart.tempo_map = self.new

    def revert(self, chart: Chart) -> None:
        chart.tempo_map = self.old

    def tick_range(self) -> TickRange | None:
        changed = set(self.old.tempos) ^ set(self.new.tempos)
        changed |= set(self.old.time_signatures) ^ set(self.new.time_signatures)
        return _span(x.tick for x in changed)


@dataclass
class _ReplaceList(Edit):
    """Replace the items `old` by `new` in a sorted list attribute of the chart."""

    old: tuple
    new: tuple
    text: str = "edit"

    def _items(self, chart: Chart) -> list:  # pragma: no cover - interface
        raise NotImplementedError

    def apply(self, chart: Chart) -> None:
        items = self._items(chart)
        for x in self.old:
            items.remove(x)
        items.extend(self.new)
        items.sort()

    def revert(self, chart: Chart) -> None:
        items = self._items(chart)
        for x in self.new:
            items.remove(x)
        items.extend(self.old)
        items.sort()

    def tick_range(self) -> TickRange | None:
        return _span([x.tick for x in self.old + self.new])


@dataclass
class ReplacePhrases(_ReplaceList):
    text: str = "edit phrases"

    def _items(self, chart: Chart) -> list:
        return chart.drums.phrases


@dataclass
class ReplaceSections(_ReplaceList):
    text: str = "edit sections"

    def _items(self, chart: Chart) -> list:
        return chart.sections


@dataclass
class ReplaceEvents(_ReplaceList):
    text: str = "edit events"

    def _items(self, chart: Chart) -> list:
        return chart.events


@dataclass
class SetMetadata(Edit):
    old: SongMetadata
    new: SongMetadata
    text: str = "edit song properties"

    def apply(self, chart: Chart) -> None:
        chart.metadata = self.new.copy()

    def revert(self, chart: Chart) -> None:
        chart.metadata = self.old.copy()


@dataclass
class SetEndTick(Edit):
    old: int | None
    new: int | None
    text: str = "move [end]"

    def apply(self, chart: Chart) -> None:
        chart.end_tick = self.new

    def revert(self, chart: Chart) -> None:
        chart.end_tick = self.old


@dataclass
class SetAuthored(Edit):
    """Mark which difficulties were written by the charter (not regenerated from Expert)."""

    old: frozenset
    new: frozenset
    text: str = "mark difficulties"

    def apply(self, chart: Chart) -> None:
        chart.drums.authored = set(self.new)

    def revert(self, chart: Chart) -> None:
        chart.drums.authored = set(self.old)


@dataclass
class Batch(Edit):
    """Several edits as one step; reverted in reverse order."""

    edits: list[Edit] = field(default_factory=list)
    text: str = "edit"

    def apply(self, chart: Chart) -> None:
        done: list[Edit] = []
        try:
            for e in self.edits:
                e.apply(chart)
                done.append(e)
        except Exception:
            for e in reversed(done):
                e.revert(chart)
            raise

    def revert(self, chart: Chart) -> None:
        for e in reversed(self.edits):
            e.revert(chart)

    def tick_range(self) -> TickRange | None:
        spans = [r for r in (e.tick_range() for e in self.edits) if r is not None]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


# ---- helpers that snapshot the chart and build edits -----------------------------------------

def add_notes(chart: Chart, difficulty: Difficulty, notes: Sequence[Note], text: str = "add notes") -> ReplaceNotes:
    """Add notes, replacing whatever sits at the same (tick, lane)."""
    nl = chart.drums.notes[difficulty]
    new = _unique(notes)
    old = tuple(o for o in (nl.get(n.tick, n.lane) for n in new) if o is not None)
    return ReplaceNotes(difficulty, old, new, text)


def remove_notes(chart: Chart, difficulty: Difficulty, notes: Sequence[Note], text: str = "delete notes") -> ReplaceNotes:
    nl = chart.drums.notes[difficulty]
    old = tuple(o for o in (nl.get(n.tick, n.lane) for n in _unique(notes)) if o is not None)
    return ReplaceNotes(difficulty, old, (), text)


def change_notes(chart: Chart, difficulty: Difficulty, old: Sequence[Note], new: Sequence[Note],
                 text: str = "change notes") -> ReplaceNotes:
    """Replace `old` by `new` (same length or not); notes at the destination that are not
    themselves being changed are overwritten."""
    nl = chart.drums.notes[difficulty]
    old_t = tuple(o for o in (nl.get(n.tick, n.lane) for n in _unique(old)) if o is not None)
    new_t = _unique(new)
    old_keys = {n.key for n in old_t}
    covered = tuple(o for o in (nl.get(n.tick, n.lane) for n in new_t)
                    if o is not None and o.key not in old_keys)
    return ReplaceNotes(difficulty, old_t + covered, new_t, text)


def move_notes(chart: Chart, difficulty: Difficulty, notes: Sequence[Note], delta_ticks: int = 0,
               delta_lanes: int = 0, text: str = "move notes") -> ReplaceNotes:
    """Shift notes in time and across lanes; notes pushed off the lanes or before tick 0 are dropped."""
    moved = []
    for n in notes:
        lane = int(n.lane) + delta_lanes
        tick = n.tick + delta_ticks
        if 0 <= lane <= int(Lane.GREEN) and tick >= 0:
            moved.append(n.with_(tick=tick, lane=Lane(lane)))
    return change_notes(chart, difficulty, notes, moved, text)


def set_tempo_map(chart: Chart, new_map: TempoMap, keep_audio_times: bool = False,
                  text: str = "edit tempo map") -> Edit:
    """Replace the tempo map. With keep_audio_times every note, phrase, section and event keeps its
    time in seconds (its tick moves), as charters expect while they fix a map under placed notes."""
    new_map = new_map.resolve_anchors()
    set_map = SetTempoMap(chart.tempo_map, new_map, text)
    if not keep_audio_times:
        return set_map
    old_map = chart.tempo_map

    def retick(tick: int) -> int:
        return max(0, int(round(new_map.s_to_tick(old_map.tick_to_s(tick)))))

    edits: list[Edit] = [set_map]
    for d, nl in chart.drums.notes.items():
        old = tuple(nl)
        new = _unique(n.with_(tick=retick(n.tick)) for n in old)
        if old != new:
            edits.append(ReplaceNotes(d, old, new))
    phrases = tuple(chart.drums.phrases)
    new_ph = tuple(Phrase(retick(p.tick), max(0, retick(p.end_tick) - retick(p.tick)), p.kind, p.min_difficulty)
                   for p in phrases)
    if phrases != new_ph:
        edits.append(ReplacePhrases(phrases, new_ph))
    secs = tuple(chart.sections)
    new_secs = tuple(Section(retick(s.tick), s.name) for s in secs)
    if secs != new_secs:
        edits.append(ReplaceSections(secs, new_secs))
    evs = tuple(chart.events)
    new_evs = tuple(TextEvent(retick(e.tick), e.text) for e in evs)
    if evs != new_evs:
        edits.append(ReplaceEvents(evs, new_evs))
    if chart.end_tick is not None:
        edits.append(SetEndTick(chart.end_tick, retick(chart.end_tick)))
    return Batch(edits, text)


def add_tempo(chart: Chart, tick: int, bpm: float, keep_audio_times: bool = False,
              anchor_s: float | None = None) -> Edit:
    tempos = [t for t in chart.tempo_map.tempos if t.tick != tick] + [TempoChange(tick, bpm, anchor_s)]
    return set_tempo_map(chart, chart.tempo_map.replace(tempos=tempos), keep_audio_times,
                         f"set tempo {bpm:g} BPM")


def remove_tempo(chart: Chart, tick: int, keep_audio_times: bool = False) -> Edit:
    if tick == 0:
        raise ValueError("the tempo at tick 0 cannot be removed")
    tempos = [t for t in chart.tempo_map.tempos if t.tick != tick]
    return set_tempo_map(chart, chart.tempo_map.replace(tempos=tempos), keep_audio_times, "delete tempo")


def anchor_beat(chart: Chart, tick: int, time_s: float) -> Edit:
    """Drag the beat at `tick` to chart time `time_s`: pins a tempo marker there (adding one if
    needed) and re-times the segment before it; notes keep their audio times."""
    tm = chart.tempo_map
    existing = tm.tempo_at(tick)
    bpm = existing.bpm
    tempos = [t for t in tm.tempos if t.tick != tick] + [TempoChange(tick, bpm, time_s)]
    return set_tempo_map(chart, tm.replace(tempos=tempos), keep_audio_times=True, text="anchor beat")


def set_time_signature(chart: Chart, tick: int, numerator: int, denominator: int = 4) -> Edit:
    sigs = [s for s in chart.tempo_map.time_signatures if s.tick != tick] + [TimeSignature(tick, numerator, denominator)]
    return SetTempoMap(chart.tempo_map, chart.tempo_map.replace(time_signatures=sigs),
                       f"set time signature {numerator}/{denominator}")


def remove_time_signature(chart: Chart, tick: int) -> Edit:
    if tick == 0:
        raise ValueError("the time signature at tick 0 cannot be removed")
    sigs = [s for s in chart.tempo_map.time_signatures if s.tick != tick]
    return SetTempoMap(chart.tempo_map, chart.tempo_map.replace(time_signatures=sigs), "delete time signature")


def add_phrase(phrase: Phrase) -> ReplacePhrases:
    return ReplacePhrases((), (phrase,), f"add {phrase.kind.value.replace('_', ' ')}")


def remove_phrase(phrase: Phrase) -> ReplacePhrases:
    return ReplacePhrases((phrase,), (), f"delete {phrase.kind.value.replace('_', ' ')}")


def change_phrase(old: Phrase, new: Phrase) -> ReplacePhrases:
    return ReplacePhrases((old,), (new,), f"change {old.kind.value.replace('_', ' ')}")


def add_section(chart: Chart, tick: int, name: str) -> ReplaceSections:
    old = tuple(s for s in chart.sections if s.tick == tick)
    return ReplaceSections(old, (Section(tick, name),), f"section {name}")


def remove_section(section: Section) -> ReplaceSections:
    return ReplaceSections((section,), (), f"delete section {section.name}")


def set_metadata(chart: Chart, new: SongMetadata) -> SetMetadata:
    return SetMetadata(chart.metadata.copy(), new.copy())


def _unique(notes: Iterable[Note]) -> tuple[Note, ...]:
    """Notes with one per (tick, lane), later ones winning, sorted."""
    by_key: dict[tuple[int, int], Note] = {}
    for n in notes:
        by_key[n.key] = n
    return tuple(sorted(by_key.values()))
