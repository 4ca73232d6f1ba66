"""The document: thin undo commands over domain edits, unsaved state, selection and snap."""
from __future__ import annotations

import pytest

from app.domain import edits as E
from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note
from app.ui.document import ChartDocument
from tests.ui.conftest import demo_chart

X = Difficulty.EXPERT


@pytest.fixture
def doc(qapp):
    return ChartDocument(demo_chart())


def test_push_undo_redo_and_unsaved_title(doc):
    assert "*" not in doc.title()
    changes = []
    doc.chart_changed.connect(changes.append)
    doc.push(E.add_notes(doc.chart, X, [Note(120, Lane.BLUE)]))
    assert doc.notes.get(120, Lane.BLUE) is not None
    assert doc.is_modified and doc.title().startswith("Test Song*")
    assert doc.undo_stack.undoText() == "add notes"
    doc.undo_stack.undo()
    assert doc.notes.get(120, Lane.BLUE) is None and not doc.is_modified
    doc.undo_stack.redo()
    assert doc.notes.get(120, Lane.BLUE) is not None
    assert changes == [(120, 120)] * 3


def test_undo_reveals_the_changed_ticks(doc):
    revealed = []
    doc.reveal_requested.connect(revealed.append)
    doc.push(E.add_notes(doc.chart, X, [Note(9600, Lane.GREEN)]))
    assert revealed == []  # the first apply happens where the user is looking
    doc.undo_stack.undo()
    assert revealed == [(9600, 9600)]


def test_failing_edit_is_not_pushed(doc):
    bad = E.ReplaceNotes(X, (Note(5, Lane.RED),), ())  # removes a note that is not there
    with pytest.raises(KeyError):
        doc.push(bad)
    assert doc.undo_stack.count() == 0


def test_selection_follows_edits(doc):
    doc.select_notes([doc.notes.get(0, Lane.KICK)])
    doc.push(E.remove_notes(doc.chart, X, [doc.notes.get(0, Lane.KICK)]))
    assert doc.selection == frozenset()
    doc.undo_stack.undo()
    assert doc.selection == {(X, 0, Lane.KICK)}


def test_snap_and_cursor(doc):
    doc.set_snap(4)
    assert doc.snap_step_ticks() == 120
    doc.step_snap(1)
    assert doc.snap == 6  # 1/24 (triplet 16ths) comes after 1/16
    doc.set_snap(4)
    doc.set_cursor(doc.tick_to_s(130))
    assert doc.cursor_tick() == 120


def test_difficulty_switch_shows_other_notes(doc):
    doc.set_difficulty(Difficulty.HARD)
    assert len(doc.notes) == 0
    doc.set_difficulty(X)
    assert len(doc.notes) > 0
