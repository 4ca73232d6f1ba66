"""The editor's files side: projects, autosave and recovery, recent files, export dialog and export workers."""
from __future__ import annotations

import pytest

from app.domain import edits as E
from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note
from app.workers.playback import PlaybackEngine


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "userdata"
    monkeypatch.setenv("CHART_HERO_DATA_DIR", str(d))
    return d


def _dirty(win, tick=120):
    doc = win.document
    doc.push(E.add_notes(doc.chart, doc.difficulty, [Note(tick, Lane.BLUE)]))


def _new_window(qtbot):
    from app.ui.main_window import MainWindow
    win = MainWindow(engine=PlaybackEngine(probe=lambda: "no audio device (test)"))
    qtbot.addWidget(win)
    return win


def test_project_save_and_reopen_keeps_view_and_extras(window, tmp_path):
    doc = window.document
    _dirty(window)
    doc.extras["autochart"] = {"preset": "rock", "sensitivity": 0.5}
    doc.set_difficulty(Difficulty.HARD)
    doc.set_snap(8)
    doc.set_cursor(2.5)
    window.timeline.set_range(1.0, 4.0)
    path = tmp_path / "song.chproj"
    assert window._save_to(path) and not doc.is_modified
    window.new_chart()
    assert window.open_path(path)
    assert doc.chart.drums.expert.get(120, Lane.BLUE) is not None and doc.path == path
    assert (doc.difficulty, doc.snap, doc.cursor_s) == (Difficulty.HARD, 8, 2.5)
    assert window.timeline.start_s == pytest.approx(1.0) and window.timeline.end_s == pytest.approx(4.0)
    assert doc.extras == {"autochart": {"preset": "rock", "sensitivity": 0.5}}
    _dirty(window, 240)
    assert window.save() and doc.path == path  # Ctrl+S writes the project in place


def test_damaged_project_reports_one_line(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("app.ui.file_ops.show_error", lambda parent, what, exc: shown.append(str(exc)))
    bad = tmp_path / "bad.chproj"
    bad.write_text("{ nope")
    assert not window.open_path(bad)
    assert "damaged project file" in shown[0] and "\n" not in shown[0]


def test_autosave_when_dirty_then_recovery_on_next_start(window, qtbot, data_dir):
    from app.ui.autosave import autosave_path, offer_recovery
    saver = window.session.autosaver
    assert not saver.autosave_now()  # clean: nothing to save
    _dirty(window)
    assert saver.autosave_now()
    qtbot.waitUntil(lambda: not saver.busy, timeout=5000)
    assert autosave_path().is_file() and str(data_dir) in str(autosave_path())

    # "crash": a new window finds the autosave and offers it
    win2 = _new_window(qtbot)
    asked = []
    assert offer_recovery(win2, ask=lambda parent, path: asked.append(path) or True)
    assert asked == [autosave_path()]
    assert win2.document.chart.drums.expert.get(120, Lane.BLUE) is not None
    assert win2.document.is_modified and "*" in win2.windowTitle()
    win2.document.mark_saved()  # saved -> the autosave goes
    assert not autosave_path().exists()


def test_declined_recovery_and_clean_exit_remove_the_autosave(window, qtbot, data_dir):
    from app.ui.autosave import autosave_path, offer_recovery
    _dirty(window)
    window.session.autosaver.autosave_now()
    window.session.autosaver.wait()
    qtbot.waitUntil(lambda: autosave_path().exists(), timeout=5000)
    win2 = _new_window(qtbot)
    assert not offer_recovery(win2, ask=lambda parent, path: False) and not autosave_path().exists()
    window.session.autosaver.autosave_now()
    window.session.autosaver.wait()
    window.document.mark_saved()
    window.close()
    assert not autosave_path().exists()


def test_autosave_interval_setting(window):
    saver = window.session.autosaver
    assert saver.timer.interval() == 60_000 and saver.timer.isActive()
    saver.set_interval(0)
    assert not saver.timer.isActive()


def test_recent_files_keep_ten_newest_first(window, tmp_path):
    from app.ui import file_ops
    for k in range(12):
        file_ops.add_recent(tmp_path / f"song{k}.mid")
    files = file_ops.recent_files()
    assert len(files) == 10 and files[0].endswith("song11.mid") and files[-1].endswith("song2.mid")
    window.fill_recent_menu()
    assert [a.text() for a in window.actions.recent_menu.actions()][0].endswith("song11.mid")


def _chart_with_error(window):
    doc = window.document
    doc.chart.drums.notes[Difficulty.HARD].put(Note(1920, Lane.RED))
    doc.chart.drums.notes[Difficulty.HARD].put(Note(1925, Lane.KICK))
    doc.chart.drums.authored.add(Difficulty.HARD)
    return doc


def test_export_dialog_lists_findings_and_click_moves_cursor(window, qtbot):
    from PySide6.QtCore import Qt
    doc = _chart_with_error(window)
    dialog = window.session.exporter.open_dialog()
    assert dialog.list.count() >= 1
    items = [dialog.list.item(i) for i in range(dialog.list.count())]
    broken = next(i for i in items if i.data(Qt.ItemDataRole.UserRole).code == "brokenNote")
    assert not dialog.export_button.isEnabled()  # an error blocks export...
    dialog.override.setChecked(True)
    assert dialog.export_button.isEnabled()  # ...unless the user overrides
    dialog.list.scrollToItem(broken)
    rect = dialog.list.visualItemRect(broken)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    finding = broken.data(Qt.ItemDataRole.UserRole)
    assert doc.difficulty is Difficulty.HARD
    assert doc.cursor_s == pytest.approx(finding.time_s)
    assert window.timeline.start_s <= finding.time_s <= window.timeline.end_s
    dialog.reject()


def test_export_song_folder_in_worker_reads_back_equal(window, qtbot, tmp_path):
    import numpy as np
    import soundfile as sf

    from app.io.any_format import load_song
    doc = window.document
    wav = tmp_path / "in" / "song.wav"
    wav.parent.mkdir()
    sf.write(str(wav), np.zeros(44100, np.float32), 44100)
    doc.stems = {"song": wav}
    dialog = window.session.exporter.open_dialog()
    dialog.fields["charter"].setText("Tester")
    dialog.fields["year"].setText("2024")
    dialog.preview.setValue(1.5)
    dialog.chart_format.setCurrentIndex(1)  # notes.chart
    dialog.folder.setText(str(tmp_path / "out" / "Band - Test Song"))
    with qtbot.waitSignal(window.session.exporter.finished, timeout=20000) as blocker:
        dialog.accept()
    out = blocker.args[0].path
    assert (out / "notes.chart").exists() and (out / "song.wav").exists() and (out / "song.ini").exists()
    back = load_song(out, require_audio=True)
    assert list(back.chart.drums.expert) == list(doc.chart.drums.expert)
    assert len(back.chart.drums.notes[Difficulty.EASY]) > 0  # lower difficulties generated
    m = back.chart.metadata
    assert (m.name, m.artist, m.charter, m.year, m.preview_start_ms) == ("Test Song", "Band", "Tester", "2024", 1500)
    assert doc.chart.metadata.charter == "Tester" and doc.undo_stack.undoText() == "edit song properties"


def test_export_gm_midi_in_worker(window, qtbot, tmp_path):
    from app.io.gm_midi import read_gm_midi
    path = tmp_path / "drums.mid"
    with qtbot.waitSignal(window.session.exporter.finished, timeout=10000):
        assert window.session.exporter.start_gm_midi(path)
    chart, _warnings = read_gm_midi(path)
    assert [(n.tick, n.lane, n.cymbal) for n in chart.drums.expert] == \
        [(n.tick, n.lane, n.cymbal) for n in window.document.chart.drums.expert]


def test_export_sheet_music_in_worker(window, qtbot, tmp_path):
    import music21
    path = tmp_path / "drums.musicxml"
    with qtbot.waitSignal(window.session.exporter.finished, timeout=30000):
        assert window.session.exporter.start_notation(path)
    score = music21.converter.parse(str(path))
    assert len(score.recurse().notes) > 0 and "export_notation" in window.actions.by_name


def test_about_dialog_shows_version_model_and_folders(window, qtbot):
    from app import __version__
    window.about()
    dialog = window.about_dialog
    qtbot.waitUntil(lambda: dialog.model_text != "reading the model...", timeout=20000)
    text = dialog.label.text()
    assert f"chart-hero {__version__}" in text and "model:" in text and "autosaves:" in text
    dialog.reject()


def test_demo_song_opens_with_drum_stem(window, qtbot):
    from app.cli.editor import demo_song_path
    demo = demo_song_path()
    assert demo is not None and sum(f.stat().st_size for f in demo.iterdir()) < 1_000_000
    assert window.open_path(demo)
    assert set(window.document.stems) == {"song", "drums"} and len(window.document.notes) > 100
    assert window.document.chart.metadata.name == "Chart Hero Demo"
    qtbot.waitUntil(lambda: window.waveform.pyramid is not None, timeout=20000)
    assert window.engine.has_stems and window.engine.duration_s > 30
    assert all(b.isEnabled() for b in window.transport.mix.buttons.values())


def test_version_prints_model_and_user_folders(capsys):
    from app import __version__
    from app.cli.main import main
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and out.startswith(f"chart-hero {__version__}\n")
    assert "model: " in out and "autosaves: " in out and "settings: " in out
