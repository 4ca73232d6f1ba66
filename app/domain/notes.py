"""Drum notes and the sorted per-difficulty note list; a note's identity is (tick, lane)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from app.domain.lanes import Dynamic, Lane


_CYMBAL_LANES = frozenset((Lane.YELLOW, Lane.BLUE, Lane.GREEN))


@dataclass(frozen=True, slots=True)
class Note:
    """One drum gem at `tick` on `lane`.

    cymbal: Y/B/G only (False = tom); double_kick: kick only (Expert+ 2x pedal);
    dynamic: pads only; flam: pads only (a flam marker covers the whole chord in .mid).
    """

    tick: int
    lane: Lane
    cymbal: bool = False
    double_kick: bool = False
    dynamic: Dynamic = Dynamic.NORMAL
    flam: bool = False

    def __post_init__(self) -> None:
        lane = self.lane
        if type(lane) is not Lane:
            lane = Lane(lane)
            object.__setattr__(self, "lane", lane)
        if self.tick < 0:
            raise ValueError(f"note tick must be >= 0, got {self.tick}")
        if self.cymbal and lane not in _CYMBAL_LANES:
            raise ValueError(f"{lane.name} cannot be a cymbal")
        if lane is Lane.KICK:
            if self.dynamic is not Dynamic.NORMAL or self.flam:
                raise ValueError("kicks carry no accent, ghost or flam")
        elif self.double_kick:
            raise ValueError("only kicks can be 2x kicks")

    @property
    def key(self) -> tuple[int, int]:
        return (self.tick, int(self.lane))

    def __lt__(self, other: "Note") -> bool:  # notes sort by time, then lane
        return self.key < other.key

    def with_(self, **changes) -> "Note":
        """A copy with fields changed; flags that the (new) lane cannot hold are dropped."""
        lane = Lane(changes.get("lane", self.lane))
        if not lane.can_be_cymbal:
            changes["cymbal"] = False
        if lane is not Lane.KICK:
            changes["double_kick"] = False
        else:
            changes["dynamic"] = Dynamic.NORMAL
            changes["flam"] = False
        changes["lane"] = lane
        return replace(self, **changes)


class NoteList:
    """Notes of one difficulty kept sorted by (tick, lane); at most one note per key."""

    def __init__(self, notes: Iterable[Note] = ()) -> None:
        self._keys: list[tuple[int, int]] = []
        self._notes: list[Note] = []
        for n in sorted(notes, key=lambda n: n.key):
            self.put(n)

    def __len__(self) -> int:
        return len(self._notes)

    def __iter__(self) -> Iterator[Note]:
        return iter(self._notes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoteList) and self._notes == other._notes

    def __repr__(self) -> str:
        return f"NoteList({len(self)} notes)"

    def copy(self) -> "NoteList":
        out = NoteList()
        out._keys = list(self._keys)
        out._notes = list(self._notes)
        return out

    def get(self, tick: int, lane: Lane) -> Note | None:
        i = bisect.bisect_left(self._keys, (tick, int(lane)))
        if i < len(self._keys) and self._keys[i] == (tick, int(lane)):
            return self._notes[i]
        return None

    def put(self, note: Note) -> Note | None:
        """Insert `note`, replacing and returning any note with the same key."""
        i = bisect.bisect_left(self._keys, note.key)
        if i < len(self._keys) and self._keys[i] == note.key:
            old = self._notes[i]
            self._notes[i] = note
            return old
        self._keys.insert(i, note.key)
        self._notes.insert(i, note)
        return None

    def remove(self, note: Note) -> None:
        """Remove exactly `note` (KeyError if it is not there as given)."""
        i = bisect.bisect_left(self._keys, note.key)
        if i >= len(self._keys) or self._notes[i] != note:
            raise KeyError(f"no such note: {note}")
        del self._keys[i]
        del self._notes[i]

    def in_range(self, start_tick: int, end_tick: int) -> list[Note]:
        """Notes with start_tick <= tick < end_tick."""
        lo = bisect.bisect_left(self._keys, (start_tick, -1))
        hi = bisect.bisect_left(self._keys, (end_tick, -1))
        return self._notes[lo:hi]

    def at(self, tick: int) -> list[Note]:
        return self.in_range(tick, tick + 1)

    def ticks(self) -> list[int]:
        """Distinct ticks that hold notes, ascending."""
        out: list[int] = []
        for t, _ in self._keys:
            if not out or out[-1] != t:
                out.append(t)
        return out

    def chords(self) -> Iterator[tuple[int, list[Note]]]:
        """(tick, notes at that tick) in tick order."""
        i, n = 0, len(self._notes)
        while i < n:
            j = i
            t = self._keys[i][0]
            while j < n and self._keys[j][0] == t:
                j += 1
            yield t, self._notes[i:j]
            i = j

    @property
    def last_tick(self) -> int | None:
        return self._keys[-1][0] if self._keys else None

    @property
    def first_tick(self) -> int | None:
        return self._keys[0][0] if self._keys else None
