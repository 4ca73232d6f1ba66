"""Plugs auto-chart into the window: controller, dock, confidence overlay, corrections recorder, menu actions."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar

from app.ui.autochart import AutoChartController
from app.ui.autochart_panel import AutoChartPanel
from app.ui.confidence_overlay import ConfidenceOverlay
from app.ui.corrections_recorder import CorrectionsRecorder
from app.workers.autochart import prewarm_in_background

if TYPE_CHECKING:
    from app.ui.actions import EditorActions
    from app.ui.main_window import MainWindow


def install_autochart(win: "MainWindow") -> AutoChartController:
    """Create the auto-chart parts of `win` (call before its actions are built); returns the controller."""
    show = lambda text: win.statusBar().showMessage(text, 8000)  # noqa: E731
    controller = AutoChartController(win.document, win, reveal=lambda s: win.timeline.ensure_visible(s))
    controller.message.connect(show)
    win.autochart_panel = AutoChartPanel(controller, win)
    win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, win.autochart_panel)
    win.confidence_overlay = ConfidenceOverlay(win.lanes, controller)
    win.corrections = CorrectionsRecorder(win.document, parent=win)
    win.corrections.message.connect(show)
    prewarm_in_background(delay_s=2.0)  # after the window's first paint: the first Ctrl+T starts warm
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.shutdown)
        app.aboutToQuit.connect(win.corrections.close)
    return controller


def autochart_actions(actions: "EditorActions") -> list:
    """The "Auto-chart" menu: run, doubtful-note navigation, the dock, corrections export."""
    win = actions.win
    c = win.autochart
    a = actions.add
    run = a("autochart", "&Auto-chart song", c.start)
    run.setToolTip("Auto-chart the open song (Ctrl+T)")
    toolbar = win.findChild(QToolBar, "chart_toolbar")
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addAction(run)
    return [run,
            a("next_doubtful", "&Next doubtful note", lambda: c.next_doubtful(1)),
            a("prev_doubtful", "&Previous doubtful note", lambda: c.next_doubtful(-1)), None,
            a("redecode", "&Re-decode now", c.redecode_now),
            win.autochart_panel.toggleViewAction(), None,
            a("export_corrections", "&Export corrections (JSONL)...", lambda: export_corrections_dialog(win))]


def export_corrections_dialog(win: "MainWindow") -> None:
    """Ask for a file, then export the corrections store on a worker thread."""
    from app.ui.file_ops import ask_save_path
    from app.workers.autochart import export_corrections

    path = ask_save_path(win, "Export corrections", "JSON lines (*.jsonl)")
    if path is None:
        return
    show = lambda text: win.statusBar().showMessage(text, 8000)  # noqa: E731
    win.corrections.jobs.submit(export_corrections, lambda n: show(f"exported {n} corrections to {path}"),
                              lambda text: show(f"corrections export failed: {text}"), None, path,
                              win.corrections.store_path)
