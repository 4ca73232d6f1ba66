"""Spans over a drum part (star power, fills, solos, rolls), sections and text events."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.domain.lanes import Difficulty


class PhraseKind(Enum):
    STAR_POWER = "star_power"
    FILL = "fill"              # drum fill / star-power activation; the activation chord is at end_tick
    SOLO = "solo"
    ROLL = "roll"              # single-lane roll (.mid 126, .chart S 65)
    DOUBLE_ROLL = "double_roll"  # two-lane roll / cymbal swell (.mid 127, .chart S 66)

    @property
    def is_roll(self) -> bool:
        return self in (PhraseKind.ROLL, PhraseKind.DOUBLE_ROLL)


@dataclass(frozen=True)
class Phrase:
    """A span from `tick` for `length` ticks.

    Fills include their end tick (the activation chord sits on it); other spans cover
    [tick, tick + length), and a zero-length span covers its start tick.
    min_difficulty: for rolls, the easiest difficulty the lane reaches (others: EASY = all).
    """

    tick: int
    length: int
    kind: PhraseKind
    min_difficulty: Difficulty = Difficulty.EASY

    def __post_init__(self) -> None:
        if self.tick < 0 or self.length < 0:
            raise ValueError(f"phrase needs tick >= 0 and length >= 0, got {self.tick}+{self.length}")

    def __lt__(self, other: "Phrase") -> bool:  # order by time, then kind
        return self.sort_key < other.sort_key

    @property
    def sort_key(self) -> tuple:
        return (self.tick, self.length, self.kind.value, int(self.min_difficulty))

    @property
    def end_tick(self) -> int:
        return self.tick + self.length

    def contains(self, tick: int) -> bool:
        if tick == self.tick:
            return True
        if self.kind is PhraseKind.FILL:
            return self.tick <= tick <= self.end_tick
        return self.tick <= tick < self.end_tick

    def reaches(self, difficulty: Difficulty) -> bool:
        return difficulty >= self.min_difficulty


@dataclass(frozen=True, order=True)
class Section:
    """A practice section named `name` from `tick` on."""

    tick: int
    name: str


@dataclass(frozen=True, order=True)
class TextEvent:
    """A text event kept verbatim (global `EVENTS` text other than sections/[end], or a local track event)."""

    tick: int
    text: str
