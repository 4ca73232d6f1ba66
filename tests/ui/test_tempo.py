"""Tempo map editing: drag a beat onto the audio (anchor) keeps notes' audio times; tap tempo."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from app.domain import edits as E
from app.domain.lanes import Lane
from app.ui.tap_tempo import TapTempo
from tests.ui.conftest import drag


def _strip_point(win, time_s):
    strip = win.tempo_strip
    return strip.mapFromScene(strip.viewbox.mapViewToScene(QPointF(time_s, 0.2)))


def test_dragging_a_beat_anchors_it_and_notes_keep_their_audio_times(window, qtbot):
    doc = window.document
    times_before = {(n.lane, round(doc.tick_to_s(n.tick), 4)) for n in doc.notes}
    assert doc.tick_to_s(960) == pytest.approx(1.0)
    drag(qtbot, window.tempo_strip.viewport(), _strip_point(window, 1.0), _strip_point(window, 1.2), steps=6)
    tm = doc.chart.tempo_map
    anchored = [t for t in tm.tempos if t.anchor_s is not None]
    assert [t.tick for t in anchored] == [960]
    assert doc.tick_to_s(960) == pytest.approx(1.2, abs=0.01)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "anchor beat"
    times_after = {(n.lane, round(doc.tick_to_s(n.tick), 2)) for n in doc.notes}
    assert times_after == {(lane, round(t, 2)) for lane, t in times_before}
    doc.undo_stack.undo()
    assert doc.tick_to_s(960) == pytest.approx(1.0)


def test_escape_aborts_a_beat_drag(window, qtbot):
    doc, strip = window.document, window.tempo_strip
    drag(qtbot, strip.viewport(), _strip_point(window, 1.0), _strip_point(window, 1.2), steps=6, release=False)
    assert strip.drag_line.isVisible()
    qtbot.keyClick(strip, Qt.Key.Key_Escape)
    qtbot.mouseRelease(strip.viewport(), Qt.MouseButton.LeftButton, pos=_strip_point(window, 1.2))
    assert doc.undo_stack.count() == 0


def test_impossible_anchor_is_refused(window):
    doc = window.document
    doc.push(E.add_tempo(doc.chart, 1920, 120.0))
    messages = []
    window.tempo_strip.status_message.connect(messages.append)
    assert not window.tempo_strip.anchor(2880, 0.5)  # before the previous marker
    assert messages and doc.undo_stack.count() == 1


def test_tempo_and_time_signature_edits_undo(window):
    doc = window.document
    doc.push(E.add_tempo(doc.chart, 0, 150.0, keep_audio_times=True))
    assert doc.chart.tempo_map.tempos[0].bpm == 150.0
    assert doc.notes.get(1440, Lane.RED) is None  # the snare at 1.5 s moved in ticks, not in time
    doc.push(E.set_time_signature(doc.chart, 0, 3, 4))
    assert doc.chart.tempo_map.time_signatures[0].numerator == 3
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.chart.tempo_map.tempos[0].bpm == 120.0 and doc.notes.get(1440, Lane.RED) is not None


@pytest.mark.parametrize("taps, bpm", [
    ([0.0, 0.5, 1.0, 1.5], 120.0),
    ([0.0, 0.5, 1.0, 1.52, 2.0], 120.0),   # median ignores one sloppy tap
    ([0.0, 0.4, 5.0, 5.6, 6.2], 100.0),    # a long pause starts over
    ([0.0], None),
])
def test_tap_tempo(taps, bpm):
    calc = TapTempo()
    for t in taps:
        calc.tap(t)
    assert calc.bpm == (pytest.approx(bpm, rel=0.01) if bpm else None)
