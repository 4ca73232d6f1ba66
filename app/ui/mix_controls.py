"""Playback mix controls: drum-stem / rest mute and solo, cue latency offset, and pitch-kept slow speeds."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QToolButton, QWidget

from app.workers.playback import PlaybackEngine
from app.workers.qt_worker import LatestOnly


class StretchController(QObject):
    """Computes the pitch-kept copy for the engine's current speed off the GUI thread (newest request wins).

    Signals: ready(speed), status(message)."""

    ready = Signal(float)
    status = Signal(str)

    def __init__(self, engine: PlaybackEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.jobs = LatestOnly(self)
        self.pending: float | None = None

    def request(self) -> bool:
        """Start a stretch if the engine needs one; True when a job was started."""
        from app.audio.timestretch import stretch_tracks
        speed = self.engine.needs_stretch()
        if speed is None or speed == self.pending:
            return False
        self.pending = speed
        self.status.emit(f"keeping pitch at {speed:.0%}: stretching audio...")
        self.jobs.submit(stretch_tracks, self._done, lambda m: self.status.emit(f"time-stretch failed: {m}"),
                         None, dict(self.engine.tracks()), speed)
        return True

    def _done(self, result) -> None:
        speed, tracks = result
        self.pending = None
        if len(tracks.get("mix", ())) and "mix" in self.engine.tracks():
            self.engine.set_stretched(speed, tracks)
            self.status.emit(f"playing at {speed:.0%} with pitch kept")
            self.ready.emit(speed)

    def cancel(self) -> None:
        self.jobs.cancel()
        self.pending = None


class MixControls(QWidget):
    """Mute/solo for the drum stem and the rest of the song (enabled when the song has a drum stem),
    the cue latency offset and the keep-pitch switch; a view over the engine's mix state."""

    def __init__(self, engine: PlaybackEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.stretch = StretchController(engine, self)
        self.buttons: dict[tuple[str, str], QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for track, label in (("drums", "Drums"), ("rest", "Song")):
            layout.addWidget(QLabel(label))
            for what, text in (("mute", "M"), ("solo", "S")):
                b = QToolButton(text=text, checkable=True, toolTip=f"{what.capitalize()} {label.lower()} "
                                f"({'drum stem' if track == 'drums' else 'everything but the drum stem'})")
                b.toggled.connect(lambda on, t=track, w=what: self._toggled(t, w, on))
                self.buttons[(track, what)] = b
                layout.addWidget(b)
        self.keep_pitch = QCheckBox("Keep pitch", checked=engine.keep_pitch,
                                    toolTip="Slow speeds keep the pitch (the audio is time-stretched first)")
        self.keep_pitch.toggled.connect(self._keep_pitch_toggled)
        self.offset = QSpinBox(minimum=-500, maximum=500, suffix=" ms", value=int(engine.cue_offset_ms),
                               toolTip="Cue latency offset: metronome and hit sounds play this much later")
        self.offset.valueChanged.connect(lambda v: setattr(engine, "cue_offset_ms", float(v)))
        for w in (self.keep_pitch, QLabel("Cue offset"), self.offset):
            layout.addWidget(w)
        self._audio_id = None
        self.refresh()

    def _toggled(self, track: str, what: str, on: bool) -> None:
        (self.engine.set_muted if what == "mute" else self.engine.set_soloed)(track, on)

    def _keep_pitch_toggled(self, on: bool) -> None:
        self.engine.keep_pitch = on
        self.speed_changed()

    def speed_changed(self) -> None:
        """Call after the engine's speed changed: asks for the pitch-kept copy when needed."""
        self.stretch.request()

    def refresh(self) -> None:
        """Enable the stem buttons only when the loaded song has a separate drum stem."""
        has = self.engine.has_stems
        for b in self.buttons.values():
            b.setEnabled(has)
            if not has and b.isChecked():
                b.setChecked(False)
        if id(self.engine.audio) != self._audio_id:  # new audio: older stretches are stale
            self._audio_id = id(self.engine.audio)
            self.stretch.cancel()
            self.speed_changed()
