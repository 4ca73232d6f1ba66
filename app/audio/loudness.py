"""Integrated loudness (ITU-R BS.1770-4: K-weighting, 400 ms blocks, -70 LUFS and -10 LU gates) and normalisation."""
from __future__ import annotations

import math

import numpy as np
from scipy.signal import sosfilt

BLOCK_S = 0.400
"""Gating block length (BS.1770-4)."""
BLOCK_HOP_S = 0.100
"""Gating block hop: 75 % overlap."""
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


def k_weighting_sos(sr: int) -> np.ndarray:
    """The two K-weighting biquads (high shelf, then RLB high-pass) as scipy sos, shape (2, 6).

    Coefficients are derived for any sample rate from the BS.1770 analogue prototype as
    libebur128 does; at 48 kHz they equal the tables of the recommendation.
    """
    # stage 1: +4 dB high shelf around 1.68 kHz (head acoustics)
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sr)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh ** 0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    # stage 2: RLB high-pass around 38 Hz
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sr)
    a0 = 1.0 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return np.array([shelf, highpass], dtype=np.float64)


def _as_channels(audio: np.ndarray) -> np.ndarray:
    x = np.asarray(audio, dtype=np.float64)
    return x[None, :] if x.ndim == 1 else x


def integrated_loudness(audio: np.ndarray, sr: int) -> float:
    """BS.1770-4 gated integrated loudness in LUFS of (n,) or (channels, n) audio; -inf for silence.

    Every channel has weight 1 (left/right; no surround weights). Audio shorter than one
    400 ms block is measured as a single block.
    """
    x = _as_channels(audio)
    if x.shape[-1] == 0:
        return float("-inf")
    z = sosfilt(k_weighting_sos(sr), x, axis=-1) ** 2  # K-weighted power per sample
    block, hop = int(round(BLOCK_S * sr)), int(round(BLOCK_HOP_S * sr))
    n = z.shape[-1]
    if n <= block:
        powers = z.mean(axis=-1).sum(axis=0, keepdims=True)
    else:
        csum = np.concatenate([np.zeros((z.shape[0], 1)), np.cumsum(z, axis=-1)], axis=-1)
        starts = np.arange(0, n - block + 1, hop)
        powers = ((csum[:, starts + block] - csum[:, starts]) / block).sum(axis=0)  # (blocks,)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10.0 * np.log10(powers)
    kept = powers[block_lufs > ABSOLUTE_GATE_LUFS]
    if kept.size == 0:
        return float("-inf")
    relative_gate = -0.691 + 10.0 * math.log10(kept.mean()) + RELATIVE_GATE_LU
    kept = powers[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return float(-0.691 + 10.0 * math.log10(kept.mean()))


def loudness_gain_db(audio: np.ndarray, sr: int, target_lufs: float = -18.0,
                     peak_limit: float | None = 0.99) -> float:
    """The gain (dB) normalize_loudness applies: to target_lufs, lowered so |peak| <= peak_limit."""
    lufs = integrated_loudness(audio, sr)
    if not math.isfinite(lufs):
        return 0.0
    gain_db = target_lufs - lufs
    if peak_limit is not None:
        peak = float(np.max(np.abs(audio))) if np.size(audio) else 0.0
        if peak > 0.0:
            gain_db = min(gain_db, 20.0 * math.log10(peak_limit / peak))
    return gain_db


def normalize_loudness(audio: np.ndarray, sr: int, target_lufs: float = -18.0,
                       peak_limit: float | None = 0.99) -> np.ndarray:
    """Scale audio to `target_lufs` integrated loudness (one gain for the whole signal, float32 out).

    If that would put the sample peak above `peak_limit`, the gain is lowered (plain scaling,
    no limiter), so very peaky material may end below the target. Silence is returned as is.
    """
    gain = 10.0 ** (loudness_gain_db(audio, sr, target_lufs, peak_limit) / 20.0)
    return (np.asarray(audio, dtype=np.float32) * np.float32(gain)).astype(np.float32, copy=False)
