"""Per-class decode calibration (thresholds, timing offsets in ms) and its validation; no torch."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

MAX_TIMING_OFFSET_MS = 200.0


@dataclass
class Calibration:
    """Decode calibration measured on validation data.

    thresholds: class -> peak threshold (0..1); timing_offsets_ms: class -> milliseconds *added*
    to every decoded time of that class (a model that fires 4 ms late carries -4.0).
    """

    thresholds: dict[str, float] = field(default_factory=dict)
    timing_offsets_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {"thresholds": {k: float(v) for k, v in self.thresholds.items()},
                "timing_offsets_ms": {k: float(v) for k, v in self.timing_offsets_ms.items()}}


def calibration_from_dict(calib: Any, classes: Sequence[str], fail: Callable[[str], Exception]) -> Calibration:
    """A stored calibration dict, checked against the model's classes; raises fail(one-line reason)."""
    calib = calib or {}
    try:
        calibration = Calibration({str(k): float(v) for k, v in dict(calib.get("thresholds", {})).items()},
                                  {str(k): float(v) for k, v in dict(calib.get("timing_offsets_ms", {})).items()})
    except (TypeError, ValueError, AttributeError) as exc:
        raise fail(f"calibration is malformed: {exc}") from exc
    for name, thr in calibration.thresholds.items():
        if name not in classes or not (0.0 < thr < 1.0):
            raise fail(f"calibration threshold {name}={thr} is not a class of the model with 0 < threshold < 1")
    for name, off in calibration.timing_offsets_ms.items():
        if name not in classes or not math.isfinite(off) or abs(off) > MAX_TIMING_OFFSET_MS:
            raise fail(f"calibration timing offset {name}={off} ms is not a class of the model within "
                       f"+-{MAX_TIMING_OFFSET_MS:g} ms")
    return calibration
