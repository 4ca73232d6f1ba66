"""Auto-chart in the editor with a tiny random model: run, cancel, re-decode with undo, hand edits, doubtful notes."""
from __future__ import annotations

import json

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from app.domain.lanes import Difficulty, Lane
from app.ui import note_actions as N

X = Difficulty.EXPERT


@pytest.fixture(scope="module")
def drum_audio(tmp_path_factory):
    from app.training.synth.dataset import SynthConfig, render_example
    config = SynthConfig(duration_s=6.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                         use_fluidsynth=False, p_augment=0.0)
    audio, _, _ = render_example(5, config)
    path = tmp_path_factory.mktemp("audio") / "groove.wav"
    sf.write(str(path), audio, 44100)
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHART_HERO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no separation model in a user cache
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    return tmp_path / "data"


@pytest.fixture
def opened(window, drum_audio, tiny_checkpoint):
    assert window.open_path(drum_audio)
    c = window.autochart
    c.model_path = tiny_checkpoint
    c.set_preset("aggressive")  # random weights: the conservative preset finds next to nothing
    return window


def _run(qtbot, win) -> None:
    c = win.autochart
    assert c.start()
    qtbot.waitUntil(lambda: not c.running, timeout=20000)


@pytest.fixture
def charted(opened, qtbot):
    _run(qtbot, opened)
    assert len(opened.document.notes) > 20
    return opened


def test_autochart_is_one_undo_step_and_keeps_metadata(opened, qtbot):
    doc = opened.document
    doc.chart.metadata.artist = "The Band"
    old_map = doc.chart.tempo_map
    opened.autochart.separate = "auto"
    _run(qtbot, opened)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.text(0) == "auto-chart"
    result = doc.autochart.result
    assert len(doc.notes) == len(result.chart.drums.expert) > 0
    assert doc.chart.tempo_map == result.chart.tempo_map and doc.chart.sections == result.chart.sections
    assert doc.chart.metadata.artist == "The Band"
    assert any("separation model" in w for w in opened.autochart.last_warnings)
    assert "separation model" in opened.statusBar().currentMessage()
    assert opened.confidence_overlay.ring_count() > 0
    doc.undo_stack.undo()
    assert len(doc.notes) == 0 and doc.chart.tempo_map == old_map and not doc.autochart.active
    doc.undo_stack.redo()
    assert len(doc.notes) == len(result.chart.drums.expert) and doc.autochart.result is result


def test_cancel_leaves_the_chart_alone(opened, qtbot, monkeypatch):
    import time

    from app.domain.progress import check_cancel

    def slow_transcribe(source, options, on_progress=None, should_cancel=None, model_bundle=None):
        for _ in range(2000):  # a long job that only ends by cancellation (no race with a fast machine)
            check_cancel(should_cancel)
            time.sleep(0.005)
        raise AssertionError("not cancelled")
    monkeypatch.setattr("app.transcription.pipeline.transcribe", slow_transcribe)
    c, doc = opened.autochart, opened.document
    assert c.start()
    assert c.dialog is not None and c.dialog.isVisible()
    c.dialog.canceled.emit()  # the Cancel button
    qtbot.waitUntil(lambda: not c.running, timeout=20000)
    assert c.dialog is None and len(doc.notes) == 0 and doc.undo_stack.count() == 0
    # (the status bar says "cancelled" unless a background job, e.g. the spectrogram, wrote after it)


def test_preset_and_slider_redecode_as_one_undo_step(charted, qtbot):
    doc, panel = charted.document, charted.autochart_panel
    before = list(doc.notes)
    panel.preset.setCurrentIndex(panel.preset.findData("conservative"))
    qtbot.waitUntil(lambda: doc.undo_stack.count() == 2, timeout=3000)
    assert doc.undo_stack.text(1) == "re-decode" and list(doc.notes) != before
    assert doc.autochart.preset == "conservative"
    doc.undo_stack.undo()
    assert list(doc.notes) == before and panel.preset.currentData() == "aggressive"

    kicks = len([n for n in doc.notes if n.lane is Lane.KICK])
    for v in (40, 20, 0):  # a drag: several values, one re-decode after it pauses
        panel.sliders["Kick"].setValue(v)
    qtbot.waitUntil(lambda: doc.undo_stack.count() == 2, timeout=3000)
    qtbot.wait(150)
    assert doc.undo_stack.count() == 2
    assert len([n for n in doc.notes if n.lane is Lane.KICK]) < kicks
    assert doc.autochart.sensitivity["kick"] == 0.0
    doc.undo_stack.undo()
    assert list(doc.notes) == before and panel.sliders["Kick"].value() == 50


def test_hand_edits_survive_a_redecode(charted, qtbot):
    doc, c = charted.document, charted.autochart
    notes = list(doc.notes)
    moved, deleted = notes[3], notes[10]
    doc.select_notes([moved])
    N.move_selection(doc, 7)
    moved_to = doc.selected_notes()[0]
    doc.select_notes([deleted])
    N.delete_selection(doc)
    free = max(n.tick for n in doc.notes) + 960
    added = N.place_note(doc, free, Lane.RED)
    assert c.doubtful() and doc.autochart.model_note(moved_to) is None
    c.set_group_sensitivity("Kick", 1.0)
    c.set_group_sensitivity("Hi-hat", 1.0)
    c.set_preset("aggressive")
    c.redecode_now()
    assert doc.undo_stack.text(doc.undo_stack.index() - 1) == "re-decode"
    assert doc.notes.get(moved_to.tick, moved_to.lane) == moved_to
    assert doc.notes.get(added.tick, added.lane) == added
    assert doc.notes.get(deleted.tick, deleted.lane) is None  # a deleted model note stays deleted


def test_next_doubtful_note_moves_cursor_and_selects(charted, qtbot):
    doc, c = charted.document, charted.autochart
    confs = sorted(m.confidence for m in doc.autochart.model_notes_in(doc.chart))
    threshold = round(confs[len(confs) // 3], 2) + 0.01  # a third or so of the notes are doubtful
    charted.autochart_panel.threshold.setValue(threshold)
    assert c.doubt_threshold == pytest.approx(threshold)
    doubtful = c.doubtful()
    assert 2 <= len(doubtful) < len(confs) and all(m.confidence < threshold for m in doubtful)
    doc.set_cursor(0.0)
    charted.timeline.set_range(0.0, 1.0)
    qtbot.keyClick(charted.lanes, Qt.Key.Key_D)
    first = doubtful[0].note
    assert doc.selection == {(X, first.tick, first.lane)}
    assert doc.cursor_s == pytest.approx(doc.tick_to_s(first.tick))
    qtbot.keyClick(charted.lanes, Qt.Key.Key_D)
    second = doubtful[1].note
    assert doc.selection == {(X, second.tick, second.lane)}
    assert charted.timeline.start_s <= doc.cursor_s <= charted.timeline.end_s
    qtbot.keyClick(charted.lanes, Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier)
    assert doc.selection == {(X, first.tick, first.lane)}
    assert "doubtful 1/" in charted.statusBar().currentMessage()


def test_corrections_are_recorded_and_exported(charted, qtbot, data_dir, tmp_path):
    doc = charted.document
    notes = list(doc.notes)
    doc.select_notes([notes[2]])
    N.delete_selection(doc)
    doc.select_notes([notes[5]])
    N.move_selection(doc, 5)
    pad = next(n for n in notes[8:] if n.lane is not Lane.GREEN and
               doc.notes.get(n.tick, Lane(int(n.lane) + 1)) is None)
    doc.select_notes([pad])
    N.move_selection(doc, 0, 1)  # lane change
    cym = next(n for n in doc.notes if n.lane.can_be_cymbal and doc.autochart.model_note(n) is not None)
    doc.select_notes([cym])
    N.toggle_flag(doc, "cymbal")
    store = charted.corrections.store
    assert store.path.is_relative_to(data_dir)
    recs = store.records()
    assert [r["kind"] for r in recs] == ["delete", "move", "change", "change"]
    assert recs[0]["before"]["tick"] == notes[2].tick and recs[0]["after"] is None
    assert recs[1]["after"]["tick"] == notes[5].tick + 5
    assert recs[2]["before"]["lane"] != recs[2]["after"]["lane"]
    assert recs[3]["before"]["cymbal"] != recs[3]["after"]["cymbal"]
    r = doc.autochart.result
    assert all(x["song_id"] and x["model_sha256"] == r.model_sha256 and x["preset"] == "aggressive" for x in recs)

    doc.undo_stack.undo()  # undoing a gesture takes its record out of the export; redo puts it back
    assert [r["kind"] for r in store.records()] == ["delete", "move", "change"]
    doc.undo_stack.redo()
    doc.undo_stack.undo()
    out = tmp_path / "corrections.jsonl"
    from app.io.corrections import export_jsonl
    assert export_jsonl(out, store.path) == 3
    assert [json.loads(line)["kind"] for line in out.read_text().splitlines()] == ["delete", "move", "change"]
