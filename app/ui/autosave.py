"""Autosave every N seconds while there are unsaved changes (written by a worker), and crash recovery."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.io.project import Project, read_project, write_project
from app.paths import autosave_dir
from app.workers.qt_worker import FunctionWorker, start_worker

if TYPE_CHECKING:
    from app.ui.document import ChartDocument
    from app.ui.main_window import MainWindow

AUTOSAVE_NAME = "autosave.chproj"


def autosave_path() -> Path:
    return autosave_dir() / AUTOSAVE_NAME


def find_autosave() -> Path | None:
    p = autosave_path()
    return p if p.is_file() else None


class Autosaver(QObject):
    """Every `interval_s` (0 = off) while the undo stack is not clean, a worker writes `snapshot()` to the
    autosave file; the GUI thread only takes the snapshot. The file goes once the document is saved.

    Signals: saved(path), failed(message)."""

    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, document: "ChartDocument", snapshot: Callable[[], Project], interval_s: float = 60,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document, self.snapshot = document, snapshot
        self.worker: FunctionWorker | None = None
        self.timer = QTimer(self, timeout=self.autosave_now)
        self.set_interval(interval_s)
        document.undo_stack.cleanChanged.connect(lambda clean: clean and self.discard())

    def set_interval(self, seconds: float) -> None:
        self.timer.stop()
        if seconds and seconds > 0:
            self.timer.start(int(seconds * 1000))

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def autosave_now(self) -> bool:
        """Start writing the autosave if there are unsaved changes and no write is under way."""
        if not self.document.is_modified or self.busy:
            return False
        worker = FunctionWorker(write_project, self.snapshot(), autosave_path())
        worker.finished.connect(self.saved.emit)
        worker.failed.connect(lambda msg, _tb: self.failed.emit(f"autosave failed: {msg}"))
        worker.done.connect(self._done)
        self.worker = start_worker(worker)
        return True

    def _done(self) -> None:
        self.worker = None

    def wait(self, timeout_ms: int = 10000) -> None:
        if self.worker is not None:
            self.worker.wait(timeout_ms)

    def discard(self) -> None:
        """Remove the autosave (clean exit, or the chart was saved); waits for a write under way."""
        self.wait()
        autosave_path().unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()
        self.wait()


def ask_recover(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        parent, "Recover unsaved work?",
        "Chart Hero did not close normally last time. Recover the chart it autosaved?\n"
        "(No deletes the autosave.)", QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
    return answer == QMessageBox.Yes


def offer_recovery(win: "MainWindow", ask: Callable[[QWidget, Path], bool] | None = None) -> bool:
    """On startup: when an autosave exists, ask (dialog; tests pass `ask`) and load it. True if recovered."""
    from app.ui import file_ops
    from app.ui.project_ops import load_project
    path = find_autosave()
    if path is None:
        return False
    if not (ask or ask_recover)(win, path):
        path.unlink(missing_ok=True)
        return False
    try:
        project = read_project(path)
    except Exception as exc:
        file_ops.show_error(win, "The autosave could not be read", exc)
        path.replace(path.with_suffix(".damaged"))
        return False
    load_project(win, project, project.source_path, recovered=True)
    win.statusBar().showMessage("recovered the autosaved chart: save it to keep it", 10000)
    return True
