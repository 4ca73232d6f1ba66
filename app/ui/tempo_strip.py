"""Tempo strip: beat/bar ticks, tempo and time-signature markers; drag a beat onto the audio to anchor it."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from app.domain import edits as E
from app.ui.document import ChartDocument
from app.ui.theme import BAR_LINE, BEAT_LINE
from app.ui.time_plot import TimePlot
from app.ui.timeline import Timeline

GRAB_PX = 8.0


class TempoStrip(TimePlot):
    """Markers for the tempo map. A left drag that starts on a beat line moves that beat to where it
    is released: `edits.anchor_beat` (notes keep their audio times), one undo step; Escape aborts.
    Double-click a marker to edit it (edit_tempo_requested / edit_signature_requested carry its tick)."""

    edit_tempo_requested = Signal(int)
    edit_signature_requested = Signal(int)
    status_message = Signal(str)

    def __init__(self, document: ChartDocument, timeline: Timeline, parent=None) -> None:
        super().__init__(document, timeline, parent=parent)
        self.setFixedHeight(58)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewbox.setYRange(0, 1, padding=0)
        self.getPlotItem().getAxis("left").setTicks([[(0.5, "tempo")], []])
        self.beats = pg.PlotCurveItem(pen=pg.mkPen(BEAT_LINE, width=1), connect="pairs")
        self.bars = pg.PlotCurveItem(pen=pg.mkPen(BAR_LINE, width=1.5), connect="pairs")
        self.addItem(self.beats)
        self.addItem(self.bars)
        self.drag_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ffd166", width=2, style=Qt.PenStyle.DashLine))
        self.drag_line.setVisible(False)
        self.addItem(self.drag_line, ignoreBounds=True)
        self.labels: list[pg.TextItem] = []
        self._window: tuple[float, float] | None = None
        self._drag_tick: int | None = None
        self.viewbox.on_drag = self._drag
        self.viewbox.mouseClickEvent = self._click
        document.chart_changed.connect(self._invalidate)
        self.refresh()

    # ---- drawing ----------------------------------------------------------------------------------------
    def _invalidate(self, *_args) -> None:
        self._window = None
        self.refresh()

    def on_range_changed(self, start: float, end: float) -> None:
        w = self._window
        if w is None or start < w[0] or end > w[1] or (end - start) * 6 < (w[1] - w[0]):
            self.refresh()

    def refresh(self) -> None:
        doc, tl = self.document, self.timeline
        w0, w1 = tl.start_s - tl.span_s, tl.end_s + tl.span_s
        self._window = (w0, w1)
        t0, t1 = max(0, int(doc.s_to_tick(w0))), max(1, int(doc.s_to_tick(w1)) + 1)
        tm = doc.chart.tempo_map
        beats = list(tm.beats(t0, t1))
        delay = doc.chart.metadata.delay_ms / 1000.0
        for item, ticks, top in ((self.bars, [t for t, b in beats if b], 1.0),
                                 (self.beats, [t for t, b in beats if not b], 0.35)):
            xs = tm.ticks_to_s(np.array(ticks, dtype=np.float64)) + delay
            item.setData(x=np.repeat(xs, 2), y=np.tile([0.0, top], len(xs)))
        for label in self.labels:
            self.removeItem(label)
        self.labels = []
        for t in tm.tempos:
            if t0 <= t.tick <= t1:
                color = "#ffd166" if t.anchor_s is not None else "#e9ecf2"
                self._label(f"{t.bpm:g} BPM" + (" (anchor)" if t.anchor_s is not None else ""), t.tick, 1.0, color)
        for s in tm.time_signatures:
            if t0 <= s.tick <= t1:
                self._label(f"{s.numerator}/{s.denominator}", s.tick, 0.5, "#9fd3ff")

    def _label(self, text: str, tick: int, y: float, color: str) -> None:
        label = pg.TextItem(text, color=color, anchor=(0, 0))
        label.setPos(self.document.tick_to_s(tick), y)
        self.addItem(label, ignoreBounds=True)
        self.labels.append(label)

    # ---- interaction -------------------------------------------------------------------------------------
    def beat_near(self, time_s: float) -> int | None:
        """Tick of the beat line within a few pixels of `time_s`."""
        doc = self.document
        tol = GRAB_PX * self.timeline.span_s / max(1.0, self.viewbox.width())
        t0, t1 = max(0, int(doc.s_to_tick(time_s - tol))), int(doc.s_to_tick(time_s + tol)) + 1
        near = [(abs(doc.tick_to_s(t) - time_s), t) for t, _ in doc.chart.tempo_map.beats(t0, t1 + 1)]
        near = [x for x in near if x[0] <= tol]
        return min(near)[1] if near else None

    def _drag(self, ev) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        x = self.viewbox.mapToView(ev.pos()).x()
        if ev.isStart():
            self._drag_tick = self.beat_near(self.viewbox.mapToView(ev.buttonDownPos()).x())
            if self._drag_tick == 0:
                self.status_message.emit("the first beat cannot be anchored; set the song delay instead")
                self._drag_tick = None
        if self._drag_tick is None:
            return False  # pan like any time plot
        self.drag_line.setValue(x)
        self.drag_line.setVisible(not ev.isFinish())
        if ev.isFinish():
            tick, self._drag_tick = self._drag_tick, None
            self.anchor(tick, x)
        return True

    def anchor(self, tick: int, audio_s: float) -> bool:
        """Push `anchor_beat` so the beat at `tick` sounds at `audio_s`; False (and a message) if impossible."""
        doc = self.document
        try:
            edit = E.anchor_beat(doc.chart, tick, audio_s - doc.chart.metadata.delay_ms / 1000.0)
            doc.push(edit)
        except ValueError as exc:
            self.status_message.emit(f"cannot anchor there: {exc}")
            return False
        return True

    def abort_drag(self) -> bool:
        if self._drag_tick is None:
            return False
        self._drag_tick = None
        self.drag_line.setVisible(False)
        return True

    def keyPressEvent(self, ev):  # noqa: N802 - Qt API
        if ev.key() == Qt.Key.Key_Escape and self.abort_drag():
            ev.accept()
            return
        super().keyPressEvent(ev)

    def _click(self, ev) -> None:
        x = self.viewbox.mapToView(ev.pos()).x()
        if ev.double() and ev.button() == Qt.MouseButton.LeftButton:
            tm, doc = self.document.chart.tempo_map, self.document
            tol = GRAB_PX * 4 * self.timeline.span_s / max(1.0, self.viewbox.width())
            y = self.viewbox.mapToView(ev.pos()).y()
            markers = tm.time_signatures if y < 0.5 else tm.tempos
            near = [m for m in markers if 0 <= x - doc.tick_to_s(m.tick) <= tol * 4]
            if near:
                signal = self.edit_signature_requested if y < 0.5 else self.edit_tempo_requested
                signal.emit(near[-1].tick)
            ev.accept()
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            self.document.set_cursor(x)
            ev.accept()
