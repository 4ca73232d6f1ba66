"""Tempo map: tempo changes, time signatures and beat anchors; ticks <-> seconds both ways."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np

from app.constants import DEFAULT_BPM, TICKS_PER_BEAT


@dataclass(frozen=True, order=True)
class TempoChange:
    """A tempo of `bpm` quarter notes per minute from `tick` on.

    anchor_s: when set, this marker is pinned to that chart time (seconds); `TempoMap.resolve_anchors`
    re-times the segment before it so the pin holds while earlier tempos change.
    """

    tick: int
    bpm: float
    anchor_s: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.tick < 0:
            raise ValueError(f"tempo tick must be >= 0, got {self.tick}")
        if not (self.bpm > 0 and np.isfinite(self.bpm)):
            raise ValueError(f"tempo must be a positive BPM, got {self.bpm}")


@dataclass(frozen=True, order=True)
class TimeSignature:
    """`numerator`/`denominator` from `tick` on (denominator a power of two)."""

    tick: int
    numerator: int = 4
    denominator: int = 4

    def __post_init__(self) -> None:
        if self.tick < 0 or self.numerator < 1 or self.denominator < 1:
            raise ValueError(f"bad time signature {self.numerator}/{self.denominator} at {self.tick}")
        if self.denominator & (self.denominator - 1):
            raise ValueError(f"time-signature denominator must be a power of two, got {self.denominator}")

    def beat_ticks(self, resolution: int) -> int:
        """Ticks per counted beat (a quarter at x/4, an eighth at x/8)."""
        return resolution * 4 // self.denominator

    def measure_ticks(self, resolution: int) -> int:
        return self.numerator * self.beat_ticks(resolution)


class TempoMap:
    """An immutable tempo map; edits build a new one (cheap value snapshots for undo).

    Seconds here are chart seconds (tick 0 = 0 s); song.ini `delay` is applied by the song.
    """

    __slots__ = ("resolution", "tempos", "time_signatures", "_ticks", "_starts_s", "_s_per_tick",
                 "_tick_list", "_start_list", "_spt_list", "_sig_ticks")

    def __init__(
        self,
        tempos: Sequence[TempoChange] = (),
        time_signatures: Sequence[TimeSignature] = (),
        resolution: int = TICKS_PER_BEAT,
    ) -> None:
        if resolution < 1:
            raise ValueError(f"resolution must be >= 1, got {resolution}")
        tempos = _dedupe_by_tick(sorted(tempos, key=lambda t: t.tick))
        if not tempos or tempos[0].tick != 0:
            first_bpm = tempos[0].bpm if tempos else DEFAULT_BPM
            tempos = [TempoChange(0, first_bpm)] + list(tempos)
        sigs = _dedupe_by_tick(sorted(time_signatures, key=lambda t: t.tick))
        if not sigs or sigs[0].tick != 0:
            sigs = [TimeSignature(0, 4, 4)] + list(sigs)
        self.resolution = int(resolution)
        self.tempos: tuple[TempoChange, ...] = tuple(tempos)
        self.time_signatures: tuple[TimeSignature, ...] = tuple(sigs)
        self._ticks = np.array([t.tick for t in self.tempos], dtype=np.int64)
        self._s_per_tick = np.array([60.0 / (t.bpm * self.resolution) for t in self.tempos])
        seg_s = np.diff(self._ticks) * self._s_per_tick[:-1]
        self._starts_s = np.concatenate([[0.0], np.cumsum(seg_s)])
        self._tick_list = self._ticks.tolist()
        self._start_list = self._starts_s.tolist()
        self._spt_list = self._s_per_tick.tolist()
        self._sig_ticks = [s.tick for s in self.time_signatures]

    # ---- value semantics -------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TempoMap)
            and self.resolution == other.resolution
            and self.tempos == other.tempos
            and [t.anchor_s for t in self.tempos] == [t.anchor_s for t in other.tempos]
            and self.time_signatures == other.time_signatures
        )

    def __hash__(self) -> int:
        return hash((self.resolution, self.tempos, self.time_signatures))

    def __repr__(self) -> str:
        return (f"TempoMap(res={self.resolution}, {len(self.tempos)} tempos, "
                f"{len(self.time_signatures)} time signatures)")

    def replace(self, tempos=None, time_signatures=None, resolution=None) -> "TempoMap":
        return TempoMap(
            self.tempos if tempos is None else tempos,
            self.time_signatures if time_signatures is None else time_signatures,
            self.resolution if resolution is None else resolution,
        )

    # ---- conversions -----------------------------------------------------------------------
    def tick_to_s(self, tick: float) -> float:
        """Chart seconds at `tick` (ticks may be fractional)."""
        i = max(bisect.bisect_right(self._tick_list, tick) - 1, 0)
        return self._start_list[i] + (tick - self._tick_list[i]) * self._spt_list[i]

    def ticks_to_s(self, ticks) -> np.ndarray:
        """Vectorised tick -> seconds for an array of ticks."""
        t = np.asarray(ticks, dtype=np.float64)
        i = np.clip(np.searchsorted(self._ticks, t, side="right") - 1, 0, None)
        return self._starts_s[i] + (t - self._ticks[i]) * self._s_per_tick[i]

    def s_to_tick(self, seconds: float) -> float:
        """Fractional tick at chart time `seconds` (negative times extrapolate the first tempo)."""
        i = max(bisect.bisect_right(self._start_list, seconds) - 1, 0)
        return self._tick_list[i] + (seconds - self._start_list[i]) / self._spt_list[i]

    def s_to_ticks(self, seconds) -> np.ndarray:
        s = np.asarray(seconds, dtype=np.float64)
        i = np.clip(np.searchsorted(self._starts_s, s, side="right") - 1, 0, None)
        return self._ticks[i] + (s - self._starts_s[i]) / self._s_per_tick[i]

    def s_to_tick_round(self, seconds: float) -> int:
        return max(0, int(round(self.s_to_tick(seconds))))

    def tempo_at(self, tick: int) -> TempoChange:
        return self.tempos[max(bisect.bisect_right(self._tick_list, tick) - 1, 0)]

    def time_signature_at(self, tick: int) -> TimeSignature:
        return self.time_signatures[max(bisect.bisect_right(self._sig_ticks, tick) - 1, 0)]

    # ---- grid ------------------------------------------------------------------------------
    def beats(self, start_tick: int, end_tick: int) -> Iterator[tuple[int, bool]]:
        """(tick, is_bar_start) for every counted beat with start_tick <= tick < end_tick."""
        sigs = self.time_signatures
        for k, sig in enumerate(sigs):
            seg_end = sigs[k + 1].tick if k + 1 < len(sigs) else None
            if seg_end is not None and seg_end <= start_tick:
                continue
            step = sig.beat_ticks(self.resolution)
            first = sig.tick if start_tick <= sig.tick else sig.tick + -(-(start_tick - sig.tick) // step) * step
            stop = end_tick if seg_end is None else min(end_tick, seg_end)
            for tick in range(first, stop, step):
                yield tick, (tick - sig.tick) % (step * sig.numerator) == 0
            if seg_end is None or seg_end >= end_tick:
                break

    def bar_start_at_or_before(self, tick: int) -> int:
        sig = self.time_signature_at(tick)
        m = sig.measure_ticks(self.resolution)
        return sig.tick + (tick - sig.tick) // m * m

    def snap(self, tick: float, divisions_per_beat: int) -> int:
        """Nearest tick on a grid of `divisions_per_beat` per quarter note (4 = 16ths, 3 = triplet 8ths),
        counted from the bar line of the time signature in force."""
        step = self.resolution / divisions_per_beat
        sig = self.time_signature_at(int(tick))
        return int(round(sig.tick + round((tick - sig.tick) / step) * step))

    # ---- anchors ---------------------------------------------------------------------------
    def resolve_anchors(self) -> "TempoMap":
        """Re-time the tempo before each anchored marker so the marker sits at its anchor time.

        Raises ValueError if anchors are out of order in time (no positive tempo can satisfy them).
        """
        tempos = list(self.tempos)
        if not any(t.anchor_s is not None for t in tempos[1:]):
            return self
        for k in range(1, len(tempos)):
            anchor = tempos[k].anchor_s
            if anchor is None:
                continue
            prev_start_s = TempoMap(tempos[:k], (), self.resolution).tick_to_s(tempos[k - 1].tick)
            dt = anchor - prev_start_s
            dticks = tempos[k].tick - tempos[k - 1].tick
            if dt <= 0:
                raise ValueError(f"beat anchor at tick {tempos[k].tick} ({anchor:.3f} s) comes before the "
                                 "previous tempo marker")
            tempos[k - 1] = TempoChange(tempos[k - 1].tick, 60.0 * dticks / (self.resolution * dt),
                                        tempos[k - 1].anchor_s)
        return self.replace(tempos=tempos)


def _dedupe_by_tick(items: list) -> list:
    """Keep the last item for each tick (later definitions win, as parsers do)."""
    out: list = []
    for it in items:
        if out and out[-1].tick == it.tick:
            out[-1] = it
        else:
            out.append(it)
    return out
