"""Loads the song audio off the GUI thread and hands peaks, spectrogram and samples to their consumers."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.workers.audio_jobs import compute_spectrogram, load_editor_audio, song_audio_files
from app.workers.qt_worker import LatestOnly


class AudioController(QObject):
    """Asks workers for audio, peaks and the spectrogram; a newer request drops older answers.

    Signals: audio_loaded(LoadedAudio | None), spectrogram_ready(SpectrogramImage),
    progress(fraction, message), failed(message).
    """

    audio_loaded = Signal(object)
    spectrogram_ready = Signal(object)
    progress = Signal(float, str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = LatestOnly(self)
        self.spectro = LatestOnly(self)
        self.audio = None

    def load_stems(self, stems: dict[str, Path]) -> bool:
        files = song_audio_files(stems)
        return self.load_files(files)

    def load_files(self, files) -> bool:
        self.spectro.cancel()
        if not files:
            self.audio = None
            self.loader.cancel()
            self.audio_loaded.emit(None)
            return False
        self.loader.submit(load_editor_audio, self._loaded, self.failed.emit, self.progress.emit, tuple(files))
        return True

    def _loaded(self, audio) -> None:
        self.audio = audio
        self.audio_loaded.emit(audio)
        self.spectro.submit(compute_spectrogram, self.spectrogram_ready.emit, self.failed.emit,
                            self.progress.emit, audio.mono, audio.sr)

    def wait(self, timeout_ms: int = 20000) -> None:
        """Block until the pending jobs ended (tests)."""
        self.loader.wait(timeout_ms)
        self.spectro.wait(timeout_ms)

    def shutdown(self) -> None:
        from app.workers.qt_worker import wait_all
        self.loader.cancel()
        self.spectro.cancel()
        wait_all(5000)
