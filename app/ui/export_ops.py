"""Export from the window: the metadata + findings dialog, then song folder / GM MIDI written by a worker."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.domain.validation import Finding
from app.ui.export_dialog import ExportChoices, ExportDialog
from app.workers.export_jobs import export_gm_midi_job, export_notation_job, export_song_folder_job
from app.workers.qt_worker import FunctionWorker, start_worker

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class ExportController(QObject):
    """Owns the export dialog and the export workers of one window; the GUI thread never writes files.

    Signals: finished(ExportResult), failed(message)."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, win: "MainWindow") -> None:
        super().__init__(win)
        self.win = win
        self.dialog: ExportDialog | None = None
        self.worker: FunctionWorker | None = None
        self.last_dir: Path | None = None

    def findings(self) -> list[Finding]:
        from app.domain.validation import validate
        return validate(self.win.document.chart, audio_length_s=self.win._audio_s())

    def open_dialog(self) -> ExportDialog:
        """Show the export dialog (window-modal, not blocking); Export starts the worker."""
        doc = self.win.document
        parent_dir = self.last_dir or (doc.path.parent if doc.path else None)
        self.dialog = dialog = ExportDialog(doc.chart.metadata, self.findings(), parent_dir, self.win)
        dialog.finding_activated.connect(self.show_finding)
        dialog.accepted.connect(lambda: self.start_song_folder(dialog.choices()))
        dialog.open()
        return dialog

    def show_finding(self, f: Finding) -> None:
        """Move the view and cursor to a finding (and switch to its difficulty)."""
        doc, tl = self.win.document, self.win.timeline
        if f.difficulty is not None:
            doc.set_difficulty(f.difficulty)
        t = f.time_s if f.time_s is not None else (doc.tick_to_s(f.tick) if f.tick is not None else None)
        if t is not None:
            doc.set_cursor(t)
            tl.ensure_visible(t)

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start_song_folder(self, choices: ExportChoices) -> bool:
        from app.domain.edits import SetMetadata
        doc = self.win.document
        if choices.metadata != doc.chart.metadata:
            doc.push(SetMetadata(doc.chart.metadata.copy(), choices.metadata.copy()))
        self.last_dir = choices.out_dir.parent
        return self._start(FunctionWorker(export_song_folder_job, doc.chart.copy(), choices.out_dir,
                                          dict(doc.stems), choices.chart_format), "exporting song folder")

    def start_gm_midi(self, path: str | Path) -> bool:
        return self._start(FunctionWorker(export_gm_midi_job, self.win.document.chart.copy(), Path(path)),
                           "exporting GM MIDI")

    def start_notation(self, path: str | Path) -> bool:
        return self._start(FunctionWorker(export_notation_job, self.win.document.chart.copy(), Path(path)),
                           "exporting sheet music")

    def _start(self, worker: FunctionWorker, what: str) -> bool:
        if self.busy:
            self.win.statusBar().showMessage("an export is already running", 4000)
            return False
        bar = self.win.statusBar()
        bar.showMessage(f"{what}...")
        worker.progress.connect(lambda f, m: bar.showMessage(f"{what}: {m} {f:.0%}"))
        worker.finished.connect(self._finished)
        worker.failed.connect(lambda msg, _tb: self._failed(msg))
        worker.done.connect(self._done)
        self.worker = start_worker(worker)
        return True

    def _done(self) -> None:
        self.worker = None

    def _finished(self, result) -> None:
        from app.ui import file_ops
        if result.path.is_dir():
            file_ops.add_recent(result.path)
        more = f" ({len(result.warnings)} warning(s): {result.warnings[0]})" if result.warnings else ""
        self.win.statusBar().showMessage(f"exported {result.path}{more}", 10000)
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        from app.ui import file_ops
        file_ops.show_error(self.win, "Export failed", RuntimeError(message))
        self.failed.emit(message)

    def wait(self, timeout_ms: int = 20000) -> None:
        if self.worker is not None:
            self.worker.wait(timeout_ms)
