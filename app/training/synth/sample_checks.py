"""Sanity checks that a kit sample sounds like the class its name gives it (numpy only)."""
from __future__ import annotations

import numpy as np

from app.constants import SAMPLE_RATE

# Why: a scan of the Debian Hydrogen kits (2026-12-05) found instruments whose names lie about their sound, and
# every render with them teaches the network a contradiction. ElectricEmpireKit's "Hat Closed Bs" and "Hat Ring 2"
# hold 94 % and 91 % of their energy below 250 Hz (bass thumps labelled hi-hat: the kind of label that makes a
# model call hi-hats on kicks); rumpf_kit_z01's "cymbal 1" and "cymbal 2" are a 32 Hz boom and a 240 Hz thud
# labelled crash, its "ride bell" has no energy above 3 kHz, its "middle" and "high" toms sit under 60 Hz;
# Audiophob's "Kick" is a tom sample (tom-0105.wav) all but identical to the kit's own "Tom Low". On the shipped
# model's own training renders, tom recall was 0.22 on Audiophob and cymbal recall 0.25 on rumpf_kit, against
# 0.6-0.9 on the other kits. `chart-hero dataset kits` lists what is left out.

CYMBAL_CLASSES = ("hihat_closed", "hihat_open", "hihat_pedal", "ride_body", "ride_bell", "crash")
TOM_CLASSES = ("tom_high", "tom_mid", "tom_floor")

LOW_EDGE_HZ = 250.0
HIGH_EDGE_HZ = 3000.0
CYMBAL_MAX_LOW_FRACTION = 0.5
"""A cymbal or hi-hat keeps at most this share of its energy below LOW_EDGE_HZ (real ones: at most 0.39)."""
CYMBAL_MIN_HIGH_FRACTION = 0.02
"""... and at least this share above HIGH_EDGE_HZ (real ones: 0.12 and up; our procedural bells 0.04)."""
TOM_MIN_CENTROID_HZ = 60.0
"""A tom's power centroid sits above this (real floor toms: 74 Hz and up; kicks go down to 45 Hz)."""
ANALYSIS_S = 0.5
"""Seconds from the attack that the checks look at."""

KNOWN_MISLABELLED: dict[tuple[str, str], str] = {
    ("Audiophob", "Kick"): "a tom sample (86335__zgump__tom-0105.wav) all but identical to the kit's Tom Low",
}
"""(kit folder or name, instrument name) -> why the name is wrong, where no spectral rule can tell."""


def band_profile(sample: np.ndarray, sample_rate: int = SAMPLE_RATE) -> tuple[float, float, float]:
    """(share of energy below LOW_EDGE_HZ, share above HIGH_EDGE_HZ, power centroid in Hz) of the first
    ANALYSIS_S seconds of a trimmed one-shot (no window: the attack must count in full)."""
    x = np.asarray(sample, dtype=np.float64)[: int(ANALYSIS_S * sample_rate)]
    n_fft = 1 << max(12, int(np.ceil(np.log2(max(len(x), 2)))))
    power = np.abs(np.fft.rfft(x, n_fft)) ** 2
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    total = float(power.sum())
    if total <= 0.0:
        return 0.0, 0.0, 0.0
    return (float(power[freqs < LOW_EDGE_HZ].sum() / total), float(power[freqs > HIGH_EDGE_HZ].sum() / total),
            float((power * freqs).sum() / total))


def unsound_reason(label: str | None, sample: np.ndarray, sample_rate: int = SAMPLE_RATE) -> str | None:
    """Why `sample` cannot be a `label` (a class name), or None when it passes the checks."""
    if label in CYMBAL_CLASSES or label in TOM_CLASSES:
        low, high, centroid = band_profile(sample, sample_rate)
        if label in CYMBAL_CLASSES and low > CYMBAL_MAX_LOW_FRACTION:
            return f"{low:.0%} of its energy lies below {LOW_EDGE_HZ:.0f} Hz, not a {label}"
        if label in CYMBAL_CLASSES and high < CYMBAL_MIN_HIGH_FRACTION:
            return f"only {high:.0%} of its energy lies above {HIGH_EDGE_HZ:.0f} Hz, not a {label}"
        if label in TOM_CLASSES and centroid < TOM_MIN_CENTROID_HZ:
            return f"its centre of energy is {centroid:.0f} Hz, below any tom"
    return None


def known_mislabelled(kit_names: tuple[str, ...], instrument: str) -> str | None:
    """Why instrument `instrument` of a kit known by any of `kit_names` is listed as mislabelled, or None."""
    for kit in kit_names:
        why = KNOWN_MISLABELLED.get((kit, instrument))
        if why:
            return why
    return None
