"""Model-note provenance and correction diffs, Qt-free: re-decode keeps hand edits; edits classify as corrections."""
from __future__ import annotations

from types import MappingProxyType, SimpleNamespace

from app.domain import edits as E
from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note
from app.domain.song import empty_chart
from app.transcription.confidence import NoteConfidence
from app.ui.correction_diff import note_changes
from app.ui.provenance import AutoChartState, ModelNote, redecode_edit

X = Difficulty.EXPERT
A, B, C = Note(0, Lane.KICK), Note(240, Lane.YELLOW, cymbal=True), Note(480, Lane.RED)


def _state(*notes: Note) -> AutoChartState:
    result = SimpleNamespace(options=SimpleNamespace(preset="aggressive", sensitivity={}, dynamics=False))
    return AutoChartState(MappingProxyType({n.key: ModelNote(n, 0.4, "kick") for n in notes}), result)


def _result(*notes: Note):
    chart = empty_chart()
    for n in notes:
        chart.drums.expert.put(n)
    return SimpleNamespace(chart=chart, options=SimpleNamespace(preset="conservative", sensitivity={"kick": 0.8},
                                                                dynamics=False))


def test_redecode_replaces_only_model_notes() -> None:
    chart = empty_chart()
    b_user = B.with_(cymbal=False)  # the user made the hi-hat a tom
    user = Note(960, Lane.GREEN)
    for n in (A, b_user, user):  # C was deleted by the user
        chart.drums.expert.put(n)
    state = _state(A, B, C)
    a2, new = Note(10, Lane.KICK), Note(1200, Lane.BLUE, cymbal=True)
    result = _result(a2, B, C, Note(960, Lane.GREEN, cymbal=True), new)
    conf = {n.key: NoteConfidence(0.9, "x") for n in result.chart.drums.expert}
    edit, new_state = redecode_edit(chart, state, result, conf)
    assert edit.old == (A,) and edit.new == (a2, new)
    edit.apply(chart)
    assert list(chart.drums.expert) == [a2, b_user, user, new]
    assert new_state.preset == "conservative" and new_state.sensitivity["kick"] == 0.8
    assert [m.note for m in new_state.model_notes_in(chart)] == [a2, new]
    assert C.key in new_state.notes  # the deletion is remembered for the next re-decode
    edit.revert(chart)
    assert list(chart.drums.expert) == [A, b_user, user]


def _kinds(edit, state, activity=None):
    return [(c.kind, c.before, c.after) for c in note_changes(edit, state, activity)]


def test_note_changes_table() -> None:
    chart = empty_chart()
    other = Note(480, Lane.KICK)  # a user note
    for n in (A, B, C, other):
        chart.drums.expert.put(n)
    state = _state(A, B, C)
    moved = E.move_notes(chart, X, [A], 480)  # A lands on the user's kick: a move, nothing else
    assert _kinds(moved, state) == [("move", A, Note(480, Lane.KICK))]
    covering = E.move_notes(chart, X, [other], -480)  # the user's kick overwrites model note A
    assert _kinds(covering, state) == [("delete", A, None)]
    lane = E.move_notes(chart, X, [B], 0, 1)
    assert _kinds(lane, state) == [("change", B, Note(240, Lane.BLUE, cymbal=True))]
    flag = E.change_notes(chart, X, [C], [C.with_(flam=True)])
    assert _kinds(flag, state) == [("change", C, C.with_(flam=True))]
    assert _kinds(E.remove_notes(chart, X, [A, other]), state) == [("delete", A, None)]
    add = E.add_notes(chart, X, [Note(720, Lane.RED), Note(960, Lane.RED)])
    assert _kinds(add, state, lambda n: 0.5 if n.tick == 720 else 0.0) == [("add", None, Note(720, Lane.RED))]
    assert _kinds(E.add_tempo(chart, 0, 90, keep_audio_times=True), state) == []
    assert _kinds(moved, AutoChartState()) == []  # not auto-charted: nothing to record
