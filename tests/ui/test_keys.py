"""Keyboard editing, Moonscraper style: lane keys at the cursor, flag toggles, nudge, grid, copy/paste."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.lanes import Difficulty, Dynamic, Lane

X = Difficulty.EXPERT
K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def _press(qtbot, win, key, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(win.lanes, key, mods)


def test_lane_keys_toggle_notes_at_the_cursor(window, qtbot):
    doc = window.document
    doc.set_cursor(doc.tick_to_s(125))  # snaps to 120 on the 1/16 grid
    _press(qtbot, window, K.Key_3)
    assert doc.notes.get(120, Lane.BLUE) is not None
    _press(qtbot, window, K.Key_0)
    assert doc.notes.get(120, Lane.KICK) is not None
    _press(qtbot, window, K.Key_3)
    assert doc.notes.get(120, Lane.BLUE) is None
    assert doc.undo_stack.count() == 3


def test_flag_keys(window, qtbot):
    doc = window.document
    doc.select_notes([doc.notes.get(0, Lane.YELLOW), doc.notes.get(480, Lane.RED), doc.notes.get(0, Lane.KICK)])
    _press(qtbot, window, K.Key_C)  # cymbal -> tom on yellow only
    assert not doc.notes.get(0, Lane.YELLOW).cymbal
    _press(qtbot, window, K.Key_A)
    assert doc.notes.get(480, Lane.RED).dynamic is Dynamic.ACCENT
    assert doc.notes.get(0, Lane.KICK).dynamic is Dynamic.NORMAL  # kicks carry no accent
    _press(qtbot, window, K.Key_G)
    assert doc.notes.get(480, Lane.RED).dynamic is Dynamic.GHOST
    _press(qtbot, window, K.Key_F)
    assert doc.notes.get(480, Lane.RED).flam
    _press(qtbot, window, K.Key_K)
    assert doc.notes.get(0, Lane.KICK).double_kick
    assert len(doc.selected_notes()) == 3  # the selection survives flag edits
    for _ in range(5):
        _press(qtbot, window, K.Key_Z, CTRL)
    assert doc.notes.get(0, Lane.YELLOW).cymbal and not doc.notes.get(0, Lane.KICK).double_kick
    assert doc.notes.get(480, Lane.RED).dynamic is Dynamic.NORMAL


def test_nudge_and_grid_keys(window, qtbot):
    doc = window.document
    doc.select_notes([doc.notes.get(480, Lane.RED)])
    _press(qtbot, window, K.Key_BracketRight)  # finer: 1/24
    assert doc.snap == 6
    _press(qtbot, window, K.Key_BracketLeft)
    _press(qtbot, window, K.Key_BracketLeft)  # coarser: 1/12 (triplet 8ths)
    assert doc.snap == 3
    _press(qtbot, window, K.Key_BracketLeft)  # 1/8
    assert doc.snap == 2
    _press(qtbot, window, K.Key_Right, CTRL)
    assert doc.notes.get(720, Lane.RED) is not None and doc.notes.get(480, Lane.RED) is None
    assert doc.selection == {(X, 720, Lane.RED)}
    _press(qtbot, window, K.Key_Left, CTRL)
    assert doc.notes.get(480, Lane.RED) is not None


def test_copy_paste_at_cursor(window, qtbot):
    doc = window.document
    doc.select_notes(doc.notes.in_range(0, 480))
    _press(qtbot, window, K.Key_C, CTRL)
    doc.set_cursor(doc.tick_to_s(3840))
    _press(qtbot, window, K.Key_V, CTRL)
    assert doc.notes.get(3840, Lane.KICK) is not None and doc.notes.get(4080, Lane.YELLOW) is not None
    assert doc.undo_stack.count() == 1
    _press(qtbot, window, K.Key_X, CTRL)  # cut what was pasted (it is selected)
    assert doc.notes.get(3840, Lane.KICK) is None


def test_select_all_and_redo_shortcuts(window, qtbot):
    doc = window.document
    _press(qtbot, window, K.Key_A, CTRL)
    assert len(doc.selected_notes()) == len(doc.notes)
    _press(qtbot, window, K.Key_Delete)
    assert len(doc.notes) == 0
    _press(qtbot, window, K.Key_Z, CTRL)
    assert len(doc.notes) > 0
    _press(qtbot, window, K.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert len(doc.notes) == 0


def test_difficulty_switch(window, qtbot):
    doc = window.document
    _press(qtbot, window, K.Key_3, Qt.KeyboardModifier.AltModifier)
    assert doc.difficulty is Difficulty.HARD and window.difficulty_box.currentText() == "Hard"
    doc.set_cursor(0.0)
    _press(qtbot, window, K.Key_1)
    assert doc.chart.drums.notes[Difficulty.HARD].get(0, Lane.RED) is not None
    assert Difficulty.HARD in doc.chart.drums.authored  # hand edits mark the difficulty authored
    assert doc.chart.drums.expert.get(0, Lane.RED) is None
    window.difficulty_box.setCurrentIndex(0)
    assert doc.difficulty is Difficulty.EXPERT


def test_generate_lower_difficulties(window, qtbot):
    doc = window.document
    window.actions.by_name["generate"].trigger()
    assert len(doc.chart.drums.notes[Difficulty.EASY]) > 0
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert len(doc.chart.drums.notes[Difficulty.EASY]) == 0
