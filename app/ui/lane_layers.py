"""Array-based drawing layers of the lane grid: notes by style, grid lines, phrase spans, sections."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.domain.notes import Note
from app.domain.phrases import Phrase, PhraseKind, Section
from app.domain.tempo_map import TempoMap
from app.ui.glyphs import LANE_ROW, NoteStyle, glyph_kind, glyph_path, style_brush_pen, style_size
from app.ui.theme import BAR_LINE, BEAT_LINE, PHRASE_COLORS, SELECTION, SUBDIV_LINE

TicksToSeconds = Callable[[np.ndarray], np.ndarray]


class PassiveScatter(pg.ScatterPlotItem):
    """A scatter item that leaves clicks to the ViewBox (the lane editor does the hit testing)."""

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph API
        ev.ignore()


class NoteLayer:
    """One ScatterPlotItem per note style (created on first use), plus a selection outline item."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self.items: dict[NoteStyle, pg.ScatterPlotItem] = {}
        self.selection = PassiveScatter(pxMode=True, symbol="s", size=27, brush=None,
                                            pen=pg.mkPen(SELECTION, width=2))
        self.selection.setZValue(30)
        plot_item.addItem(self.selection)

    def _item(self, style: NoteStyle) -> pg.ScatterPlotItem:
        item = self.items.get(style)
        if item is None:
            fill, pen, width = style_brush_pen(style)
            item = PassiveScatter(pxMode=True, symbol=glyph_path(glyph_kind(style), style.flam),
                                      size=style_size(style), brush=pg.mkBrush(fill),
                                      pen=pg.mkPen(pen, width=width), antialias=True)
            item.setZValue(20 if style.lane.is_pad else 15)
            self.plot_item.addItem(item)
            self.items[style] = item
        return item

    def set_notes(self, notes: Iterable[Note], selected: Iterable[Note], ticks_to_s: TicksToSeconds) -> None:
        groups: dict[NoteStyle, list[Note]] = defaultdict(list)
        for n in notes:
            groups[NoteStyle.of(n)].append(n)
        for style in set(self.items) | set(groups):
            group = groups.get(style, [])
            item = self._item(style)
            if not group:
                item.setData(x=[], y=[])
                continue
            ticks = np.fromiter((n.tick for n in group), dtype=np.float64, count=len(group))
            item.setData(x=ticks_to_s(ticks), y=np.full(len(group), float(LANE_ROW[style.lane])))
        selected = list(selected)
        if selected:
            ticks = np.array([n.tick for n in selected], dtype=np.float64)
            self.selection.setData(x=ticks_to_s(ticks), y=[float(LANE_ROW[n.lane]) for n in selected])
        else:
            self.selection.setData(x=[], y=[])

    def spot_count(self) -> int:
        return sum(len(item.data) for item in self.items.values())


def _pairs_curve(color: str, width: float, z: float) -> pg.PlotCurveItem:
    item = pg.PlotCurveItem(pen=pg.mkPen(color, width=width), connect="pairs", antialias=False)
    item.setZValue(z)
    return item


class GridLayer:
    """Bar, beat and snap-subdivision lines of the tempo map as three 'pairs' curves."""

    MIN_SUBDIV_PX = 6.0

    def __init__(self, plot_item: pg.PlotItem, y0: float, y1: float) -> None:
        self.y0, self.y1 = y0, y1
        self.bars = _pairs_curve(BAR_LINE, 1.6, 3)
        self.beats = _pairs_curve(BEAT_LINE, 1.0, 2)
        self.subdivs = _pairs_curve(SUBDIV_LINE, 1.0, 1)
        for item in (self.subdivs, self.beats, self.bars):
            plot_item.addItem(item)

    def _set(self, item: pg.PlotCurveItem, xs: np.ndarray) -> None:
        if len(xs) == 0:
            item.setData(x=np.zeros(0), y=np.zeros(0))
            return
        item.setData(x=np.repeat(xs, 2), y=np.tile([self.y0, self.y1], len(xs)))

    def update(self, tm: TempoMap, start_tick: int, end_tick: int, divisions: int,
               ticks_to_s: TicksToSeconds, px_per_s: float) -> None:
        beats = list(tm.beats(max(0, start_tick), max(0, end_tick)))
        bar_ticks = np.array([t for t, bar in beats if bar], dtype=np.float64)
        beat_ticks = np.array([t for t, bar in beats if not bar], dtype=np.float64)
        self._set(self.bars, ticks_to_s(bar_ticks))
        self._set(self.beats, ticks_to_s(beat_ticks))
        step = tm.resolution / max(1, divisions)
        seconds_per_step = 60.0 / (tm.tempo_at(max(0, start_tick)).bpm * max(1, divisions))
        if divisions > 1 and seconds_per_step * px_per_s >= self.MIN_SUBDIV_PX and beats:
            first = beats[0][0] - tm.resolution
            sub = np.arange(first, max(end_tick, first), step)
            sub = sub[(sub >= 0) & (np.abs(sub / tm.resolution - np.round(sub / tm.resolution)) > 1e-6)]
            self._set(self.subdivs, ticks_to_s(sub))
        else:
            self._set(self.subdivs, np.zeros(0))


class SpanLayer:
    """Star power, fills, solos and rolls as translucent bars; sections as labels on top."""

    ROWS = {  # (y0, height) in lane rows
        PhraseKind.STAR_POWER: (-0.55, 5.1),
        PhraseKind.SOLO: (4.5, 0.12),
        PhraseKind.FILL: (-0.55, 5.1),
        PhraseKind.ROLL: (None, 0.8),
        PhraseKind.DOUBLE_ROLL: (None, 0.8),
    }

    def __init__(self, plot_item: pg.PlotItem, top: float) -> None:
        self.plot_item = plot_item
        self.top = top
        self.bars: dict[PhraseKind, pg.BarGraphItem] = {}
        for kind in PhraseKind:
            color = QColor(*PHRASE_COLORS[kind.value])
            item = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=color, pen=pg.mkPen(None))
            item.setZValue(0)
            plot_item.addItem(item)
            self.bars[kind] = item
        self.labels: list[pg.TextItem] = []

    def update(self, phrases: list[Phrase], sections: list[Section], notes_lane_at: Callable[[Phrase], int],
               tick_to_s: Callable[[float], float]) -> None:
        by_kind: dict[PhraseKind, list[Phrase]] = defaultdict(list)
        for p in phrases:
            by_kind[p.kind].append(p)
        for kind, item in self.bars.items():
            ps = by_kind.get(kind, [])
            x0 = [tick_to_s(p.tick) for p in ps]
            w = [max(0.02, tick_to_s(p.end_tick) - tick_to_s(p.tick)) for p in ps]
            y0_default, h = self.ROWS[kind]
            y0 = [y0_default if y0_default is not None else notes_lane_at(p) - 0.4 for p in ps]
            item.setOpts(x0=x0, width=w, y0=y0, height=[h] * len(ps))
        for label in self.labels:
            self.plot_item.removeItem(label)
        self.labels = []
        for s in sections:
            label = pg.TextItem(s.name, color="#e9ecf2", anchor=(0, 0), fill=pg.mkBrush(40, 44, 54, 200))
            label.setPos(tick_to_s(s.tick), self.top)
            label.setZValue(40)
            self.plot_item.addItem(label)
            self.labels.append(label)
