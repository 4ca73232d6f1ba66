"""The shared time axis: one visible range (seconds) that every view's ViewBox follows."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

MIN_SPAN_S = 0.05
MAX_SPAN_S = 3600.0


class Timeline(QObject):
    """Visible time range [start_s, end_s] of all views, and the song duration they scroll over.

    Views link their pyqtgraph ViewBox with `link_viewbox`: a pan/zoom in one view moves the
    timeline, and the timeline moves every other view (so zoom and scroll stay in step).
    """

    range_changed = Signal(float, float)
    duration_changed = Signal(float)

    def __init__(self, duration_s: float = 60.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_s = float(duration_s)
        self.start_s, self.end_s = 0.0, min(10.0, self.duration_s)
        self._viewboxes: list = []
        self._syncing = False

    @property
    def span_s(self) -> float:
        return self.end_s - self.start_s

    def set_duration(self, duration_s: float) -> None:
        duration_s = max(1.0, float(duration_s))
        if duration_s != self.duration_s:
            self.duration_s = duration_s
            self.duration_changed.emit(duration_s)

    def set_range(self, start_s: float, end_s: float) -> None:
        span = min(max(end_s - start_s, MIN_SPAN_S), MAX_SPAN_S)
        start = max(-1.0, min(start_s, self.duration_s - span * 0.1))
        end = start + span
        if abs(start - self.start_s) < 1e-9 and abs(end - self.end_s) < 1e-9:
            return
        self.start_s, self.end_s = start, end
        self._push_to_viewboxes(None)
        self.range_changed.emit(start, end)

    def zoom(self, factor: float, center_s: float | None = None) -> None:
        """Zoom in (factor < 1) or out (factor > 1) around `center_s` (default: the middle)."""
        c = (self.start_s + self.end_s) / 2 if center_s is None else center_s
        self.set_range(c - (c - self.start_s) * factor, c + (self.end_s - c) * factor)

    def pan(self, delta_s: float) -> None:
        self.set_range(self.start_s + delta_s, self.end_s + delta_s)

    def center_on(self, seconds: float) -> None:
        half = self.span_s / 2
        self.set_range(seconds - half, seconds + half)

    def ensure_visible(self, start_s: float, end_s: float | None = None, margin: float = 0.1) -> None:
        """Scroll (without zooming) so that [start_s, end_s] is on screen, if it is not already."""
        end_s = start_s if end_s is None else end_s
        if start_s >= self.start_s and end_s <= self.end_s:
            return
        span = self.span_s
        if end_s - start_s > span * (1 - 2 * margin):
            self.set_range(start_s - span * margin, start_s + span * (1 - margin))
        elif start_s < self.start_s:
            self.set_range(start_s - span * margin, start_s - span * margin + span)
        else:
            self.set_range(end_s + span * margin - span, end_s + span * margin)

    # ---- pyqtgraph link ----------------------------------------------------------------------------
    def link_viewbox(self, viewbox) -> None:
        """Two-way link between a pyqtgraph ViewBox's x range and this timeline."""
        self._viewboxes.append(viewbox)
        viewbox.setXRange(self.start_s, self.end_s, padding=0)
        viewbox.sigXRangeChanged.connect(self._on_viewbox_changed)

    def _on_viewbox_changed(self, viewbox, rng) -> None:
        if self._syncing:
            return
        start, end = rng
        if abs(start - self.start_s) < 1e-9 and abs(end - self.end_s) < 1e-9:
            return
        self.start_s, self.end_s = float(start), float(end)
        self._push_to_viewboxes(viewbox)
        self.range_changed.emit(self.start_s, self.end_s)

    def _push_to_viewboxes(self, source) -> None:
        self._syncing = True
        try:
            for vb in self._viewboxes:
                if vb is not source:
                    vb.setXRange(self.start_s, self.end_s, padding=0)
        finally:
            self._syncing = False
