"""The "Auto-chart" dock: preset, per-drum sensitivity sliders, dynamics, doubt threshold (a view over the controller)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QPushButton, QSlider, QVBoxLayout, QWidget)

from app.ui.autochart import SENSITIVITY_GROUPS, AutoChartController

SEPARATE_LABELS = {"auto": "auto (full mixes)", "on": "always", "off": "never"}


class AutoChartPanel(QDockWidget):
    """Widgets edit the controller's settings; the controller's signals set the widgets (signals blocked)."""

    def __init__(self, controller: AutoChartController, parent: QWidget | None = None) -> None:
        super().__init__("Auto-chart", parent)
        self.setObjectName("autochart_dock")
        self.controller = c = controller
        body = QWidget()
        layout = QVBoxLayout(body)
        self.run_button = QPushButton("Auto-chart song (Ctrl+T)")
        self.run_button.setToolTip("Transcribe the open song; the notes, tempo map and sections replace the chart's")
        layout.addWidget(self.run_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.preset = QComboBox(toolTip="Decode preset: conservative = fewer, surer notes")
        from app.transcription.decode import preset_names
        for name in preset_names():
            self.preset.addItem(name, name)
        form.addRow("Preset", self.preset)
        self.separate = QComboBox(toolTip="Separate the drums from a full mix first (needs a separation model)")
        for key, label in SEPARATE_LABELS.items():
            self.separate.addItem(label, key)
        form.addRow("Separation", self.separate)
        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        for group in SENSITIVITY_GROUPS:
            slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, singleStep=5, pageStep=10)
            slider.setToolTip(f"{group} sensitivity: right = more notes (lower threshold), middle = as decoded")
            value = QLabel(minimumWidth=28)
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(value)
            form.addRow(group, row)
            slider.valueChanged.connect(lambda v, g=group: self._slider_moved(g, v))
            self.sliders[group], self.values[group] = slider, value
        self.dynamics = QCheckBox("Accents and ghosts from velocity")
        form.addRow("Dynamics", self.dynamics)
        self.threshold = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        self.threshold.setToolTip("Model notes below this confidence are doubtful (red ring; D / Shift+D)")
        form.addRow("Doubtful below", self.threshold)
        layout.addLayout(form)

        nav = QHBoxLayout()
        self.prev_button = QPushButton("◀ Previous doubtful")
        self.next_button = QPushButton("Next doubtful ▶")
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        self.summary = QLabel(wordWrap=True)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setWidget(body)

        self.run_button.clicked.connect(c.start)
        self.preset.currentIndexChanged.connect(lambda _i: c.set_preset(self.preset.currentData()))
        self.separate.currentIndexChanged.connect(lambda _i: setattr(c, "separate", self.separate.currentData()))
        self.dynamics.toggled.connect(c.set_dynamics)
        self.threshold.valueChanged.connect(c.set_doubt_threshold)
        self.prev_button.clicked.connect(lambda: c.next_doubtful(-1))
        self.next_button.clicked.connect(lambda: c.next_doubtful(1))
        c.settings_changed.connect(self.sync)
        c.state_changed.connect(self.update_summary)
        c.running_changed.connect(lambda running: self.run_button.setEnabled(not running))
        c.document.chart_changed.connect(lambda _r: self.update_summary())
        self.sync()
        self.update_summary()

    def _slider_moved(self, group: str, value: int) -> None:
        self.values[group].setText(f"{value}")
        self.controller.set_group_sensitivity(group, value / 100.0)

    def sync(self) -> None:
        """Show the controller's settings."""
        c = self.controller
        widgets = [self.preset, self.separate, self.dynamics, self.threshold, *self.sliders.values()]
        for w in widgets:
            w.blockSignals(True)
        self.preset.setCurrentIndex(max(0, self.preset.findData(c.preset)))
        self.separate.setCurrentIndex(max(0, self.separate.findData(c.separate)))
        self.dynamics.setChecked(c.dynamics)
        self.threshold.setValue(c.doubt_threshold)
        for group, slider in self.sliders.items():
            v = int(round(c.group_value(group) * 100))
            slider.setValue(v)
            self.values[group].setText(f"{v}")
        for w in widgets:
            w.blockSignals(False)

    def update_summary(self) -> None:
        c = self.controller
        state = c.document.autochart
        if not state.active:
            self.summary.setText("Not auto-charted yet. Settings apply to the next auto-chart; after it, "
                                 "changing them re-decodes instantly and keeps your own edits.")
            return
        made = state.model_notes_in(c.document.chart)
        doubtful = c.doubtful()
        r = state.result
        model = f"model {r.model_version or '?'} ({(r.model_sha256 or '')[:8]})"
        self.summary.setText(f"{len(made)} model notes, {len(doubtful)} doubtful.\n{model}")
