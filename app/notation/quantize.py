"""Beat groups of a bar and the per-beat choice of grid (straight 8th/16th/32nd or triplet 8th/16th)."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

Q = Fraction
"""Positions and lengths here are Fractions of a quarter note."""

GRIDS: tuple[Fraction, ...] = (Q(1), Q(1, 2), Q(1, 4), Q(1, 3), Q(1, 8), Q(1, 6))
"""Grid steps, simplest first: quarter, 8th, 16th, triplet 8th, 32nd, triplet 16th."""


def is_triplet(step: Fraction) -> bool:
    return step.denominator % 3 == 0


def beat_groups(numerator: int, denominator: int) -> list[Fraction]:
    """Lengths of the beats a bar is quantised and beamed by (they sum to the bar).

    x/4 and x/2: quarter notes. Compound x/8 (6/8, 9/8, 12/8): dotted quarters. Other x/8:
    quarters with a dotted quarter first when the count is odd (7/8 = 3+2+2, 5/8 = 3+2, MuseScore's
    default grouping, so its beams agree). x/16 works the same way in eighths.
    """
    bar = Q(4 * numerator, denominator)
    if denominator <= 4:
        groups = [Q(1)] * int(bar)
        rest = bar - int(bar)
        return groups + ([rest] if rest else [])
    unit = Q(4, denominator)
    if numerator % 3 == 0 and numerator > 3 or numerator == 3:
        return [3 * unit] * (numerator // 3)
    if numerator == 1:
        return [unit]
    groups = [2 * unit] * (numerator // 2)
    if numerator % 2:
        groups[0] = 3 * unit
    return groups


@dataclass(frozen=True)
class BeatGrid:
    """The grid chosen for one beat and where its onsets land (beat-relative, quarter notes)."""

    step: Fraction
    positions: tuple[Fraction, ...]
    max_error: Fraction

    @property
    def triplet(self) -> bool:
        return is_triplet(self.step)


def _snap(onsets: Sequence[Fraction], step: Fraction) -> list[Fraction]:
    return [round(t / step) * step for t in onsets]


def choose_grid(onsets: Sequence[Fraction], length: Fraction = Q(1),
                tolerance: Fraction = Q(1, 48)) -> BeatGrid:
    """The simplest grid that fits every onset of a beat within `tolerance`, without merging two onsets.

    onsets: beat-relative positions in quarter notes, 0 <= t < length. When no grid fits (played,
    unquantised input) the grid with the least squared error wins, simpler grids first on ties.
    A grid must divide the beat and may not push an onset onto the next beat.
    """
    onsets = sorted(set(onsets))
    best: tuple[Fraction, int, BeatGrid] | None = None
    for rank, step in enumerate(GRIDS):
        if step > length or (length / step).denominator != 1:
            continue
        snapped = _snap(onsets, step)
        if any(p >= length for p in snapped):
            continue
        errors = [abs(p - t) for p, t in zip(snapped, onsets)]
        grid = BeatGrid(step, tuple(sorted(set(snapped))), max(errors, default=Q(0)))
        merged = len(grid.positions) < len(onsets)
        if not merged and grid.max_error <= tolerance:
            return grid
        cost = sum(e * e for e in errors) + (Q(1) if merged else Q(0))
        if best is None or cost < best[0]:
            best = (cost, rank, grid)
    if best is None:  # beat shorter than every grid step: put everything on the beat
        return BeatGrid(length, (Q(0),) if onsets else (), max(onsets, default=Q(0)))
    return best[2]


# ---- durations a single note or rest can show ------------------------------------------------
NOTE_VALUES: tuple[Fraction, ...] = (Q(3, 2), Q(1), Q(3, 4), Q(1, 2), Q(3, 8), Q(1, 4), Q(1, 8))
"""Note lengths inside a beat, longest first: dotted quarter .. 32nd (written values for triplets)."""
REST_VALUES: tuple[Fraction, ...] = (Q(4), Q(2), Q(3, 2), Q(1), Q(1, 2), Q(1, 4), Q(1, 8))
"""Rest lengths, longest first (no dotted rests inside a beat: a drummer counts 8th + 16th rests)."""


def split_value(length: Fraction, values: Sequence[Fraction]) -> list[Fraction]:
    """`length` as a sum of the given values, greedily, longest first (leftover below the least is dropped)."""
    out: list[Fraction] = []
    for v in values:
        while length >= v:
            out.append(v)
            length -= v
    return out
