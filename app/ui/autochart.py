"""Auto-chart in the editor: transcribe the open song on a worker thread, re-decode on setting changes, find doubtful notes."""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.domain.lanes import Difficulty
from app.ui.commands import EditCommand
from app.ui.document import ChartDocument
from app.ui.provenance import AutoChartState, ModelNote, autochart_edit, redecode_edit
from app.workers.qt_worker import FunctionWorker, LatestOnly, start_worker

SENSITIVITY_GROUPS: dict[str, tuple[str, ...]] = {
    "Kick": ("kick",),
    "Snare": ("snare_head", "snare_rim"),
    "Hi-hat": ("hihat_closed", "hihat_open", "hihat_pedal"),
    "Ride": ("ride_body", "ride_bell"),
    "Crash": ("crash",),
    "Toms": ("tom_high", "tom_mid", "tom_floor"),
}
"""One slider per group sets the sensitivity (0..1, 0.5 neutral) of all its fine classes."""

DEBOUNCE_MS = 80
SYNC_LIMIT_S = 0.1
"""Re-decode on the GUI thread while the last one took less than this; otherwise on a worker (LatestOnly)."""
CHART_SUFFIXES = (".mid", ".midi", ".chart")


class AutoChartCommand(EditCommand):
    """An auto-chart or re-decode: the chart edit plus the swap of the document's auto-chart state."""

    def __init__(self, document: ChartDocument, edit, old_state: AutoChartState, new_state: AutoChartState) -> None:
        super().__init__(document, edit, frozenset(), already_applied=True)
        self.old_state, self.new_state = old_state, new_state

    def redo(self) -> None:
        self.document.autochart = self.new_state
        super().redo()

    def undo(self) -> None:
        self.document.autochart = self.old_state
        super().undo()


class AutoChartController(QObject):
    """The editor's auto-chart model: decode settings (what the dock shows), the running job, re-decodes.

    settings_changed: preset/sensitivity/dynamics/threshold changed (also after undo of a re-decode).
    state_changed: the document's auto-chart state was replaced. message(text): for the status bar.
    """

    settings_changed = Signal()
    state_changed = Signal()
    running_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, document: ChartDocument, parent_widget: QWidget, reveal=None) -> None:
        super().__init__(parent_widget)
        self.document = document
        self.parent_widget = parent_widget
        self.reveal = reveal or (lambda seconds: None)
        self.preset = "conservative"
        self.sensitivity: dict[str, float] = {}
        self.dynamics = False
        self.separate = "auto"
        self.model_path: Path | None = None
        self.doubt_threshold = 0.5
        self.worker: FunctionWorker | None = None
        self.dialog: QProgressDialog | None = None
        self.last_warnings: list[str] = []
        self.last_redecode_s = 0.0
        self.jobs = LatestOnly(self)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS, timeout=self.redecode_now)
        self._seen_state = document.autochart
        document.chart_changed.connect(self._check_state)

    # ---- settings ----------------------------------------------------------------------------------
    def sensitivity_overrides(self) -> dict[str, float]:
        return {k: v for k, v in self.sensitivity.items() if abs(v - 0.5) > 1e-9}

    def group_value(self, group: str) -> float:
        return self.sensitivity.get(SENSITIVITY_GROUPS[group][0], 0.5)

    def set_preset(self, name: str) -> None:
        if name != self.preset:
            self.preset = name
            self._settings_edited()

    def set_group_sensitivity(self, group: str, value: float) -> None:
        value = min(max(float(value), 0.0), 1.0)
        if value != self.group_value(group):
            for cls in SENSITIVITY_GROUPS[group]:
                self.sensitivity[cls] = value
            self._settings_edited()

    def set_dynamics(self, on: bool) -> None:
        if bool(on) != self.dynamics:
            self.dynamics = bool(on)
            self._settings_edited()

    def set_doubt_threshold(self, value: float) -> None:
        if value != self.doubt_threshold:
            self.doubt_threshold = float(value)
            self.settings_changed.emit()
            self.state_changed.emit()  # the doubtful set changed: views redraw

    def _settings_edited(self) -> None:
        self.settings_changed.emit()
        if self.document.autochart.active:
            self._debounce.start()  # a slider drag re-decodes once it pauses

    def _check_state(self, _range=None) -> None:
        state = self.document.autochart
        if state is self._seen_state:
            return
        self._seen_state = state
        if state.active:  # undo/redo of a re-decode brings its settings back
            self.preset, self.dynamics = state.preset, state.dynamics
            self.sensitivity = {k: float(v) for k, v in state.sensitivity.items()}
            self.settings_changed.emit()
        self.state_changed.emit()

    # ---- the auto-chart job ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None

    def source_path(self) -> Path | None:
        """What to transcribe: the open song folder, the folder of an open chart file, or the audio file."""
        doc = self.document
        if doc.path is not None:
            if doc.path.is_dir():
                return doc.path
            if doc.path.suffix.lower() in CHART_SUFFIXES and doc.stems:
                return doc.path.parent
        if doc.audio_path is not None:
            return doc.audio_path
        return next(iter(doc.stems.values()), None)

    def options(self):
        from app.transcription.pipeline import TranscribeOptions
        return TranscribeOptions(preset=self.preset, separate=self.separate, model_path=self.model_path,
                                 dynamics=self.dynamics, sensitivity=self.sensitivity_overrides())

    def start(self) -> bool:
        """Chart the open song in the background; False when nothing can start (no audio, already running)."""
        if self.running:
            return False
        source = self.source_path()
        if source is None:
            self.message.emit("auto-chart: open an audio file or a song folder first")
            return False
        from app.workers.autochart import autochart
        self.worker = worker = FunctionWorker(autochart, source, self.options())
        worker.progress.connect(self._progress)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        worker.done.connect(self._done)
        self.dialog = dialog = QProgressDialog(f"Auto-chart {source.name}: starting", "Cancel", 0, 1000,
                                               self.parent_widget)
        dialog.setWindowTitle("Auto-chart")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        start_worker(worker)
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            if self.dialog is not None:
                self.dialog.setLabelText("Auto-chart: cancelling...")

    @Slot(float, str)
    def _progress(self, fraction: float, text: str) -> None:
        if self.dialog is not None and self.worker is not None and not self.worker.is_cancelled:
            self.dialog.setLabelText(f"Auto-chart: {text}")
            self.dialog.setValue(int(round(1000 * min(max(fraction, 0.0), 1.0))))

    @Slot(object)
    def _finished(self, output) -> None:
        self.apply_output(output)

    @Slot(str, str)
    def _failed(self, text: str, _traceback: str) -> None:
        self.message.emit(f"auto-chart failed: {text}")

    @Slot()
    def _cancelled(self) -> None:
        self.message.emit("auto-chart cancelled; the chart is unchanged")

    @Slot()
    def _done(self) -> None:
        self.worker = None
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
            self.parent_widget.activateWindow()  # shortcuts work again at once
        self.running_changed.emit(False)

    def apply_output(self, output) -> None:
        """Replace the chart's Expert notes, tempo map and sections by the result's, as one undo step."""
        doc = self.document
        edit, state = autochart_edit(doc.chart, output.result, output.confidences, output.source, output.song_id)
        edit.apply(doc.chart)
        doc.set_difficulty(Difficulty.EXPERT)
        doc.undo_stack.push(AutoChartCommand(doc, edit, doc.autochart, state))
        result = output.result
        self.last_warnings = list(result.warnings)
        summary = f"auto-chart: {len(result.chart.drums.expert)} notes ({result.audio_description})"
        self.message.emit("; ".join([summary, *self.last_warnings]))

    # ---- re-decode ---------------------------------------------------------------------------------------
    def redecode_now(self) -> None:
        """Decode the stored activations with the current settings and replace the model-made notes."""
        self._debounce.stop()
        state = self.document.autochart
        if not state.active or (self.preset, self.sensitivity_overrides(), self.dynamics) == (
                state.preset, dict(state.sensitivity), state.dynamics):
            return
        from app.workers.autochart import redecode_notes
        args = (state.result, self.preset, self.sensitivity_overrides(), self.dynamics, self.document.chart.tempo_map)
        if self.last_redecode_s <= SYNC_LIMIT_S:
            self._apply_redecode(state, redecode_notes(*args))
        else:
            self.jobs.submit(redecode_notes, lambda out: self._apply_redecode(state, out),
                             lambda text: self.message.emit(f"re-decode failed: {text}"), None, *args)

    def _apply_redecode(self, state: AutoChartState, output) -> None:
        self.last_redecode_s = output.seconds
        doc = self.document
        if doc.autochart is not state:  # the chart moved on (undo, new song): drop the stale answer
            return
        edit, new_state = redecode_edit(doc.chart, state, output.result, output.confidences)
        edit.apply(doc.chart)
        doc.undo_stack.push(AutoChartCommand(doc, edit, state, new_state))
        self.message.emit(f"re-decoded ({self.preset}): {len(edit.old)} model notes -> {len(edit.new)}")

    # ---- doubtful notes -------------------------------------------------------------------------------------
    def doubtful(self) -> list[ModelNote]:
        """Model-made notes below the doubt threshold, in chart order (unknown confidence is not doubtful)."""
        t = self.doubt_threshold
        return [m for m in self.document.autochart.model_notes_in(self.document.chart)
                if not math.isnan(m.confidence) and m.confidence < t]

    def next_doubtful(self, step: int = 1) -> ModelNote | None:
        """Select the next (step=1) or previous (-1) doubtful note after the selected note or the cursor."""
        doc = self.document
        notes = self.doubtful()
        sel = [k for k in doc.selection if k[0] is Difficulty.EXPERT]
        if len(sel) == 1 and doc.difficulty is Difficulty.EXPERT:
            ref = (sel[0][1], int(sel[0][2]))
        else:
            ref = (int(round(doc.s_to_tick(doc.cursor_s))), -1 if step > 0 else 99)
        found = ([m for m in notes if m.note.key > ref][:1] if step > 0 else [m for m in notes if m.note.key < ref][-1:])
        if not found:
            self.message.emit(f"no {'next' if step > 0 else 'previous'} doubtful note "
                              f"(confidence < {self.doubt_threshold:.2f})")
            return None
        m = found[0]
        doc.set_difficulty(Difficulty.EXPERT)
        doc.select_notes([m.note])
        doc.set_cursor(doc.tick_to_s(m.note.tick))
        self.reveal(doc.cursor_s)
        self.message.emit(f"{m.label()} (doubtful {notes.index(m) + 1}/{len(notes)})")
        return m

    def shutdown(self) -> None:
        self._debounce.stop()
        self.cancel()
        self.jobs.cancel()
