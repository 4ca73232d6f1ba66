"""Activations -> drum hits: vectorised peak picking, onset gate, spacing, branch NMS, tom/cymbal arbitration."""
from __future__ import annotations

import copy
from functools import lru_cache

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import yaml

from app.transcription.activations import Activations, DrumHit
from app.resources import resource_path
from app.transcription.mapping import arbitration_pairs

PRESETS_PATH = resource_path("decode_presets.yaml")


@dataclass(frozen=True)
class DecodeParams:
    """All decode knobs (times in ms, converted to frames at the activations' frame rate).

    Effective per-class `thresholds` already include calibration, preset scale and user sensitivity.
    See resources/decode_presets.yaml for what each knob does and the shipped values.
    """

    thresholds: Mapping[str, float]
    min_spacing_ms: Mapping[str, float] = field(default_factory=dict)
    timing_offsets_ms: Mapping[str, float] = field(default_factory=dict)
    default_threshold: float = 0.5
    default_min_spacing_ms: float = 20.0
    peak_radius_ms: float = 10.0
    adaptive_window_ms: float = 0.0
    adaptive_delta: float = 0.0
    onset_gate: float = 0.0
    gate_radius_ms: float = 12.0
    nms_groups: tuple[tuple[str, ...], ...] = ()
    nms_window_ms: float = 15.0
    nms_keep_ratio: float = 1.0
    arbitration_window_ms: float = 12.0
    tom_margin: float = 0.0
    use_offset_head: bool = True

    def threshold(self, name: str) -> float:
        return float(self.thresholds.get(name, self.default_threshold))


def _frames(ms: float, frame_rate: float) -> int:
    """Frames within +-ms (windows: gate, NMS, arbitration, moving average)."""
    return max(0, int(round(ms * frame_rate / 1000.0)))


def _frames_below(ms: float, frame_rate: float) -> int:
    """Largest frame distance that is strictly less than `ms` (spacings: 10 ms at 5.8 ms/frame -> 1)."""
    return max(0, int(math.ceil(ms * frame_rate / 1000.0 - 1e-9)) - 1)


def _side_max(x: np.ndarray, radius: np.ndarray | int, side: int) -> np.ndarray:
    """Max of x over the `radius` frames strictly before (side=-1) or after (side=+1) each frame.

    x: (T, C) non-negative; radius: int or (C,) per column; frames outside count as 0.
    """
    radius = np.broadcast_to(np.asarray(radius), (x.shape[1],))
    out = np.zeros_like(x)
    for r in range(1, int(radius.max(initial=0)) + 1):
        cols = radius >= r
        if r >= x.shape[0]:
            break
        if side < 0:
            out[r:, cols] = np.maximum(out[r:, cols], x[:-r, cols])
        else:
            out[:-r, cols] = np.maximum(out[:-r, cols], x[r:, cols])
    return out


def _around_max(x: np.ndarray, radius: int) -> np.ndarray:
    """Max over frames k - radius .. k + radius (inclusive) of a (T, C) non-negative array."""
    return np.maximum(x, np.maximum(_side_max(x, radius, -1), _side_max(x, radius, 1)))


def _moving_average(x: np.ndarray, radius: int) -> np.ndarray:
    """Mean over k - radius .. k + radius (edges average what exists), (T, C)."""
    c = np.cumsum(np.pad(x, ((1, 0), (0, 0))), axis=0, dtype=np.float64)
    t = x.shape[0]
    hi = np.minimum(np.arange(t) + radius + 1, t)
    lo = np.maximum(np.arange(t) - radius, 0)
    return ((c[hi] - c[lo]) / (hi - lo)[:, None]).astype(x.dtype)


def peak_mask(act: Activations, params: DecodeParams) -> np.ndarray:
    """(T, C) strengths of the peaks that survive every rule (0 elsewhere)."""
    p = np.nan_to_num(np.asarray(act.probs, dtype=np.float32))
    fr = act.frame_rate
    names = list(act.classes)
    col = {n: i for i, n in enumerate(names)}
    thr = np.array([params.threshold(n) for n in names], np.float32)

    r = max(1, _frames_below(params.peak_radius_ms, fr))
    keep = (p >= thr) & (p > _side_max(p, r, -1)) & (p >= _side_max(p, r, 1))
    if params.adaptive_window_ms > 0:
        keep &= p >= _moving_average(p, _frames(params.adaptive_window_ms, fr)) + params.adaptive_delta
    if params.onset_gate > 0 and act.onset is not None:
        gate = _around_max(np.asarray(act.onset, np.float32)[:, None], _frames(params.gate_radius_ms, fr))
        keep &= gate >= params.onset_gate
    q = np.where(keep, p, 0.0).astype(np.float32)

    # per-class minimum spacing (two hits closer than it conflict): a peak must beat earlier peaks
    # and tie-or-beat later ones in range (a peak suppressed here still suppresses, unlike greedy NMS)
    spacing = np.array([_frames_below(params.min_spacing_ms.get(n, params.default_min_spacing_ms), fr) for n in names])
    if spacing.max(initial=0) > 0:
        q = np.where((q > _side_max(q, spacing, -1)) & (q >= _side_max(q, spacing, 1)), q, 0.0)

    # non-maximum suppression among the fine classes of one group (hi-hat closed vs open ...)
    w = _frames(params.nms_window_ms, fr)
    for group in params.nms_groups:
        idx = [col[n] for n in group if n in col]
        if len(idx) < 2:
            continue
        sub = q[:, idx]
        new = sub.copy()
        for j in range(len(idx)):
            others = np.delete(sub, j, axis=1).max(axis=1, keepdims=True)
            rival = _around_max(others, w)[:, 0]
            new[:, j] = np.where(sub[:, j] >= params.nms_keep_ratio * rival, sub[:, j], 0.0)
        q[:, idx] = new

    # a cymbal and a tom of one colour cannot share a tick: the tom needs to win by tom_margin
    aw = _frames(params.arbitration_window_ms, fr)
    for cymbals, tom in arbitration_pairs():
        cy = [col[n] for n in cymbals if n in col]
        if tom not in col or not cy:
            continue
        t = col[tom]
        cy_max = _around_max(q[:, cy].max(axis=1, keepdims=True), aw)[:, 0]
        tom_max = _around_max(q[:, [t]], aw)[:, 0]
        tom_wins = q[:, t] > cy_max + params.tom_margin
        q[:, t] = np.where((cy_max == 0) | tom_wins, q[:, t], 0.0)
        for c in cy:
            q[:, c] = np.where((tom_max == 0) | (q[:, c] + params.tom_margin >= tom_max), q[:, c], 0.0)
    return q


def decode(activations: Activations, params: DecodeParams) -> list[DrumHit]:
    """Hits sorted by time (then class order); confidence = peak probability, velocity from the head."""
    act = activations
    q = peak_mask(act, params)
    k, c = np.nonzero(q)
    if len(k) == 0:
        return []
    p = np.asarray(act.probs, np.float32)
    conf = p[k, c]
    if params.use_offset_head and act.offset_frames is not None:
        frac = np.clip(np.asarray(act.offset_frames, np.float32)[k, c], -0.5, 0.5)
    else:  # parabolic interpolation through the peak and its neighbours
        left = p[np.maximum(k - 1, 0), c]
        right = p[np.minimum(k + 1, len(p) - 1), c]
        den = left - 2.0 * conf + right
        frac = np.clip(np.where(den < 0, 0.5 * (left - right) / np.where(den < 0, den, -1.0), 0.0), -0.5, 0.5)
    names = list(act.classes)
    shift_s = np.array([params.timing_offsets_ms.get(n, 0.0) / 1000.0 for n in names])
    times = np.maximum((k + frac) / act.frame_rate + shift_s[c], 0.0)
    vel = np.clip(np.asarray(act.velocity, np.float32)[k, c], 0.0, 1.0) if act.velocity is not None else conf
    order = np.lexsort((c, times))
    return [DrumHit(t, names[ci], cf, v) for t, ci, cf, v in
            zip(times[order].tolist(), c[order].tolist(), conf[order].tolist(), vel[order].tolist())]


# ---- presets ------------------------------------------------------------------------------------

def sensitivity_scale(sensitivity: float) -> float:
    """Threshold factor for an editor slider value 0..1 (0.5 = as decoded, 1 = half the threshold, 0 = double)."""
    return float(4.0 ** (0.5 - min(max(float(sensitivity), 0.0), 1.0)))


def _load_yaml(path: Path = PRESETS_PATH) -> dict[str, Any]:
    """The presets file, parsed once per modification (re-decoding from a slider must not re-parse it)."""
    path = Path(path)
    return copy.deepcopy(_parse_yaml(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _parse_yaml(path: Path, mtime_ns: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def preset_names(path: Path = PRESETS_PATH) -> list[str]:
    return list(_load_yaml(path)["presets"])


def load_preset(name: str, calibration: Any = None, overrides: Mapping[str, float] | None = None,
                path: Path = PRESETS_PATH) -> DecodeParams:
    """DecodeParams for preset `name`.

    Thresholds: the YAML base per class, replaced by the checkpoint calibration's where it has one,
    times the preset's threshold_scale (and class_threshold_scale), times the user's per-class
    sensitivity (`overrides`: class -> 0..1, see `sensitivity_scale`), clipped to 0.01..0.99.
    Timing offsets come from the calibration (Calibration or a mapping with the same fields).
    """
    doc = _load_yaml(path)
    presets = doc.get("presets", {})
    if name not in presets:
        raise KeyError(f"unknown decode preset {name!r}; known: {', '.join(presets)}")
    merged: dict[str, Any] = {**doc.get("base", {}), **(presets[name] or {})}
    scale = float(merged.pop("threshold_scale", 1.0))
    class_scale = dict(merged.pop("class_threshold_scale", {}) or {})
    thresholds = dict(merged.pop("thresholds", {}) or {})
    cal_thr = _cal_field(calibration, "thresholds")
    cal_off = _cal_field(calibration, "timing_offsets_ms")
    thresholds.update(cal_thr)
    for n in list(thresholds):
        t = thresholds[n] * scale * float(class_scale.get(n, 1.0))
        if overrides and n in overrides:
            t *= sensitivity_scale(overrides[n])
        thresholds[n] = float(min(max(t, 0.01), 0.99))
    if overrides:
        unknown = set(overrides) - set(thresholds)
        if unknown:
            raise KeyError(f"sensitivity for unknown classes {sorted(unknown)}")
    known = {f.name for f in fields(DecodeParams)}
    bad = set(merged) - known
    if bad:
        raise KeyError(f"unknown decode knobs in preset {name!r}: {sorted(bad)}")
    if "nms_groups" in merged:
        merged["nms_groups"] = tuple(tuple(g) for g in merged["nms_groups"])
    return DecodeParams(thresholds=thresholds, timing_offsets_ms=dict(cal_off), **merged)


def _cal_field(calibration: Any, name: str) -> Mapping[str, float]:
    if calibration is None:
        return {}
    value = calibration.get(name) if isinstance(calibration, Mapping) else getattr(calibration, name, None)
    return {str(k): float(v) for k, v in (value or {}).items()}


def hits_per_class(hits: Sequence[DrumHit]) -> dict[str, int]:
    """Count of hits by fine class (for summaries and tests)."""
    out: dict[str, int] = {}
    for h in hits:
        out[h.drum] = out.get(h.drum, 0) + 1
    return out
