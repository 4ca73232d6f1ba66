"""Qt fixtures: an editor window on a small chart, with playback off (no audio device), and mouse helpers."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # (user folders are redirected by tests/conftest.py)

import pytest
from PySide6.QtCore import QPoint, Qt

from app.domain.lanes import Dynamic, Lane
from app.domain.notes import Note
from app.domain.song import empty_chart


def demo_chart():
    """Two bars at 120 BPM: hi-hat 8ths, kick on 1 and 3, snare on 2 and 4."""
    c = empty_chart("Test Song", "Band")
    for t in range(0, 480 * 8, 240):
        c.drums.expert.put(Note(t, Lane.YELLOW, cymbal=True))
        if t % 960 == 0:
            c.drums.expert.put(Note(t, Lane.KICK))
        if t % 960 == 480:
            c.drums.expert.put(Note(t, Lane.RED, dynamic=Dynamic.NORMAL))
    return c


@pytest.fixture
def window(qtbot):
    from app.ui.main_window import MainWindow
    from app.ui.theme import configure_pyqtgraph
    from app.workers.playback import PlaybackEngine

    configure_pyqtgraph()
    engine = PlaybackEngine(probe=lambda: "no audio device (test)")
    win = MainWindow(demo_chart(), engine=engine)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.timeline.set_range(0.0, 5.0)
    qtbot.wait(10)
    yield win
    win.document.mark_saved()  # no "discard changes?" dialog on close
    win.close()
    win.deleteLater()
    qtbot.wait(1)


def lane_point(win, time_s: float, lane: Lane) -> QPoint:
    return win.lanes.view_pos(time_s, lane)


def drag(qtbot, widget, p0: QPoint, p1: QPoint, modifier=Qt.KeyboardModifier.NoModifier, steps: int = 8,
         release: bool = True, button=Qt.MouseButton.LeftButton) -> None:
    """Press at p0, move in steps (pyqtgraph rate-limits moves, so wait between them), release at p1."""
    qtbot.mousePress(widget, button, modifier, p0)
    for k in range(1, steps + 1):
        qtbot.wait(15)
        qtbot.mouseMove(widget, p0 + (p1 - p0) * (k / steps))
    qtbot.wait(15)
    if release:
        qtbot.mouseRelease(widget, button, modifier, p1)
        qtbot.wait(5)
