"""Frame-wise model outputs for one song, kept so decoding can be re-run without the network."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.constants import DRUM_CLASSES


@dataclass
class Activations:
    """Network outputs on a regular frame grid (frame k is centred at k / frame_rate seconds).

    probs: (T, C) float32 per-class onset probabilities, C = len(classes);
    onset: (T,) float32 any-drum onset probability (the gate);
    offset_frames: (T, C) float32 sub-frame position of an onset in frames (-0.5..0.5), or None;
    velocity: (T, C) float32 strike strength 0..1, or None.
    """

    frame_rate: float
    probs: np.ndarray
    onset: np.ndarray
    offset_frames: np.ndarray | None = None
    velocity: np.ndarray | None = None
    classes: tuple[str, ...] = DRUM_CLASSES

    @property
    def n_frames(self) -> int:
        return int(self.probs.shape[0])

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.frame_rate

    def frame_times_s(self) -> np.ndarray:
        return np.arange(self.n_frames) / self.frame_rate


@dataclass(frozen=True)
class DrumHit:
    """One decoded strike: time in seconds (audio time), fine class, confidence 0..1, velocity 0..1."""

    time_s: float
    drum: str
    confidence: float
    velocity: float = 0.7
