"""Axis items: song time as m:ss.mmm and lane names."""
from __future__ import annotations

import pyqtgraph as pg


def format_time(seconds: float, decimals: int = 3) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    m, s = divmod(seconds, 60.0)
    return f"{sign}{int(m)}:{s:0{3 + decimals if decimals else 2}.{decimals}f}"


class TimeAxisItem(pg.AxisItem):
    """Bottom axis in minutes:seconds, with as many decimals as the zoom needs."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        decimals = 0 if spacing >= 1 else (1 if spacing >= 0.1 else (2 if spacing >= 0.01 else 3))
        return [format_time(v, decimals) for v in values]
