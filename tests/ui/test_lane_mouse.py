"""Editing notes with the mouse on the lane grid: place, select, box-select, drag (one undo step), erase."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.lanes import Difficulty, Lane
from tests.ui.conftest import drag, lane_point

X = Difficulty.EXPERT


def _t(win, tick):
    return win.document.tick_to_s(tick)


def test_click_on_empty_spot_places_a_snapped_note(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    doc.set_snap(4)  # 16ths: 120 ticks
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=lane_point(window, _t(window, 130), Lane.BLUE))
    note = doc.notes.get(120, Lane.BLUE)
    assert note is not None and note.cymbal  # new Y/B/G notes are cymbals by default
    assert doc.selection == {(X, 120, Lane.BLUE)}
    assert doc.undo_stack.count() == 1 and window.windowTitle().startswith("Test Song*")
    qtbot.keyClick(window.lanes, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.notes.get(120, Lane.BLUE) is None
    assert "*" not in window.windowTitle()


def test_click_on_note_selects_it_and_ctrl_click_toggles(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=lane_point(window, _t(window, 480), Lane.RED))
    assert doc.selection == {(X, 480, Lane.RED)} and doc.undo_stack.count() == 0
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     lane_point(window, _t(window, 960), Lane.KICK))
    assert doc.selection == {(X, 480, Lane.RED), (X, 960, Lane.KICK)}
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     lane_point(window, _t(window, 480), Lane.RED))
    assert doc.selection == {(X, 960, Lane.KICK)}


def test_box_select_with_shift_drag(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    window.timeline.set_range(-0.5, 4.5)
    p0 = lane_point(window, _t(window, 0) - 0.05, Lane.RED)
    p1 = lane_point(window, _t(window, 960) + 0.05, Lane.YELLOW)
    drag(qtbot, vp, p0, p1, Qt.KeyboardModifier.ShiftModifier)
    assert {(t, lane) for _, t, lane in doc.selection} == {
        (0, Lane.YELLOW), (240, Lane.YELLOW), (480, Lane.YELLOW), (720, Lane.YELLOW), (960, Lane.YELLOW),
        (480, Lane.RED)}
    assert doc.undo_stack.count() == 0


def test_drag_moves_notes_as_one_undo_step(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    doc.set_snap(4)
    before = list(doc.notes)
    doc.select_notes([doc.notes.get(480, Lane.RED), doc.notes.get(1440, Lane.RED)])
    p0 = lane_point(window, _t(window, 480), Lane.RED)
    p1 = lane_point(window, _t(window, 480 + 240), Lane.BLUE)
    drag(qtbot, vp, p0, p1, release=False)
    assert window.lanes.preview is not None and window.lanes.preview[1:] == (240, 2)
    assert doc.notes.get(480, Lane.RED) is not None  # only a preview so far
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=p1)
    assert doc.notes.get(480, Lane.RED) is None and doc.notes.get(1440, Lane.RED) is None
    assert doc.notes.get(720, Lane.BLUE) is not None and doc.notes.get(1680, Lane.BLUE) is not None
    assert doc.selection == {(X, 720, Lane.BLUE), (X, 1680, Lane.BLUE)}
    assert doc.undo_stack.count() == 1 and window.lanes.preview is None
    doc.undo_stack.undo()
    assert list(doc.notes) == before


def test_escape_aborts_a_drag(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    before = list(doc.notes)
    p0 = lane_point(window, _t(window, 480), Lane.RED)
    p1 = lane_point(window, _t(window, 960), Lane.RED)
    drag(qtbot, vp, p0, p1, release=False)
    assert window.lanes.preview is not None
    qtbot.keyClick(window.lanes, Qt.Key.Key_Escape)
    assert window.lanes.preview is None
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=p1)
    assert list(doc.notes) == before and doc.undo_stack.count() == 0


def test_right_click_erases_and_delete_key_deletes(window, qtbot):
    doc, vp = window.document, window.lanes.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.RightButton, pos=lane_point(window, _t(window, 960), Lane.KICK))
    assert doc.notes.get(960, Lane.KICK) is None
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=lane_point(window, _t(window, 480), Lane.RED))
    qtbot.keyClick(window.lanes, Qt.Key.Key_Delete)
    assert doc.notes.get(480, Lane.RED) is None
    assert doc.undo_stack.count() == 2
    qtbot.keyClick(window.lanes, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.lanes, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.notes.get(480, Lane.RED) is not None and doc.notes.get(960, Lane.KICK) is not None
    qtbot.keyClick(window.lanes, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert doc.notes.get(960, Lane.KICK) is None


def test_plain_drag_on_empty_space_pans(window, qtbot):
    vp = window.lanes.viewport()
    start = window.timeline.start_s
    p0 = lane_point(window, 3.0, Lane.BLUE)
    p1 = lane_point(window, 2.0, Lane.BLUE)
    drag(qtbot, vp, p0, p1)
    assert window.timeline.start_s > start + 0.5
    assert window.document.undo_stack.count() == 0
