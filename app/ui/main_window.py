"""The editor window: waveform, spectrogram, tempo strip and lane grid stacked on one time axis."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar,
                               QVBoxLayout, QWidget)

from app.domain import edits as E
from app.domain.lanes import DIFFICULTIES_HARD_FIRST, Difficulty
from app.domain.song import Chart, empty_chart
from app.ui import file_ops
from app.ui import note_actions as N
from app.ui.actions import EditorActions
from app.ui.audio_controller import AudioController
from app.ui.axes import format_time
from app.ui.document import ChartDocument
from app.ui.lane_view import LaneView
from app.ui.snap import SNAP_CHOICES, snap_label
from app.ui.spectrogram_view import SpectrogramView
from app.ui.tempo_dialogs import TempoDialog, TimeSignatureDialog
from app.ui.tempo_strip import TempoStrip
from app.ui.timeline import Timeline
from app.ui.transport import TransportBar
from app.ui.waveform_view import OverviewStrip, WaveformView
from app.workers.playback import PlaybackEngine


class MainWindow(QMainWindow):
    """Wires the document to its views; every handler here is a few lines calling the domain/io layers."""

    def __init__(self, chart: Chart | None = None, engine: PlaybackEngine | None = None) -> None:
        super().__init__()
        self.document = doc = ChartDocument(chart or empty_chart(), self)
        self.timeline = Timeline(doc.duration_s(), self)
        self.engine = engine or PlaybackEngine()
        self.audio = AudioController(self)
        self.clipboard: N.ClipboardNotes | None = None

        self.overview = OverviewStrip(doc, self.timeline)
        self.waveform = WaveformView(doc, self.timeline)
        self.spectrogram = SpectrogramView(doc, self.timeline)
        self.tempo_strip = TempoStrip(doc, self.timeline)
        self.lanes = LaneView(doc, self.timeline)
        self.transport = TransportBar(doc, self.timeline, self.engine)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for w in (self.waveform, self.spectrogram):
            splitter.addWidget(w)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.setSpacing(0)
        lower_layout.addWidget(self.tempo_strip)
        lower_layout.addWidget(self.lanes, 1)
        splitter.addWidget(lower)
        splitter.setSizes([140, 140, 380])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.overview)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)
        self._build_toolbar()
        from app.ui.autochart_setup import install_autochart
        self.autochart = install_autochart(self)  # auto-chart dock, confidence overlay, corrections
        self.actions = EditorActions(self)
        self._build_status_bar()
        from app.ui.editor_session import EditorSession
        self.session = EditorSession(self)  # settings, autosave, export (files side of the editor)

        doc.title_changed.connect(self.setWindowTitle)
        doc.reveal_requested.connect(self._reveal)
        doc.selection_changed.connect(self._update_status)
        doc.cursor_changed.connect(self._update_status)
        doc.snap_changed.connect(self._snap_changed)
        doc.difficulty_changed.connect(self._difficulty_changed)
        doc.chart_changed.connect(lambda _r: self.timeline.set_duration(doc.duration_s(self._audio_s())))
        self.tempo_strip.edit_tempo_requested.connect(self.edit_tempo)
        self.tempo_strip.edit_signature_requested.connect(self.edit_signature)
        self.tempo_strip.status_message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.transport.state_changed.connect(lambda _s: self._update_status())
        self.audio.audio_loaded.connect(self._audio_loaded)
        self.audio.spectrogram_ready.connect(self.spectrogram.set_spectrogram)
        self.audio.progress.connect(lambda f, m: self.statusBar().showMessage(f"{m} {f:.0%}", 2000))
        self.audio.failed.connect(self._audio_failed)
        self.setWindowTitle(doc.title())
        self.resize(1280, 860)
        self._update_status()

    # ---- chrome ---------------------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Chart", self)
        bar.setObjectName("chart_toolbar")
        self.difficulty_box = QComboBox(toolTip="Difficulty shown and edited")
        for d in DIFFICULTIES_HARD_FIRST:
            self.difficulty_box.addItem(d.title, d)
        self.difficulty_box.currentIndexChanged.connect(
            lambda _i: self.document.set_difficulty(self.difficulty_box.currentData()))
        self.snap_box = QComboBox(toolTip="Grid step ([ and ])")
        for s in SNAP_CHOICES:
            self.snap_box.addItem(snap_label(s), s)
        self.snap_box.setCurrentIndex(SNAP_CHOICES.index(self.document.snap))
        self.snap_box.currentIndexChanged.connect(lambda _i: self.document.set_snap(self.snap_box.currentData()))
        for label, w in (("Difficulty ", self.difficulty_box), ("  Grid ", self.snap_box)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        self.status_label = QLabel()
        self.playback_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.playback_label)

    def _update_status(self, *_args) -> None:
        doc = self.document
        n_sel = len(doc.selected_notes())
        self.status_label.setText(f"{doc.difficulty.title} | {len(doc.notes)} notes | {n_sel} selected | "
                                  f"grid {snap_label(doc.snap)} | cursor {format_time(doc.cursor_s)}")
        self.playback_label.setText(self.engine.reason or self.engine.state.value)

    def _snap_changed(self, snap: int) -> None:
        self.snap_box.blockSignals(True)
        self.snap_box.setCurrentIndex(SNAP_CHOICES.index(snap) if snap in SNAP_CHOICES else 3)
        self.snap_box.blockSignals(False)
        self._update_status()

    def _difficulty_changed(self, d: Difficulty) -> None:
        self.difficulty_box.blockSignals(True)
        self.difficulty_box.setCurrentIndex(DIFFICULTIES_HARD_FIRST.index(d))
        self.difficulty_box.blockSignals(False)
        self._update_status()

    def _reveal(self, tick_range) -> None:
        a, b = tick_range
        self.timeline.ensure_visible(self.document.tick_to_s(a), self.document.tick_to_s(b))

    def step_cursor(self, steps: int) -> None:
        doc = self.document
        tick = max(0, doc.cursor_tick() + steps * doc.snap_step_ticks())
        doc.set_cursor(doc.tick_to_s(tick))
        self.timeline.ensure_visible(doc.cursor_s)

    # ---- audio ------------------------------------------------------------------------------------------
    def _audio_s(self) -> float | None:
        return self.audio.audio.duration_s if self.audio.audio is not None else None

    def _audio_loaded(self, audio) -> None:
        self.waveform.set_pyramid(audio.pyramid if audio else None)
        self.overview.set_pyramid(audio.pyramid if audio else None)
        if audio is None:
            self.spectrogram.set_spectrogram(None)
            self.engine.set_audio(None)
        else:
            self.spectrogram.set_message("spectrogram: computing...")
            self.engine.set_audio(audio.stereo, audio.sr, drums=getattr(audio, "drums", None))
            self.statusBar().showMessage(f"audio: {audio.description} ({format_time(audio.duration_s, 1)})", 5000)
        self.timeline.set_duration(self.document.duration_s(self._audio_s()))
        self.transport.update_state()

    def _audio_failed(self, message: str) -> None:
        self.waveform.set_message(f"audio could not be loaded: {message}")
        self.statusBar().showMessage(f"audio: {message}", 10000)

    # ---- files --------------------------------------------------------------------------------------------
    def new_chart(self) -> None:
        if file_ops.confirm_discard(self, self.document):
            self.document.set_chart(empty_chart())
            self.audio.load_files(())

    def open_dialog(self, folder: bool = False) -> None:
        if not file_ops.confirm_discard(self, self.document):
            return
        path = file_ops.ask_open_path(self, folder)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        from app.io.errors import ChartFileError
        try:
            result = file_ops.read_path(path)
        except (ChartFileError, OSError, ValueError) as exc:
            file_ops.show_error(self, "Cannot open", exc)
            return False
        self.document.set_chart(result.chart, result.save_path, result.stems)
        self.document.set_audio_path(next(iter(result.stems.values()), None))
        self.document.set_cursor(0.0)
        self.timeline.set_duration(self.document.duration_s())
        self.timeline.set_range(0.0, min(12.0, self.timeline.duration_s))
        self.audio.load_stems(result.stems)
        if result.project is not None:
            from app.ui.project_ops import apply_view
            self.document.extras = dict(result.project.extras)
            apply_view(self, result.project.view)
        file_ops.add_recent(path)
        for w in result.warnings[:5]:
            self.statusBar().showMessage(f"warning: {w}", 8000)
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        path = file_ops.ask_save_path(self, "Save chart as", "notes.mid (*.mid);;notes.chart (*.chart);;"
                                           "Chart Hero project (*.chproj)")
        return self._save_to(path) if path else False

    def export_song_folder(self) -> bool:
        """Metadata + findings dialog, then a worker writes the folder (app/ui/export_ops.py)."""
        self.session.exporter.open_dialog()
        return True

    def export_gm_midi(self) -> bool:
        path = file_ops.ask_save_path(self, "Export General MIDI drums", "MIDI (*.mid)")
        if not path:
            return False
        return self.session.exporter.start_gm_midi(path)

    def export_notation(self) -> bool:
        path = file_ops.ask_save_path(self, "Export drum sheet music", "MusicXML (*.musicxml);;PDF (*.pdf)")
        if not path:
            return False
        return self.session.exporter.start_notation(path)

    def _save_to(self, path: Path) -> bool:
        try:
            from app.ui.project_ops import view_of
            warnings = file_ops.write_path(self.document, path, view=view_of(self))
        except Exception as exc:
            file_ops.show_error(self, "Save failed", exc)
            return False
        self.document.set_path(path)
        self.document.mark_saved()
        file_ops.add_recent(path)
        self.statusBar().showMessage(f"saved {path}" + (f" ({len(warnings)} warning(s))" if warnings else ""), 6000)
        return True

    def fill_recent_menu(self) -> None:
        menu = self.actions.recent_menu
        menu.clear()
        for f in file_ops.recent_files():
            menu.addAction(f, lambda f=f: file_ops.confirm_discard(self, self.document) and self.open_path(f))
        if menu.isEmpty():
            menu.addAction("(none)").setEnabled(False)

    def closeEvent(self, ev):  # noqa: N802 - Qt API
        if not file_ops.confirm_discard(self, self.document):
            ev.ignore()
            return
        self.transport.timer.stop()
        self.session.shutdown()
        self.engine.close()
        self.audio.shutdown()
        super().closeEvent(ev)

    # ---- edit ----------------------------------------------------------------------------------------------
    def copy(self) -> None:
        self.clipboard = N.copy_selection(self.document) or self.clipboard

    def cut(self) -> None:
        self.clipboard = N.cut_selection(self.document) or self.clipboard

    def paste(self) -> None:
        N.paste(self.document, self.clipboard)

    # ---- chart ----------------------------------------------------------------------------------------------
    def generate_difficulties(self) -> None:
        doc = self.document
        hand_made = doc.chart.drums.authored - {Difficulty.EXPERT}
        overwrite = False
        if hand_made:
            names = ", ".join(d.title for d in sorted(hand_made))
            answer = QMessageBox.question(self, "Generate difficulties",
                                          f"{names} were edited by hand. Regenerate them too?",
                                          QMessageBox.Yes | QMessageBox.No | QMessageBox.Cancel)
            if answer == QMessageBox.Cancel:
                return
            overwrite = answer == QMessageBox.Yes
        if not N.generate_lower_difficulties(doc, overwrite):
            self.statusBar().showMessage("difficulty reduction is not available yet", 5000)

    def validate(self) -> None:
        try:
            from app.domain.validation import format_finding, validate
        except ImportError:
            self.statusBar().showMessage("the validator is not available yet", 5000)
            return
        findings = validate(self.document.chart, audio_length_s=self._audio_s())
        text = "\n".join(format_finding(f) for f in findings[:40]) or "No problems found."
        QMessageBox.information(self, "Validate chart", text)

    def _where(self, tick: int) -> str:
        return f"{format_time(self.document.tick_to_s(tick))} (tick {tick})"

    def edit_tempo_at_cursor(self) -> None:
        self.edit_tempo(self.document.cursor_tick())

    def edit_tempo(self, tick: int) -> None:
        doc = self.document
        dialog = TempoDialog(doc.chart.tempo_map.tempo_at(tick).bpm, self._where(tick), self)
        if dialog.exec() == QDialog.Accepted:
            bpm, keep = dialog.values()
            old = doc.chart.tempo_map.tempo_at(tick)
            doc.push(E.add_tempo(doc.chart, tick, bpm, keep, old.anchor_s if old.tick == tick else None))

    def edit_signature_at_cursor(self) -> None:
        self.edit_signature(self.document.chart.tempo_map.bar_start_at_or_before(self.document.cursor_tick()))

    def edit_signature(self, tick: int) -> None:
        doc = self.document
        sig = doc.chart.tempo_map.time_signature_at(tick)
        dialog = TimeSignatureDialog(sig.numerator, sig.denominator, self._where(tick), self)
        if dialog.exec() == QDialog.Accepted:
            doc.push(E.set_time_signature(doc.chart, tick, *dialog.values()))

    def tap_tempo_dialog(self) -> None:
        self.edit_tempo(self.document.chart.tempo_map.tempo_at(self.document.cursor_tick()).tick)

    def about(self) -> None:
        from app.ui.about_dialog import AboutDialog
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()
