"""Transport bar: play/pause/stop, loop, speed, metronome and hit-sound volume over a PlaybackEngine."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget
from PySide6.QtCore import Qt

from app.ui.axes import format_time
from app.ui.mix_controls import MixControls
from app.ui.document import ChartDocument
from app.ui.timeline import Timeline
from app.workers.playback import PlaybackEngine, PlaybackState

SPEEDS = (100, 75, 50, 25)


class TransportBar(QWidget):
    """Drives the engine from the GUI thread: a 15 ms timer pumps audio and moves the cursor."""

    state_changed = Signal(str)

    def __init__(self, document: ChartDocument, timeline: Timeline, engine: PlaybackEngine, parent=None) -> None:
        super().__init__(parent)
        self.document, self.timeline, self.engine = document, timeline, engine
        self.play_button = QToolButton(text="Play", checkable=True, toolTip="Play / pause (Space)")
        self.stop_button = QToolButton(text="Stop", toolTip="Stop and go back to where play started")
        self.loop_button = QToolButton(text="Loop", checkable=True,
                                       toolTip="Loop the selected notes (or the visible range)")
        self.speed = QComboBox(toolTip="Playback speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s} %", s / 100)
        self.metronome = QCheckBox("Metronome")
        self.hits = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=0, toolTip="Hit-sound volume")
        self.hits.setMaximumWidth(110)
        self.hits.setMinimumWidth(60)
        self.time_label = QLabel(format_time(0.0))
        self.time_label.setMinimumWidth(80)
        self.status = QLabel()
        self.mix = MixControls(engine)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for w in (self.play_button, self.stop_button, self.loop_button, QLabel("Speed"), self.speed,
                  self.metronome, QLabel("Hit sounds"), self.hits, self.mix, self.time_label):
            layout.addWidget(w)
        layout.addWidget(self.status, 1)
        self._started_at = 0.0
        self.timer = QTimer(self, interval=15, timeout=self._tick)
        self.play_button.clicked.connect(self.toggle_play)
        self.stop_button.clicked.connect(self.stop)
        self.loop_button.toggled.connect(self._loop_toggled)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        self.metronome.toggled.connect(self._metronome_toggled)
        self.hits.valueChanged.connect(lambda v: setattr(engine, "hit_volume", v / 100))
        document.cursor_changed.connect(self._cursor_moved)
        document.loop_changed.connect(self._loop_changed)
        document.chart_changed.connect(self._chart_changed)
        document.difficulty_changed.connect(self._chart_changed)
        self._chart_changed()
        self.update_state()

    # ---- state ----------------------------------------------------------------------------------
    def update_state(self) -> None:
        st = self.engine.state
        usable = st in (PlaybackState.STOPPED, PlaybackState.PAUSED, PlaybackState.PLAYING)
        for w in (self.play_button, self.stop_button):
            w.setEnabled(usable)
        self.play_button.setChecked(st is PlaybackState.PLAYING)
        self.play_button.setText("Pause" if st is PlaybackState.PLAYING else "Play")
        text = self.engine.reason if st is PlaybackState.OFF else ("no audio loaded" if st is PlaybackState.NO_AUDIO else "")
        self.status.setText(text)
        self.mix.refresh()
        self.state_changed.emit(text or st.value)

    def _speed_changed(self, _index: int = 0) -> None:
        self.engine.set_speed(self.speed.currentData())
        self.mix.speed_changed()

    def toggle_play(self) -> None:
        if self.engine.state is PlaybackState.PLAYING:
            self.engine.pause()
            self.timer.stop()
        else:
            self._started_at = self.document.cursor_s
            self.engine.seek(self.document.cursor_s)
            if self.engine.play():
                self.timer.start()
        self.update_state()

    def stop(self) -> None:
        self.engine.stop()
        self.timer.stop()
        self.document.set_cursor(self._started_at)
        self.update_state()

    def _tick(self) -> None:
        self.engine.pump()
        if self.engine.state is not PlaybackState.PLAYING:
            self.timer.stop()
            self.update_state()
        pos = self.engine.position_s()
        self._following = True
        self.document.set_cursor(pos)
        self._following = False
        if pos > self.timeline.end_s or pos < self.timeline.start_s:
            self.timeline.set_range(pos - self.timeline.span_s * 0.1, pos + self.timeline.span_s * 0.9)

    def _cursor_moved(self, seconds: float) -> None:
        self.time_label.setText(format_time(seconds))
        if not getattr(self, "_following", False):
            self.engine.seek(seconds)

    # ---- loop, cues -------------------------------------------------------------------------------
    def _loop_toggled(self, on: bool) -> None:
        doc = self.document
        if not on:
            doc.set_loop(None)
            return
        notes = doc.selected_notes()
        if len(notes) >= 2 or (notes and notes[0].tick != notes[-1].tick):
            a, b = doc.tick_to_s(notes[0].tick), doc.tick_to_s(notes[-1].tick + doc.chart.resolution)
        else:
            a, b = self.timeline.start_s, self.timeline.end_s
        doc.set_loop((max(0.0, a), b))

    def _loop_changed(self, loop) -> None:
        self.engine.set_loop(loop)
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(loop is not None)
        self.loop_button.blockSignals(False)

    def _metronome_toggled(self, on: bool) -> None:
        self.engine.metronome = on

    def _chart_changed(self, *_args) -> None:
        doc = self.document
        end = doc.chart.default_end_tick() + doc.chart.resolution * 64
        beats = list(doc.chart.tempo_map.beats(0, end))
        ticks = np.array([t for t, _ in beats], dtype=np.float64)
        delay = doc.chart.metadata.delay_ms / 1000.0
        self.engine.set_beats(doc.chart.tempo_map.ticks_to_s(ticks) + delay, np.array([b for _, b in beats], bool))
        from app.audio.hitsounds import sound_for
        notes = list(doc.notes)
        hit_ticks = np.array([n.tick for n in notes], dtype=np.float64)
        self.engine.set_hits(doc.chart.tempo_map.ticks_to_s(hit_ticks) + delay,
                             [sound_for(n.lane, n.cymbal) for n in notes])
