"""The note-lane grid: a pyqtgraph view over the document (time across, five lanes down)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsRectItem

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.ui.axes import TimeAxisItem
from app.ui.document import ChartDocument
from app.ui.glyphs import LANE_LABELS, LANE_ROW, ROW_LANE
from app.ui.lane_layers import GridLayer, NoteLayer, SpanLayer
from app.ui.theme import LANE_STRIPE, PLAYHEAD, lane_color
from app.ui.timeline import Timeline

Y_MIN, Y_MAX = -0.6, 4.9


class LaneViewBox(pg.ViewBox):
    """A ViewBox whose left-button clicks and drags go to the lane editor; wheel zooms time only."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.editor = None  # set by LaneView

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph API
        if self.editor is not None and self.editor.click(ev):
            ev.accept()
            return
        ev.ignore()

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - pyqtgraph API
        if self.editor is not None and self.editor.drag(ev):
            ev.accept()
            return
        if ev.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton) and self.editor is not None:
            self.editor.pan_drag(ev)
            ev.accept()
            return
        ev.ignore()


class LaneView(pg.PlotWidget):
    """Notes of the document's current difficulty on the shared timeline.

    Draws only a window around the visible range (re-queried when the view leaves it), with one
    scatter item per note style. While a drag previews a move, `preview` holds (keys, dticks, dlanes).
    """

    def __init__(self, document: ChartDocument, timeline: Timeline, parent=None) -> None:
        self.viewbox = LaneViewBox()
        super().__init__(parent=parent, viewBox=self.viewbox, axisItems={"bottom": TimeAxisItem("bottom")})
        self.document, self.timeline = document, timeline
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(180)
        pi = self.getPlotItem()
        pi.hideButtons()
        pi.setMenuEnabled(False)
        pi.showGrid(x=False, y=False)
        self.viewbox.setMouseEnabled(x=True, y=False)
        self.viewbox.setYRange(Y_MIN, Y_MAX, padding=0)
        self.viewbox.setLimits(yMin=Y_MIN - 0.2, yMax=Y_MAX + 0.2)
        left = pi.getAxis("left")
        left.setTicks([[(LANE_ROW[lane], LANE_LABELS[lane]) for lane in Lane], []])
        left.setWidth(52)
        self._add_lane_stripes(pi)
        self.grid = GridLayer(pi, Y_MIN, Y_MAX)
        self.spans = SpanLayer(pi, Y_MAX)
        self.notes = NoteLayer(pi)
        self.playhead = pg.InfiniteLine(pos=document.cursor_s, angle=90, pen=pg.mkPen(PLAYHEAD, width=2))
        self.playhead.setZValue(50)
        pi.addItem(self.playhead, ignoreBounds=True)
        self.loop_region = pg.LinearRegionItem(brush=pg.mkBrush(255, 255, 255, 18), movable=False)
        self.loop_region.setZValue(-5)
        self.loop_region.setVisible(False)
        pi.addItem(self.loop_region, ignoreBounds=True)
        self.rubber_band = QGraphicsRectItem()
        self.rubber_band.setPen(pg.mkPen("#9fc5ff", width=1, style=Qt.PenStyle.DashLine))
        self.rubber_band.setBrush(pg.mkBrush(120, 170, 255, 40))
        self.rubber_band.setZValue(60)
        self.rubber_band.setVisible(False)
        pi.addItem(self.rubber_band, ignoreBounds=True)
        self.preview: tuple[frozenset, int, int] | None = None
        self.press_modifiers = Qt.KeyboardModifier.NoModifier
        self._window: tuple[float, float] | None = None  # seconds drawn (cached window)
        self._refresh_timer = QTimer(self, singleShot=True, interval=0, timeout=self.refresh)

        from app.ui.lane_editor import LaneEditor
        self.editor = LaneEditor(self)
        self.viewbox.editor = self.editor
        timeline.link_viewbox(self.viewbox)
        timeline.range_changed.connect(self._on_range)
        for signal in (document.chart_changed, document.selection_changed, document.difficulty_changed,
                       document.snap_changed):
            signal.connect(self.invalidate)
        document.cursor_changed.connect(self.playhead.setValue)
        document.loop_changed.connect(self._on_loop)
        self.refresh()

    def _add_lane_stripes(self, pi: pg.PlotItem) -> None:
        for lane in Lane:
            row = LANE_ROW[lane]
            color = QColor(lane_color(lane, 22)) if lane is Lane.KICK else QColor(LANE_STRIPE)
            band = pg.LinearRegionItem((row - 0.42, row + 0.42), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(color), pen=pg.mkPen(None))
            band.setZValue(-10)
            for line in band.lines:
                line.setPen(pg.mkPen(None))
            pi.addItem(band, ignoreBounds=True)

    # ---- coordinates -------------------------------------------------------------------------------
    def view_pos(self, time_s: float, lane: Lane) -> QPoint:
        """Viewport pixel of (audio time, lane): what a user would click."""
        scene = self.viewbox.mapViewToScene(QPointF(time_s, LANE_ROW[Lane(lane)]))
        return self.mapFromScene(scene)

    def px_per_s(self) -> float:
        span = max(1e-6, self.timeline.span_s)
        return self.viewbox.width() / span if self.viewbox.width() > 0 else 100.0

    @staticmethod
    def lane_at_y(y: float) -> Lane | None:
        row = int(round(y))
        return ROW_LANE.get(row) if abs(y - row) <= 0.5 else None

    # ---- refresh -----------------------------------------------------------------------------------
    def invalidate(self, *_args) -> None:
        """Redraw soon (coalesces several signals into one redraw)."""
        self._window = None
        self._refresh_timer.start()

    def _on_range(self, start: float, end: float) -> None:
        w = self._window
        if w is None or start < w[0] or end > w[1] or (end - start) * 6 < (w[1] - w[0]):
            self.refresh()

    def _on_loop(self, loop) -> None:
        self.loop_region.setVisible(loop is not None)
        if loop is not None:
            self.loop_region.setRegion(loop)

    def set_preview(self, preview: tuple[frozenset, int, int] | None) -> None:
        self.preview = preview
        self.refresh()

    def visible_notes(self, start_tick: int, end_tick: int) -> tuple[list[Note], list[Note]]:
        """(notes, selected notes) in the tick window, with a drag preview applied."""
        doc = self.document
        notes = doc.notes.in_range(start_tick, end_tick)
        selected_keys = {(t, lane) for d, t, lane in doc.selection if d is doc.difficulty}
        if self.preview is None:
            return notes, [n for n in notes if (n.tick, n.lane) in selected_keys]
        keys, dt, dl = self.preview
        moving = [n for n in doc.notes if (doc.difficulty, n.tick, n.lane) in keys]
        moved = [n.with_(tick=n.tick + dt, lane=Lane(int(n.lane) + dl)) for n in moving
                 if n.tick + dt >= 0 and 0 <= int(n.lane) + dl <= int(Lane.GREEN)]
        moved_keys = {m.key for m in moved}
        stay = [n for n in notes if (doc.difficulty, n.tick, n.lane) not in keys and n.key not in moved_keys]
        return stay + moved, moved

    def refresh(self) -> None:
        doc, tl = self.document, self.timeline
        span = tl.span_s
        w0, w1 = tl.start_s - span, tl.end_s + span
        self._window = (w0, w1)
        t0 = max(0, int(doc.s_to_tick(w0)) - 1)
        t1 = max(t0 + 1, int(doc.s_to_tick(w1)) + 2)
        delay = doc.chart.metadata.delay_ms / 1000.0
        tm = doc.chart.tempo_map

        def ticks_to_s(ticks: np.ndarray) -> np.ndarray:
            return tm.ticks_to_s(ticks) + delay

        notes, selected = self.visible_notes(t0, t1)
        self.notes.set_notes(notes, selected, ticks_to_s)
        self.grid.update(tm, t0, t1, doc.snap, ticks_to_s, self.px_per_s())
        phrases = [p for p in doc.chart.drums.phrases if p.end_tick >= t0 and p.tick <= t1]
        sections = [s for s in doc.chart.sections if t0 <= s.tick <= t1]
        self.spans.update(phrases, sections, self._roll_row, doc.tick_to_s)

    def _roll_row(self, phrase) -> int:
        notes = self.document.notes.in_range(phrase.tick, phrase.end_tick)
        lanes = [n.lane for n in notes if n.lane.is_pad]
        lane = max(set(lanes), key=lanes.count) if lanes else Lane.RED
        return LANE_ROW[lane]

    # ---- keys the view handles itself (the window's actions handle the rest) -------------------------
    def keyPressEvent(self, ev):  # noqa: N802 - Qt API
        if ev.key() == Qt.Key.Key_Escape and self.editor.abort():
            ev.accept()
            return
        super().keyPressEvent(ev)

    def mousePressEvent(self, ev):  # noqa: N802 - Qt API
        self.press_modifiers = ev.modifiers()  # a drag's mode is chosen by the modifiers held at the press
        super().mousePressEvent(ev)

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if "_refresh_timer" in self.__dict__:
            self.invalidate()
