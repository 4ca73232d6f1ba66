"""Per-window services of the editor's files side: settings, autosave, export and project view state."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.editor_settings import EditorSettings, load_settings, save_settings
from app.ui import project_ops
from app.ui.autosave import Autosaver
from app.ui.export_ops import ExportController

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class EditorSession(QObject):
    """Owns the window's Autosaver and ExportController and applies/saves the typed EditorSettings."""

    def __init__(self, win: "MainWindow", settings: EditorSettings | None = None) -> None:
        super().__init__(win)
        self.win = win
        self.settings = settings or load_settings()
        self.exporter = ExportController(win)
        self.autosaver = Autosaver(win.document, lambda: project_ops.snapshot(win),
                                   self.settings.autosave_interval_s, self)
        self.autosaver.failed.connect(lambda m: win.statusBar().showMessage(m, 8000))
        self.apply_settings()

    def apply_settings(self) -> None:
        s, t = self.settings, self.win.transport
        t.hits.setValue(int(round(s.hit_volume * 100)))
        t.mix.offset.setValue(int(round(s.cue_offset_ms)))
        t.mix.keep_pitch.setChecked(s.keep_pitch)
        self.win.engine.metronome_volume = s.metronome_volume
        self.autosaver.set_interval(s.autosave_interval_s)

    def collect_settings(self) -> EditorSettings:
        s, t, e = self.settings, self.win.transport, self.win.engine
        s.hit_volume = t.hits.value() / 100
        s.cue_offset_ms = float(t.mix.offset.value())
        s.keep_pitch = t.mix.keep_pitch.isChecked()
        s.metronome_volume = e.metronome_volume
        return s

    def shutdown(self) -> None:
        """A clean exit: no autosave left behind; settings written."""
        self.autosaver.stop()
        self.autosaver.discard()
        self.exporter.wait()
        try:
            save_settings(self.collect_settings())
        except OSError as exc:
            self.win.statusBar().showMessage(f"settings not saved: {exc}", 4000)
