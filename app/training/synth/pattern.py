"""Drum patterns as lists of hits, musical time to seconds, humanisation and unpatterned hits."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from app.training.synth.kit import OTHER, PARTS


@dataclass(frozen=True)
class BeatHit:
    """A hit in musical time: `beat` in quarter notes from the start, plus a fixed shift (flams)."""
    beat: float
    part: str
    velocity: float
    offset_s: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A hit in seconds: `part` is a drum class or 'other'; velocity 0..1."""
    time_s: float
    part: str
    velocity: float


@dataclass
class Pattern:
    """A drum performance: hits sorted by time, its tempo, meter, length and where it came from."""
    hits: list[Hit]
    bpm: float
    meter: tuple[int, int]
    duration_s: float
    style: str
    source: str
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Humanize:
    """Timing and dynamics of a human player (all in seconds or velocity units)."""
    timing_sd_s: float = 0.004
    part_offset_sd_s: float = 0.003
    velocity_sd: float = 0.06
    tempo_drift: float = 0.01

    @classmethod
    def random(cls, rng: np.random.Generator) -> "Humanize":
        return cls(float(rng.uniform(0.001, 0.008)), float(rng.uniform(0.0, 0.005)),
                   float(rng.uniform(0.02, 0.1)), float(rng.uniform(0.0, 0.02)))


def beats_to_seconds(beats: np.ndarray, bpm: float, drift: np.ndarray | None = None) -> np.ndarray:
    """Quarter-note beats -> seconds at `bpm`; `drift` gives a relative tempo per whole beat."""
    beats = np.asarray(beats, float)
    if drift is None:
        return beats * 60.0 / bpm
    spb = 60.0 / (bpm * drift)                          # seconds per beat, beat by beat
    starts = np.concatenate([[0.0], np.cumsum(spb)])
    i = np.clip(np.floor(beats).astype(int), 0, len(spb) - 1)
    return starts[i] + (beats - i) * spb[i]


def to_pattern(beat_hits: list[BeatHit], bpm: float, meter: tuple[int, int], total_beats: float,
               style: str, source: str, rng: np.random.Generator, humanize: Humanize | None = None,
               lead_in_s: float = 0.2, tail_s: float = 1.5) -> Pattern:
    """Place musical hits in seconds, humanised (seeded), shifted by `lead_in_s`; drops duplicates."""
    h = humanize or Humanize(0, 0, 0, 0)
    n_beats = int(np.ceil(total_beats)) + 2
    drift = None
    if h.tempo_drift > 0:
        walk = np.cumsum(rng.normal(0, h.tempo_drift / 4, n_beats))
        drift = 1.0 + np.clip(walk - walk.mean(), -2 * h.tempo_drift, 2 * h.tempo_drift)
    part_offset = {p: float(rng.normal(0, h.part_offset_sd_s)) for p in PARTS}
    seen, hits = set(), []
    for bh in sorted(beat_hits, key=lambda b: (b.beat, b.part)):
        key = (round(bh.beat * 960), round(bh.offset_s * 1000), bh.part)
        if key in seen or bh.part not in PARTS:
            continue
        seen.add(key)
        t = float(beats_to_seconds(np.array([bh.beat]), bpm, drift)[0]) + bh.offset_s + lead_in_s
        t += part_offset[bh.part] + rng.normal(0, h.timing_sd_s)
        vel = float(np.clip(bh.velocity + rng.normal(0, h.velocity_sd), 0.03, 1.0))
        hits.append(Hit(max(0.0, t), bh.part, vel))
    hits.sort(key=lambda x: x.time_s)
    end = float(beats_to_seconds(np.array([total_beats]), bpm, drift)[0]) + lead_in_s + tail_s
    return Pattern(hits, bpm, meter, end, style, source)


UNPATTERNED_WEIGHTS = {
    "kick": 2, "snare_head": 2, "snare_rim": 0.5, "hihat_closed": 2, "hihat_open": 1, "hihat_pedal": 0.7,
    "ride_body": 1, "ride_bell": 0.5, "crash": 1, "tom_high": 1, "tom_mid": 1, "tom_floor": 1, OTHER: 1,
}


def add_unpatterned(pattern: Pattern, rng: np.random.Generator, fraction: float = 0.1) -> Pattern:
    """Add ~`fraction` x len(hits) hits at random times, parts and velocities (off any grid)."""
    n = int(rng.binomial(max(len(pattern.hits), 10), fraction))
    parts = list(UNPATTERNED_WEIGHTS)
    w = np.array([UNPATTERNED_WEIGHTS[p] for p in parts], float)
    extra = [Hit(float(rng.uniform(0.05, max(0.1, pattern.duration_s - 1.0))),
                 parts[int(rng.choice(len(parts), p=w / w.sum()))], float(rng.uniform(0.1, 1.0)))
             for _ in range(n)]
    hits = sorted(pattern.hits + extra, key=lambda x: x.time_s)
    return replace(pattern, hits=hits, info={**pattern.info, "unpatterned": n})


def count_parts(pattern: Pattern) -> dict[str, int]:
    """Hits per part."""
    out: dict[str, int] = {}
    for h in pattern.hits:
        out[h.part] = out.get(h.part, 0) + 1
    return out
