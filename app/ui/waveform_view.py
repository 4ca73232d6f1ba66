"""Waveform of the song on the shared timeline, and a whole-song overview strip to navigate."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.ui.document import ChartDocument
from app.ui.theme import PLAYHEAD, WAVEFORM
from app.ui.time_plot import TimePlot
from app.ui.timeline import Timeline


def _pairs(view) -> tuple[np.ndarray, np.ndarray]:
    """Vertical min-max segments, one per bin, for a 'pairs' curve."""
    n = len(view.min)
    x = np.repeat(view.start_s + (np.arange(n) + 0.5) * view.bin_s, 2)
    y = np.empty(2 * n, dtype=np.float32)
    y[0::2], y[1::2] = view.min, view.max
    return x, y


class WaveformView(TimePlot):
    """Min/max peaks for the visible range, one bin per pixel, read from the peak pyramid
    (cheap enough for the GUI thread: the pyramid itself is built by a worker)."""

    def __init__(self, document: ChartDocument, timeline: Timeline, parent=None) -> None:
        super().__init__(document, timeline, parent=parent)
        self.setMinimumHeight(90)
        self.viewbox.setYRange(-1.0, 1.0, padding=0.02)
        self.getPlotItem().getAxis("left").setTicks([[(0, "wave")], []])
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(WAVEFORM, width=1), connect="pairs", antialias=False)
        self.addItem(self.curve)
        self.message = pg.TextItem("no audio", color="#8a90a0", anchor=(0, 0.5))
        self.addItem(self.message, ignoreBounds=True)
        self.loop_region = pg.LinearRegionItem(brush=pg.mkBrush(255, 255, 255, 25))
        self.loop_region.setVisible(False)
        self.loop_region.sigRegionChangeFinished.connect(lambda r: document.set_loop(r.getRegion()))
        self.addItem(self.loop_region, ignoreBounds=True)
        document.loop_changed.connect(self._on_loop)
        self.pyramid = None

    def set_pyramid(self, pyramid) -> None:
        self.pyramid = pyramid
        self.message.setVisible(pyramid is None)
        self.on_range_changed(self.timeline.start_s, self.timeline.end_s)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setPos(self.timeline.start_s, 0)
        self.message.setVisible(True)

    def on_range_changed(self, start: float, end: float) -> None:
        if self.pyramid is None:
            self.message.setPos(start, 0)
            return
        view = self.pyramid.view(max(0.0, start), end, max(64, int(self.viewbox.width())))
        x, y = _pairs(view)
        peak = float(np.max(np.abs(self.pyramid.levels[-1][1].max))) if self.pyramid.levels else 1.0
        self.viewbox.setYRange(-max(peak, 1e-3), max(peak, 1e-3), padding=0.02)
        self.curve.setData(x=x, y=y)

    def _on_loop(self, loop) -> None:
        self.loop_region.setVisible(loop is not None)
        if loop is not None:
            self.loop_region.blockSignals(True)
            self.loop_region.setRegion(loop)
            self.loop_region.blockSignals(False)

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if "pyramid" in self.__dict__:
            self.on_range_changed(self.timeline.start_s, self.timeline.end_s)


class OverviewStrip(pg.PlotWidget):
    """The whole song in a thin strip; the highlighted region is the visible range (drag or click it)."""

    def __init__(self, document: ChartDocument, timeline: Timeline, parent=None) -> None:
        super().__init__(parent=parent)
        self.document, self.timeline = document, timeline
        self.setFixedHeight(46)
        pi = self.getPlotItem()
        pi.hideButtons()
        pi.setMenuEnabled(False)
        pi.hideAxis("bottom")
        pi.getAxis("left").setWidth(52)
        pi.getAxis("left").setTicks([[(0, "song")], []])
        vb = pi.getViewBox()
        vb.setMouseEnabled(x=False, y=False)
        vb.setMenuEnabled(False)
        vb.mouseClickEvent = self._click
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(WAVEFORM, width=1), connect="pairs")
        self.addItem(self.curve)
        self.region = pg.LinearRegionItem((timeline.start_s, timeline.end_s), brush=pg.mkBrush(255, 255, 255, 40))
        self.region.sigRegionChanged.connect(self._region_moved)
        self.addItem(self.region, ignoreBounds=True)
        self.playhead = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen(PLAYHEAD, width=1))
        self.addItem(self.playhead, ignoreBounds=True)
        document.cursor_changed.connect(self.playhead.setValue)
        timeline.range_changed.connect(self._range_changed)
        timeline.duration_changed.connect(self._duration_changed)
        self._duration_changed(timeline.duration_s)

    def set_pyramid(self, pyramid) -> None:
        if pyramid is None:
            self.curve.setData(x=np.zeros(0), y=np.zeros(0))
            return
        x, y = _pairs(pyramid.view(0.0, pyramid.duration_s, 1500))
        self.curve.setData(x=x, y=y)
        self.getPlotItem().getViewBox().setYRange(float(y.min(initial=-1)), float(y.max(initial=1)), padding=0.05)

    def _duration_changed(self, duration: float) -> None:
        self.getPlotItem().getViewBox().setXRange(0, duration, padding=0)

    def _range_changed(self, start: float, end: float) -> None:
        self.region.blockSignals(True)
        self.region.setRegion((start, end))
        self.region.blockSignals(False)

    def _region_moved(self) -> None:
        a, b = self.region.getRegion()
        self.timeline.set_range(a, b)

    def _click(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            x = self.getPlotItem().getViewBox().mapToView(ev.pos()).x()
            self.timeline.center_on(x)
            ev.accept()
