"""Drum lanes, difficulties and per-note dynamics of a Clone Hero pro-drums chart."""
from __future__ import annotations

from enum import Enum, IntEnum


class Lane(IntEnum):
    """The five pads of 4-lane pro drums, in Clone Hero's order."""

    KICK = 0
    RED = 1
    YELLOW = 2
    BLUE = 3
    GREEN = 4

    @property
    def can_be_cymbal(self) -> bool:
        return self in (Lane.YELLOW, Lane.BLUE, Lane.GREEN)

    @property
    def is_pad(self) -> bool:
        """True for the four hand pads (everything but the kick)."""
        return self is not Lane.KICK


class Difficulty(IntEnum):
    """Chart difficulties; the value orders them from easiest to hardest."""

    EASY = 0
    MEDIUM = 1
    HARD = 2
    EXPERT = 3

    @property
    def title(self) -> str:
        return self.name.capitalize()


DIFFICULTIES_HARD_FIRST = (Difficulty.EXPERT, Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY)


class Dynamic(Enum):
    """Strike strength marking of a pad note (kicks are always NORMAL)."""

    NORMAL = "normal"
    ACCENT = "accent"
    GHOST = "ghost"
