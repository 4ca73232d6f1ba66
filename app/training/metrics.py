"""Onset evaluation: per-class and summed F-measure (mir_eval matching), timing, IOI and subdivision recall,
confusions, bootstrap confidence intervals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

Events = Mapping[str, np.ndarray]
"""class name -> onset times in seconds (1-D float arrays)."""

IOI_BINS_MS = (0, 20, 30, 50, 75, 100, 150, 250, 10_000)
CONFUSION_PAIRS = (("toms", "cymbals"), ("cymbals", "toms"), ("toms", "hihat"), ("hihat", "toms"),
                   ("hihat", "cymbals"), ("cymbals", "hihat"), ("snare", "toms"), ("toms", "snare"),
                   ("snare", "hihat"), ("hihat", "snare"), ("kick", "toms"))


@dataclass
class ClassScore:
    """Matched counts of one class (pooled over tracks) and timing of the matches (est - ref, ms)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    offsets_ms: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f(self) -> float:
        p, r = self.precision, self.recall
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def offset_median_ms(self) -> float:
        return float(np.median(self.offsets_ms)) if self.offsets_ms else float("nan")

    @property
    def offset_mean_ms(self) -> float:
        return float(np.mean(self.offsets_ms)) if self.offsets_ms else float("nan")

    def add(self, other: "ClassScore") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.offsets_ms.extend(other.offsets_ms)


def match(ref: np.ndarray, est: np.ndarray, window_s: float) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of reference and estimated onsets within ±window_s (mir_eval)."""
    import mir_eval

    ref, est = np.asarray(ref, float), np.asarray(est, float)
    if not len(ref) or not len(est):
        return []
    return list(mir_eval.util.match_events(ref, est, window_s))


def found_mask(ref: np.ndarray, est: np.ndarray, window_s: float) -> np.ndarray:
    """(len(ref),) True where a reference onset is matched by an estimate."""
    found = np.zeros(len(ref), bool)
    for i, _ in match(ref, est, window_s):
        found[i] = True
    return found


def score_track(ref: Events, est: Events, classes: Sequence[str], window_s: float = 0.05,
                ignore: Events | None = None) -> dict[str, ClassScore]:
    """Per-class counts of one track. `ignore`: reference onsets that count neither way (a hit nobody can
    hear): missing one is no FN, and an estimate matched to one is no FP and no TP."""
    out = {}
    for c in classes:
        r = np.sort(np.asarray(ref.get(c, ()), float))
        e = np.sort(np.asarray(est.get(c, ()), float))
        ig = np.asarray((ignore or {}).get(c, ()), float)
        both = np.concatenate([r, ig])
        order = np.argsort(both, kind="stable")          # r is sorted: without `ignore` this is the identity
        real = order < len(r)
        rank = np.cumsum(real) - 1                        # position in r of each real reference
        all_pairs = match(both[order], e, window_s)
        pairs = [(int(rank[i]), j) for i, j in all_pairs if real[i]]
        s = ClassScore(len(pairs), len(e) - len(all_pairs), len(r) - len(pairs))
        s.offsets_ms = [(e[j] - r[i]) * 1000 for i, j in pairs]
        out[c] = s
    return out


def pooled(scores: Sequence[Mapping[str, ClassScore]], classes: Sequence[str]) -> dict[str, ClassScore]:
    """Per-class scores pooled over tracks, plus 'sum' pooled over classes (ADTOF's summed F)."""
    out = {c: ClassScore() for c in list(classes) + ["sum"]}
    for track in scores:
        for c in classes:
            out[c].add(track[c])
            out["sum"].add(track[c])
    return out


def bootstrap_f(scores: Sequence[Mapping[str, ClassScore]], cls: str = "sum", n: int = 1000,
                seed: int = 0, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile confidence interval of pooled F by resampling tracks with replacement."""
    if not scores:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    tp = np.array([sum(t[c].tp for c in t) if cls == "sum" else t[cls].tp for t in scores], float)
    fp = np.array([sum(t[c].fp for c in t) if cls == "sum" else t[cls].fp for t in scores], float)
    fn = np.array([sum(t[c].fn for c in t) if cls == "sum" else t[cls].fn for t in scores], float)
    idx = rng.integers(0, len(scores), size=(n, len(scores)))
    T, P, N = tp[idx].sum(1), fp[idx].sum(1), fn[idx].sum(1)
    f = np.where(2 * T + P + N > 0, 2 * T / np.maximum(2 * T + P + N, 1e-9), 1.0)
    return float(np.quantile(f, alpha / 2)), float(np.quantile(f, 1 - alpha / 2))


def recall_by_ioi(ref: Events, est: Events, classes: Sequence[str], window_s: float = 0.05,
                  bins_ms: Sequence[float] = IOI_BINS_MS) -> dict[str, list[tuple[str, int, int]]]:
    """Per class: (bin label, hits found, hits in bin) by the interval to the previous onset of that class."""
    out = {}
    for c in classes:
        r = np.sort(np.asarray(ref.get(c, ()), float))
        e = np.sort(np.asarray(est.get(c, ()), float))
        found = found_mask(r, e, window_s)
        ioi_ms = np.diff(r, prepend=-np.inf) * 1000
        rows = []
        for lo, hi in zip(bins_ms[:-1], bins_ms[1:]):
            sel = (ioi_ms > lo) & (ioi_ms <= hi)
            rows.append((f"{lo:g}-{hi:g} ms", int(found[sel].sum()), int(sel.sum())))
        out[c] = rows
    return out


def subdivision_of(times_s: np.ndarray, beat_times_s: np.ndarray, tolerance_s: float = 0.008) -> list[str]:
    """The coarsest grid (beat, 8th, 8th triplet, 16th, 16th triplet, 32nd, 64th) each onset lies on,
    within `tolerance_s` or a quarter of that grid's step, from its position between two beats."""
    grids = (("beat", 1), ("8th", 2), ("8th triplet", 3), ("16th", 4), ("16th triplet", 6), ("32nd", 8),
             ("64th", 16))
    beats = np.asarray(beat_times_s, float)
    labels = []
    for t in np.asarray(times_s, float):
        if len(beats) < 2:
            labels.append("unknown")
            continue
        k = int(np.clip(np.searchsorted(beats, t, side="right") - 1, 0, len(beats) - 2))
        beat_s = beats[k + 1] - beats[k]
        pos = (t - beats[k]) / beat_s
        label = "off-grid"
        for name, div in grids:
            step_s = beat_s / div
            if abs(pos * div - round(pos * div)) * step_s <= min(tolerance_s, step_s / 4):
                label = name
                break
        labels.append(label)
    return labels


def recall_by_subdivision(ref: Events, est: Events, classes: Sequence[str], beat_times_s: np.ndarray,
                          window_s: float = 0.05) -> dict[str, dict[str, tuple[int, int]]]:
    """Per class: subdivision -> (found, total)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for c in classes:
        r = np.sort(np.asarray(ref.get(c, ()), float))
        e = np.sort(np.asarray(est.get(c, ()), float))
        found = found_mask(r, e, window_s)
        table: dict[str, tuple[int, int]] = {}
        for lab, f in zip(subdivision_of(r, beat_times_s), found):
            a, b = table.get(lab, (0, 0))
            table[lab] = (a + int(f), b + 1)
        out[c] = table
    return out


def confusions(ref: Events, est: Events, window_s: float = 0.05,
               pairs: Sequence[tuple[str, str]] = CONFUSION_PAIRS) -> dict[tuple[str, str], int]:
    """(true, predicted) -> count of missed `true` onsets with an unmatched `predicted` onset within the window."""
    out = {}
    for a, b in pairs:
        r = np.sort(np.asarray(ref.get(a, ()), float))
        ea = np.sort(np.asarray(est.get(a, ()), float))
        eb = np.sort(np.asarray(est.get(b, ()), float))
        rb = np.sort(np.asarray(ref.get(b, ()), float))
        found = {i for i, _ in match(r, ea, window_s)}
        used_b = {j for _, j in match(rb, eb, window_s)}
        spare_b = np.array([t for j, t in enumerate(eb) if j not in used_b])
        missed = [t for i, t in enumerate(r) if i not in found]
        out[(a, b)] = int(sum(len(spare_b) and np.min(np.abs(spare_b - t)) <= window_s for t in missed))
    return out
