"""Tap tempo: BPM from key taps (a plain calculator and a small widget around it)."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class TapTempo:
    """BPM from the median interval of the last taps; a pause longer than `reset_s` starts over."""

    def __init__(self, max_taps: int = 16, reset_s: float = 2.0) -> None:
        self.max_taps, self.reset_s = max_taps, reset_s
        self.taps: list[float] = []

    def tap(self, t: float | None = None) -> float | None:
        t = time.monotonic() if t is None else t
        if self.taps and t - self.taps[-1] > self.reset_s:
            self.taps = []
        self.taps = (self.taps + [t])[-self.max_taps:]
        return self.bpm

    @property
    def bpm(self) -> float | None:
        if len(self.taps) < 2:
            return None
        gaps = sorted(b - a for a, b in zip(self.taps, self.taps[1:]))
        median = gaps[len(gaps) // 2] if len(gaps) % 2 else (gaps[len(gaps) // 2 - 1] + gaps[len(gaps) // 2]) / 2
        return 60.0 / median if median > 0 else None


class TapTempoWidget(QWidget):
    """A 'Tap' button (or press T while it has focus); emits bpm_tapped with each new estimate."""

    bpm_tapped = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.calc = TapTempo()
        self.button = QPushButton("Tap (T)")
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel("tap along with the beat")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.label, 1)
        self.button.clicked.connect(lambda: self.tap())

    def tap(self, t: float | None = None) -> None:
        bpm = self.calc.tap(t)
        if bpm is None:
            self.label.setText(f"{len(self.calc.taps)} tap(s)...")
        else:
            self.label.setText(f"{bpm:.2f} BPM from {len(self.calc.taps)} taps")
            self.bpm_tapped.emit(bpm)

    def keyPressEvent(self, ev):  # noqa: N802 - Qt API
        if ev.key() == Qt.Key.Key_T and not ev.isAutoRepeat():
            self.tap()
            ev.accept()
            return
        super().keyPressEvent(ev)
