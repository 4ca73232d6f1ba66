"""The kit interface every source fills: instruments with velocity layers of one-shot samples."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.ndimage import maximum_filter1d

from app.constants import DRUM_CLASSES, SAMPLE_RATE

OTHER = "other"
PARTS: tuple[str, ...] = DRUM_CLASSES + (OTHER,)
"""What a pattern may ask a kit to play: a drum class, or 'other' (unlabelled percussion)."""

HIHAT_CLASSES = ("hihat_closed", "hihat_open", "hihat_pedal")

FALLBACK: dict[str, tuple[str, ...]] = {
    "ride_bell": ("ride_body",),
    "tom_high": ("tom_mid",),
    "tom_mid": ("tom_high", "tom_floor"),
    "tom_floor": ("tom_mid",),
    "crash": ("ride_body",),
    "ride_body": ("crash",),
}
"""Part -> substitutes when a kit lacks it. The label is always the instrument actually played."""

ONSET_THRESHOLD_DB = -20.0
"""A sample's attack: its first sample within this many dB of its peak, ..."""
ONSET_QUIET_DB = -36.0
ONSET_BACKTRACK_S = 0.0015
"""... moved back (at most this far) to where its 1 ms envelope was still this quiet."""
ONSET_PREROLL = 8
"""Samples kept before the attack (0.18 ms) so the attack is not cut."""
TAIL_THRESHOLD_DB = -70.0


@dataclass
class Layer:
    """Round-robin samples played for velocities in [min_vel, max_vel]."""
    min_vel: float
    max_vel: float
    samples: list[np.ndarray]
    gain: float = 1.0


@dataclass
class Instrument:
    """One playable sound; `label` is its class in DRUM_CLASSES or None for unlabelled percussion."""
    name: str
    label: str | None
    layers: list[Layer]
    gain: float = 1.0
    choke_group: str | None = None

    def __post_init__(self) -> None:
        if self.choke_group is None and self.label in HIHAT_CLASSES:
            self.choke_group = "hihat"

    def pick_sample(self, velocity: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """(the stored sample for `velocity` in 0..1, its gain): the array is the kit's own (do not modify),
        so its identity can key caches of processed versions."""
        v = float(np.clip(velocity, 0.0, 1.0))
        inside = [l for l in self.layers if l.min_vel <= v <= l.max_vel]
        if not inside:
            inside = [min(self.layers, key=lambda l: min(abs(v - l.min_vel), abs(v - l.max_vel)))]
        layer = inside[int(rng.integers(len(inside)))]
        return layer.samples[int(rng.integers(len(layer.samples)))], float(layer.gain * self.gain)

    def sample(self, velocity: float, rng: np.random.Generator) -> np.ndarray:
        """A sample for `velocity` in 0..1 (attack at index ONSET_PREROLL), layer gain applied (a new array)."""
        x, gain = self.pick_sample(velocity, rng)
        return x * np.float32(gain)


@dataclass
class Kit:
    """A drum kit: its instruments, where it came from, and whether it is electronic."""
    name: str
    source: str
    instruments: list[Instrument]
    electronic: bool = False
    _by_label: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.instruments = [i for i in self.instruments if i.layers and any(l.samples for l in i.layers)]
        for inst in self.instruments:
            self._by_label.setdefault(inst.label if inst.label else OTHER, []).append(inst)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.name}"

    def classes(self) -> list[str]:
        """Drum classes this kit can play itself (no fallback)."""
        return [c for c in DRUM_CLASSES if c in self._by_label]

    def mapping(self) -> dict[str, str | None]:
        """Instrument name -> class label (None: rendered, unlabelled)."""
        return {i.name: i.label for i in self.instruments}

    def pick(self, part: str, rng: np.random.Generator) -> Instrument | None:
        """An instrument for `part`, or a substitute (FALLBACK), or None when the kit has nothing."""
        for p in (part,) + FALLBACK.get(part, ()):
            options = self._by_label.get(p)
            if options:
                return options[int(rng.integers(len(options)))]
        return None


BLEND_GROUPS: dict[str, tuple[str, ...]] = {
    "kick": ("kick",), "snare": ("snare_head", "snare_rim"), "toms": ("tom_high", "tom_mid", "tom_floor"),
    "hihat": HIHAT_CLASSES, "cymbals": ("ride_body", "ride_bell", "crash")}
"""Instrument groups that move together when kits are blended (a hi-hat's closed/open/pedal samples
come from one hi-hat, a snare's head and rim from one snare)."""


def blend_kits(base: Kit, donors: list[Kit], rng: np.random.Generator, p_swap: float = 0.5) -> Kit:
    """`base` with some instrument groups taken from `donors` (each group swapped with chance `p_swap`
    to a random donor that has it): kick of one kit, snare of another, cymbals of a third, as real
    kits are put together. Labels stay with the instruments; unlabelled percussion stays the base's."""
    taken: dict[str, Kit] = {}
    for group, classes in BLEND_GROUPS.items():
        have = [d for d in donors if any(d._by_label.get(c) for c in classes)]
        if have and rng.random() < p_swap:
            taken[group] = have[int(rng.integers(len(have)))]
    if not taken:
        return base
    swapped = {c for g in taken for c in BLEND_GROUPS[g]}
    instruments = [i for i in base.instruments if i.label not in swapped]
    for group, donor in taken.items():
        instruments += [i for i in donor.instruments if i.label in BLEND_GROUPS[group]]
    names = "+".join(sorted({f"{g}={d.name}" for g, d in taken.items()}))
    return Kit(f"{base.name}[{names}]", base.source, instruments, base.electronic)


def kit_sources(key: str) -> dict[str, str]:
    """Group (BLEND_GROUPS) -> name of the kit that supplied it, from a kit key as `blend_kits` writes it
    ("source:Name" or "source:Name[group=Donor+group=Donor]"; rendered examples keep it as info["kit"])."""
    main, _, blend = key.partition("[")
    out = {g: main.split(":", 1)[-1] for g in BLEND_GROUPS}
    for part in blend.rstrip("]").split("+") if blend else ():
        group, _, donor = part.partition("=")
        if group in out and donor:
            out[group] = donor
    return out


def trim_sample(x: np.ndarray, onset_db: float = ONSET_THRESHOLD_DB,
                tail_db: float = TAIL_THRESHOLD_DB) -> np.ndarray:
    """Cut leading silence (attack lands at ONSET_PREROLL) and the inaudible tail; float32."""
    x = np.asarray(x, dtype=np.float32)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak <= 0:
        return np.zeros(0, np.float32)
    a = np.abs(x)
    start = int(np.argmax(a >= peak * 10 ** (onset_db / 20)))
    lo = max(0, start - int(ONSET_BACKTRACK_S * SAMPLE_RATE))
    env = maximum_filter1d(a[lo:start + 1], int(0.001 * SAMPLE_RATE))
    quiet = np.nonzero(env < peak * 10 ** (ONSET_QUIET_DB / 20))[0]
    start = lo + int(quiet[-1]) if quiet.size else lo
    loud = np.nonzero(a >= peak * 10 ** (tail_db / 20))[0]
    end = max(int(loud[-1]) + 1, start + 1)
    y = x[max(0, start - ONSET_PREROLL):end].copy()
    if start < ONSET_PREROLL:
        y = np.concatenate([np.zeros(ONSET_PREROLL - start, np.float32), y])
    fade = min(len(y) // 4, int(0.005 * SAMPLE_RATE))
    if fade > 1:
        y[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    return y


def load_mono(path: str | Path, pitch_semitones: float = 0.0) -> np.ndarray:
    """Read a sample file as float32 mono at SAMPLE_RATE (soundfile + soxr), optionally repitched."""
    import soundfile as sf
    import soxr

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = data.mean(axis=1)
    rate = sr * 2 ** (pitch_semitones / 12)
    if abs(rate - SAMPLE_RATE) > 0.5:
        x = soxr.resample(x, rate, SAMPLE_RATE)
    return np.asarray(x, np.float32)
