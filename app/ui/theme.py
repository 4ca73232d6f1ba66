"""Dark theme and Clone Hero lane colours shared by every view."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.domain.lanes import Lane

LANE_COLORS: dict[Lane, str] = {
    Lane.KICK: "#ff8c1a",    # orange
    Lane.RED: "#e5282e",
    Lane.YELLOW: "#f2d024",
    Lane.BLUE: "#2f7cf6",
    Lane.GREEN: "#27c24c",
}
DOUBLE_KICK_COLOR = "#d95cff"
BACKGROUND = "#16181d"
LANE_STRIPE = "#1d2027"
FOREGROUND = "#d8dce4"
BAR_LINE = "#7a8294"
BEAT_LINE = "#3c4250"
SUBDIV_LINE = "#262a33"
PLAYHEAD = "#ff4d6d"
SELECTION = "#ffffff"
WAVEFORM = "#5fb3d9"
PHRASE_COLORS = {  # RGBA of the spans drawn behind the notes
    "star_power": (120, 200, 255, 55),
    "fill": (200, 120, 255, 55),
    "solo": (255, 210, 90, 45),
    "roll": (255, 255, 255, 40),
    "double_roll": (255, 255, 255, 60),
}


def lane_color(lane: Lane, alpha: int = 255) -> QColor:
    c = QColor(LANE_COLORS[Lane(lane)])
    c.setAlpha(alpha)
    return c


def apply_dark_theme(app: QApplication) -> None:
    """A Fusion dark palette for widgets and a matching pyqtgraph background."""
    import pyqtgraph as pg

    app.setStyle("Fusion")
    pal = QPalette()
    base, window, text = QColor("#1b1e24"), QColor("#23262e"), QColor(FOREGROUND)
    for role, color in (
        (QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
        (QPalette.AlternateBase, window), (QPalette.ToolTipBase, window), (QPalette.ToolTipText, text),
        (QPalette.Text, text), (QPalette.Button, window), (QPalette.ButtonText, text),
        (QPalette.BrightText, QColor("#ff5050")), (QPalette.Highlight, QColor("#3d6fb6")),
        (QPalette.HighlightedText, QColor("#ffffff")), (QPalette.Link, QColor("#6aa8ff")),
    ):
        pal.setColor(role, color)
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        pal.setColor(QPalette.Disabled, role, QColor("#6b7080"))
    app.setPalette(pal)
    configure_pyqtgraph()


def configure_pyqtgraph() -> None:
    import pyqtgraph as pg

    pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=True)
