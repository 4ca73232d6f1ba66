"""The window: opens without an audio device, loads audio off the GUI thread, opens and saves charts."""
from __future__ import annotations

import numpy as np
import pytest

from app.domain.lanes import Lane
from app.workers.playback import PlaybackState


def test_window_opens_without_audio_device(window):
    assert window.engine.state is PlaybackState.OFF
    assert "playback off" in window.transport.status.text()
    assert not window.transport.play_button.isEnabled()
    window.transport.toggle_play()  # harmless
    assert "playback off" in window.playback_label.text()


def test_title_shows_unsaved_state(window):
    from app.domain import edits as E
    doc = window.document
    assert window.windowTitle() == "Test Song - Chart Hero"
    doc.push(E.remove_notes(doc.chart, doc.difficulty, [doc.notes.get(0, Lane.KICK)]))
    assert window.windowTitle() == "Test Song* - Chart Hero"
    doc.undo_stack.undo()
    assert window.windowTitle() == "Test Song - Chart Hero"


def _write_wav(path, seconds=3.0, sr=44100):
    sf = pytest.importorskip("soundfile")
    t = np.arange(int(seconds * sr)) / sr
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), sr)
    return path


def test_open_audio_file_loads_waveform_and_spectrogram_off_thread(window, qtbot, tmp_path):
    wav = _write_wav(tmp_path / "song.wav")
    assert window.open_path(wav)
    assert len(window.document.notes) == 0 and window.document.stems == {"song": wav}
    qtbot.waitUntil(lambda: window.waveform.pyramid is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.spectrogram.image.image is not None, timeout=20000)
    assert window.engine.duration_s == pytest.approx(3.0, abs=0.01)
    assert window.engine.state is PlaybackState.OFF  # still no device: audio loaded, playback off


def test_save_and_reopen_song_folder(window, tmp_path):
    doc = window.document
    from app.domain import edits as E
    doc.push(E.add_notes(doc.chart, doc.difficulty, [doc.notes.get(0, Lane.KICK).with_(tick=120)]))
    folder = tmp_path / "Band - Test Song"
    assert window._save_to(folder)
    assert not doc.is_modified and (folder / "notes.mid").exists()
    assert window.open_path(folder)
    assert window.document.notes.get(120, Lane.KICK) is not None


def test_open_missing_path_reports_error(window, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr("app.ui.file_ops.show_error", lambda parent, what, exc: shown.append(str(exc)))
    assert not window.open_path(tmp_path / "nope.mid")
    assert shown and "no such file" in shown[0]
