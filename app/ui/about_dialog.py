"""Help > About: the app version, the model's version and sha256 (looked up off the GUI thread), user folders."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.about import about_lines, model_description
from app.workers.qt_worker import FunctionWorker, start_worker


def _model_job(on_progress=None, should_cancel=None) -> str:
    return model_description()


class AboutDialog(QDialog):
    """Shows `app.about.about_lines()`; the model line fills in once its checkpoint was read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Chart Hero")
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Chart Hero</b>: drum charts for Clone Hero, from audio to a song folder."))
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.set_model("reading the model...")
        self.worker = start_worker(FunctionWorker(_model_job))
        self.worker.finished.connect(self.set_model)
        self.worker.failed.connect(lambda msg, _tb: self.set_model(f"unreadable ({msg})"))

    def set_model(self, text: str) -> None:
        self.model_text = text
        self.label.setText("\n".join(about_lines(model=text)))
