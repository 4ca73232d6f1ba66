"""Training augmentations on dB band power (time stretch, gain, noise) and mixup of batches."""
from __future__ import annotations

import numpy as np
import torch

from app.guitar.config import AugmentationConfig
from app.guitar.features import FeatureParams, noise_band_power


def time_stretch(db: np.ndarray, rate: float) -> np.ndarray:
    """Play `rate` times faster without changing pitch: frames resampled by linear interpolation.

    On magnitude features this is what a phase vocoder does before resynthesis.
    """
    n = db.shape[1]
    m = max(1, int(round(n / rate)))
    pos = np.linspace(0.0, n - 1.0, m)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = (pos - lo).astype(np.float32)
    return db[:, lo] * (1.0 - w) + db[:, hi] * w


def apply_gain(db: np.ndarray, gain_db: float, floor_db: float) -> np.ndarray:
    """Louder or quieter against the fixed floor: quiet tails drop below it or rise above it."""
    return np.where(db > floor_db, np.maximum(db + gain_db, floor_db), floor_db).astype(np.float32)


def add_noise(db: np.ndarray, snr_db: float, params: FeatureParams) -> np.ndarray:
    """Add white noise's expected band power at `snr_db` below the note's mean power."""
    power = 10.0 ** (db.astype(np.float64) / 10.0)
    unit = noise_band_power(params).astype(np.float64)
    variance = power.sum(axis=0).mean() / unit.sum() / 10.0 ** (snr_db / 10.0)
    return (10.0 * np.log10(power + variance * unit[:, None])).astype(np.float32)


class Augmenter:
    """Random time stretch, noise and gain of one note's dB features (training only)."""

    def __init__(self, config: AugmentationConfig, params: FeatureParams, rng: np.random.Generator) -> None:
        self.c, self.params, self.rng = config, params, rng

    def __call__(self, db: np.ndarray) -> np.ndarray:
        c, rng = self.c, self.rng
        if not c.enabled:
            return db
        if rng.random() < c.p_noise:
            db = add_noise(db, rng.uniform(*c.noise_snr_db_range), self.params)
        if rng.random() < c.p_gain:
            db = apply_gain(db, rng.uniform(*c.gain_db_range), self.params.floor_db)
        if rng.random() < c.p_stretch:
            db = time_stretch(db, rng.uniform(*c.time_stretch_range))
        return db


def mixup(x: torch.Tensor, lengths: torch.Tensor, targets: torch.Tensor, alpha: float,
          rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Blend each item with another of the batch (weight ~ Beta(alpha, alpha)); lengths become the longer one's."""
    if alpha <= 0 or x.shape[0] < 2:
        return x, lengths, targets
    lam = float(rng.beta(alpha, alpha))
    lam = max(lam, 1.0 - lam)  # the first item dominates
    perm = torch.from_numpy(rng.permutation(x.shape[0]))
    return (lam * x + (1 - lam) * x[perm], torch.maximum(lengths, lengths[perm]),
            lam * targets + (1 - lam) * targets[perm])
