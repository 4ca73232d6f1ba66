"""Base of the time-linked plots (waveform, spectrogram, tempo strip): shared axis, playhead, click-to-seek."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.ui.axes import TimeAxisItem
from app.ui.document import ChartDocument
from app.ui.theme import PLAYHEAD
from app.ui.timeline import Timeline


class TimeViewBox(pg.ViewBox):
    """Wheel zooms time only; a left click sets the document cursor; drags pan time."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.on_click = None
        self.on_drag = None
        self.setMouseEnabled(x=True, y=False)

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph API
        if ev.button() == Qt.MouseButton.LeftButton and self.on_click is not None:
            self.on_click(self.mapToView(ev.pos()).x())
            ev.accept()
            return
        ev.ignore()

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - pyqtgraph API
        if self.on_drag is not None and self.on_drag(ev):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis=0)


class TimePlot(pg.PlotWidget):
    """A PlotWidget on the shared timeline with a playhead that follows the document cursor."""

    def __init__(self, document: ChartDocument, timeline: Timeline, show_time_axis: bool = False,
                 parent=None) -> None:
        self.viewbox = TimeViewBox()
        axes = {"bottom": TimeAxisItem("bottom")}
        super().__init__(parent=parent, viewBox=self.viewbox, axisItems=axes)
        self.document, self.timeline = document, timeline
        pi = self.getPlotItem()
        pi.hideButtons()
        pi.setMenuEnabled(False)
        pi.showAxis("bottom", show_time_axis)
        pi.getAxis("left").setWidth(52)
        self.playhead = pg.InfiniteLine(pos=document.cursor_s, angle=90, pen=pg.mkPen(PLAYHEAD, width=2))
        self.playhead.setZValue(50)
        pi.addItem(self.playhead, ignoreBounds=True)
        self.viewbox.on_click = document.set_cursor
        document.cursor_changed.connect(self.playhead.setValue)
        timeline.link_viewbox(self.viewbox)
        timeline.range_changed.connect(self.on_range_changed)

    def on_range_changed(self, start: float, end: float) -> None:
        """Subclasses redraw for the new visible range."""
