"""Model confidence on the lane grid: rings around model-made notes (red when doubtful) and hover/selection labels."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor

from app.domain.lanes import Difficulty
from app.ui.glyphs import LANE_ROW
from app.ui.lane_layers import PassiveScatter

if TYPE_CHECKING:
    from app.ui.autochart import AutoChartController
    from app.ui.lane_view import LaneView

DOUBTFUL_COLOR = "#ff4d3a"
UNSURE_COLOR = "#ffc34d"


def ring_pen(confidence: float, threshold: float):
    """Red ring below the threshold; above it an amber ring that fades out as confidence rises."""
    if math.isnan(confidence):
        return pg.mkPen(None)
    if confidence < threshold:
        return pg.mkPen(DOUBTFUL_COLOR, width=2.4)
    color = QColor(UNSURE_COLOR)
    color.setAlpha(int(max(0.0, 1.0 - (confidence - threshold) / max(1e-6, 1.0 - threshold)) * 150))
    return pg.mkPen(color, width=1.4)


class ConfidenceOverlay:
    """A scatter of rings drawn over the LaneView's notes; redrawn (coalesced) when chart, view or state change."""

    def __init__(self, lanes: "LaneView", controller: "AutoChartController") -> None:
        self.lanes, self.controller = lanes, controller
        self.document = doc = lanes.document
        self.rings = PassiveScatter(pxMode=True, symbol="o", size=26, brush=None)
        self.rings.setZValue(25)
        lanes.getPlotItem().addItem(self.rings)
        self._timer = QTimer(lanes, singleShot=True, interval=0, timeout=self.refresh)
        for signal in (doc.chart_changed, doc.difficulty_changed, controller.state_changed,
                       lanes.timeline.range_changed):
            signal.connect(lambda *_a: self._timer.start())
        doc.selection_changed.connect(self._selection_label)
        lanes.scene().sigMouseMoved.connect(self._hover)
        self.refresh()

    def refresh(self) -> None:
        doc, tl = self.document, self.lanes.timeline
        state = doc.autochart
        if not state.active or doc.difficulty is not Difficulty.EXPERT:
            self.rings.setData(x=[], y=[])
            return
        span = tl.span_s
        t0 = max(0, int(doc.s_to_tick(tl.start_s - span)) - 1)
        t1 = max(t0 + 1, int(doc.s_to_tick(tl.end_s + span)) + 2)
        shown = [(n, m) for n in doc.notes.in_range(t0, t1) if (m := state.model_note(n)) is not None]
        if not shown:
            self.rings.setData(x=[], y=[])
            return
        ticks = np.array([n.tick for n, _ in shown], dtype=np.float64)
        xs = doc.chart.tempo_map.ticks_to_s(ticks) + doc.chart.metadata.delay_ms / 1000.0
        ys = [float(LANE_ROW[n.lane]) for n, _ in shown]
        thr = self.controller.doubt_threshold
        self.rings.setData(x=xs, y=ys, pen=[ring_pen(m.confidence, thr) for _, m in shown])

    def ring_count(self) -> int:
        return len(self.rings.data)

    def _label(self, note) -> str | None:
        m = self.document.autochart.model_note(note)
        return f"{m.label()} (model)" if m is not None else None

    def _selection_label(self) -> None:
        notes = self.document.selected_notes()
        if len(notes) == 1 and self.document.difficulty is Difficulty.EXPERT:
            text = self._label(notes[0])
            if text:
                self.controller.message.emit(text)

    def _hover(self, scene_pos) -> None:
        lanes = self.lanes
        if not self.document.autochart.active or not lanes.viewbox.sceneBoundingRect().contains(scene_pos):
            return
        p = lanes.viewbox.mapSceneToView(scene_pos)
        note = lanes.editor.note_at(p.x(), p.y())
        text = self._label(note) if note is not None else None
        lanes.setToolTip(text or "")
        if text:
            self.controller.message.emit(text)
