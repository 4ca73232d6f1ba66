"""Dialogs for tempo markers and time signatures (values only; the window pushes the edits)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QSpinBox)

from app.ui.tap_tempo import TapTempoWidget


class TempoDialog(QDialog):
    """BPM (with tap tempo) and whether notes keep their audio times."""

    def __init__(self, bpm: float, where: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Tempo at {where}")
        self.bpm = QDoubleSpinBox(decimals=3, minimum=10.0, maximum=1000.0, value=bpm, singleStep=1.0)
        self.keep = QCheckBox("notes keep their audio times (move in ticks)")
        self.keep.setChecked(True)
        self.tap = TapTempoWidget()
        self.tap.bpm_tapped.connect(lambda b: self.bpm.setValue(round(b, 2)))
        form = QFormLayout(self)
        form.addRow("BPM", self.bpm)
        form.addRow("Tap tempo", self.tap)
        form.addRow(self.keep)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[float, bool]:
        return self.bpm.value(), self.keep.isChecked()


class TimeSignatureDialog(QDialog):
    def __init__(self, numerator: int, denominator: int, where: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Time signature at {where}")
        self.numerator = QSpinBox(minimum=1, maximum=32, value=numerator)
        self.denominator = QComboBox()
        for d in (1, 2, 4, 8, 16, 32):
            self.denominator.addItem(str(d), d)
        self.denominator.setCurrentText(str(denominator))
        form = QFormLayout(self)
        form.addRow("Beats per bar", self.numerator)
        form.addRow("Beat unit", self.denominator)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[int, int]:
        return self.numerator.value(), int(self.denominator.currentData())
