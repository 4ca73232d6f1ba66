"""Grid snap choices (divisions per quarter note) and their labels, Moonscraper-style 1/4 ... 1/64."""
from __future__ import annotations

SNAP_CHOICES: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16)
"""Divisions per beat: 1 = 1/4 notes, 2 = 1/8, 3 = 1/8 triplets (1/12), 4 = 1/16, ... 16 = 1/64."""


def snap_label(divisions: int) -> str:
    """'1/16' for 4 divisions per beat; triplet grids read '1/12 (triplet)'."""
    denom = 4 * divisions
    return f"1/{denom}" + (" (triplet)" if divisions % 3 == 0 else "")


def step_snap(divisions: int, steps: int) -> int:
    """The next finer (steps > 0) or coarser (steps < 0) snap choice."""
    try:
        i = SNAP_CHOICES.index(divisions)
    except ValueError:
        i = SNAP_CHOICES.index(4)
    return SNAP_CHOICES[max(0, min(len(SNAP_CHOICES) - 1, i + steps))]
