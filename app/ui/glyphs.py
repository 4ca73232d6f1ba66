"""Note glyphs: shape, size, brush and pen per note style (lane, cymbal, dynamic, 2x kick, flam)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor, QPainterPath, QTransform

from app.domain.lanes import Dynamic, Lane
from app.domain.notes import Note
from app.ui.theme import DOUBLE_KICK_COLOR, LANE_COLORS

LANE_ROW: dict[Lane, int] = {Lane.RED: 4, Lane.YELLOW: 3, Lane.BLUE: 2, Lane.GREEN: 1, Lane.KICK: 0}
"""Row (y) of each lane in the grid: pads top to bottom red, yellow, blue, green; the kick at the bottom."""
ROW_LANE: dict[int, Lane] = {row: lane for lane, row in LANE_ROW.items()}
LANE_LABELS = {Lane.KICK: "Kick", Lane.RED: "Red", Lane.YELLOW: "Yellow", Lane.BLUE: "Blue", Lane.GREEN: "Green"}


@dataclass(frozen=True)
class NoteStyle:
    """What a note looks like; notes that share a style are drawn by one scatter item."""

    lane: Lane
    cymbal: bool = False
    double_kick: bool = False
    dynamic: Dynamic = Dynamic.NORMAL
    flam: bool = False

    @staticmethod
    def of(note: Note) -> "NoteStyle":
        return NoteStyle(note.lane, note.cymbal, note.double_kick, note.dynamic, note.flam)


def _path(points: list[tuple[float, float]]) -> QPainterPath:
    p = QPainterPath()
    p.moveTo(*points[0])
    for xy in points[1:]:
        p.lineTo(*xy)
    p.closeSubpath()
    return p


@lru_cache(maxsize=None)
def base_path(kind: str) -> QPainterPath:
    """Glyph outlines in the unit square centred on 0 (pyqtgraph scales them by the spot size)."""
    if kind == "tom":  # rounded square: a drum head seen from above
        p = QPainterPath()
        p.addRoundedRect(-0.42, -0.42, 0.84, 0.84, 0.22, 0.22)
        return p
    if kind == "cymbal":  # triangle pointing up (y grows downwards in the glyph atlas)
        return _path([(0.0, -0.48), (0.46, 0.36), (-0.46, 0.36)])
    if kind == "kick":  # a tall bar, like Clone Hero's kick line
        p = QPainterPath()
        p.addRoundedRect(-0.14, -0.5, 0.28, 1.0, 0.08, 0.08)
        return p
    if kind == "double_kick":
        p = QPainterPath()
        p.addRoundedRect(-0.36, -0.5, 0.24, 1.0, 0.08, 0.08)
        p.addRoundedRect(0.12, -0.5, 0.24, 1.0, 0.08, 0.08)
        return p
    raise ValueError(kind)


@lru_cache(maxsize=None)
def glyph_path(kind: str, flam: bool) -> QPainterPath:
    """The glyph; a flam is drawn as two smaller copies (grace note behind the main one)."""
    path = base_path(kind)
    if not flam:
        return path
    small = QTransform().scale(0.62, 0.62)
    grace = QTransform().translate(-0.2, -0.12).scale(0.5, 0.5)
    main = QTransform().translate(0.16, 0.06)
    return grace.map(path) + main.map(small.map(path))


def glyph_kind(style: NoteStyle) -> str:
    if style.lane is Lane.KICK:
        return "double_kick" if style.double_kick else "kick"
    return "cymbal" if style.cymbal else "tom"


def style_size(style: NoteStyle) -> float:
    """Spot size in pixels."""
    if style.lane is Lane.KICK:
        return 30.0
    size = 19.0 if style.cymbal else 17.0
    if style.dynamic is Dynamic.ACCENT:
        size += 5.0
    elif style.dynamic is Dynamic.GHOST:
        size -= 6.0
    return size * (1.25 if style.flam else 1.0)


def style_brush_pen(style: NoteStyle) -> tuple[QColor, QColor, float]:
    """(fill colour, outline colour, outline width): accents get a bright ring, ghosts fade."""
    fill = QColor(DOUBLE_KICK_COLOR if style.double_kick else LANE_COLORS[style.lane])
    pen, width = QColor(fill).darker(170), 1.2
    if style.dynamic is Dynamic.ACCENT:
        pen, width = QColor("#ffffff"), 2.4
    elif style.dynamic is Dynamic.GHOST:
        fill.setAlpha(95)
        pen = QColor(fill.lighter(130))
        pen.setAlpha(160)
    return fill, pen, width
