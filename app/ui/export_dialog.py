"""The export dialog: song metadata, chart format, output folder, and the validator's findings (click to go there)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain.song import SongMetadata
from app.domain.validation import Finding, format_finding, has_errors

TEXT_FIELDS = (("name", "Song name"), ("artist", "Artist"), ("album", "Album"), ("genre", "Genre"),
               ("year", "Year"), ("charter", "Charter"))
SEVERITY_MARK = {"error": "\u2716", "warning": "\u26a0", "info": "\u2139"}


@dataclass
class ExportChoices:
    metadata: SongMetadata
    chart_format: str  # "mid" or "chart"
    out_dir: Path


def default_folder_name(meta: SongMetadata) -> str:
    name = " - ".join(x for x in (meta.artist, meta.name) if x) or "song"
    return "".join(c for c in name if c not in '<>:"/\\|?*').strip() or "song"


class ExportDialog(QDialog):
    """Edits a copy of the metadata; `finding_activated(Finding)` fires when a finding is clicked.
    With errors among the findings, Export stays disabled until "Export anyway" is ticked."""

    finding_activated = Signal(object)

    def __init__(self, metadata: SongMetadata, findings: list[Finding], parent_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export song folder")
        self.findings = list(findings)
        self._meta = metadata.copy()
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, label in TEXT_FIELDS:
            self.fields[name] = QLineEdit(str(getattr(metadata, name) or ""))
            form.addRow(label, self.fields[name])
        self.preview = QDoubleSpinBox(minimum=0.0, maximum=3600.0, decimals=1, suffix=" s",
                                      value=metadata.preview_start_ms / 1000.0)
        form.addRow("Preview start", self.preview)
        self.chart_format = QComboBox()
        self.chart_format.addItem("notes.mid (recommended)", "mid")
        self.chart_format.addItem("notes.chart", "chart")
        form.addRow("Chart format", self.chart_format)
        self.folder = QLineEdit(str(Path(parent_dir or Path.home()) / default_folder_name(metadata)))
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Output folder", row)

        self.list = QListWidget()
        for f in self.findings:
            item = QListWidgetItem(f"{SEVERITY_MARK.get(f.severity, '')} {format_finding(f)}")
            item.setData(Qt.ItemDataRole.UserRole, f)
            item.setToolTip(f"{f.severity} ({f.code}); click to show it in the editor")
            self.list.addItem(item)
        self.list.itemClicked.connect(lambda item: self.finding_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemActivated.connect(lambda item: self.finding_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        n_err = sum(f.severity == "error" for f in self.findings)
        summary = (f"{len(self.findings)} finding(s), {n_err} error(s): click one to show it" if self.findings
                   else "The validator found no problems.")
        self.override = QCheckBox("Export anyway (errors may stop Clone Hero from playing the chart)")
        self.override.setVisible(has_errors(self.findings))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.override.toggled.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(summary))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.override)
        layout.addWidget(self.buttons)
        self.list.setVisible(bool(self.findings))
        self.resize(640, 560)
        self._update_buttons()

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Export song folder into", str(Path(self.folder.text()).parent))
        if d:
            self.folder.setText(str(Path(d) / Path(self.folder.text()).name))

    def _update_buttons(self, *_args) -> None:
        blocked = has_errors(self.findings) and not self.override.isChecked()
        self.export_button.setEnabled(not blocked)
        self.export_button.setToolTip("Fix the errors or tick 'Export anyway'" if blocked else "")

    def choices(self) -> ExportChoices:
        meta = self._meta.copy()
        for name, edit in self.fields.items():
            setattr(meta, name, edit.text().strip())
        meta.preview_start_ms = int(round(self.preview.value() * 1000))
        return ExportChoices(meta, self.chart_format.currentData(), Path(self.folder.text().strip()))
