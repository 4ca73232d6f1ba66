"""What a user's note edit did to model-made notes (Qt-free): delete, add, move and change records."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from app.domain import edits as E
from app.domain.lanes import Difficulty
from app.domain.notes import Note
from app.ui.provenance import AutoChartState, ModelNote

ADD_ACTIVITY_MIN = 0.1
"""An added note is recorded when the model's probability for its lane reached this within +-35 ms."""


@dataclass(frozen=True)
class NoteChange:
    kind: str  # delete / add / move / change (see app.io.corrections.KINDS)
    before: Note | None
    after: Note | None
    model: ModelNote | None
    activity: float | None = None  # adds: the model's nearby probability


def _note_edits(edit: E.Edit) -> Iterator[E.ReplaceNotes] | None:
    """Expert note edits inside `edit`; None when it re-times the chart (tempo edits are no corrections)."""
    parts = edit.edits if isinstance(edit, E.Batch) else [edit]
    if any(isinstance(p, (E.SetTempoMap, E.Batch)) for p in parts):
        return None
    return (p for p in parts if isinstance(p, E.ReplaceNotes) and p.difficulty is Difficulty.EXPERT)


def _move_delta(old: tuple[Note, ...], new: tuple[Note, ...]) -> tuple[int, int] | None:
    """(dticks, dlanes) when every new note is an old note shifted by it (how move_notes builds edits)."""
    if not new or not old:
        return None
    by_key = {n.key: n for n in old}
    first = new[0]
    for o in old:
        d = (first.tick - o.tick, int(first.lane) - int(o.lane))
        if d == (0, 0):
            continue
        ok = True
        for n in new:
            src = by_key.get((n.tick - d[0], int(n.lane) - d[1]))
            if src is None or src.with_(tick=n.tick, lane=n.lane) != n:
                ok = False
                break
        if ok:
            return d
    return None


def note_changes(edit: E.Edit, state: AutoChartState,
                 activity: Callable[[Note], float] | None = None) -> list[NoteChange]:
    """Changes to model notes made by `edit` (judged against the model's notes in `state`).

    A move keeps its identity (one 'move' record, or 'change' when only the lane changed); a model note
    overwritten or pushed off the lanes is a 'delete'; a note at a model note's place with other flags is
    a 'change'; a new note is an 'add' when `activity(note)` >= ADD_ACTIVITY_MIN.
    """
    parts = _note_edits(edit)
    if parts is None or not state.active:
        return []
    out: list[NoteChange] = []
    for part in parts:
        old, new = part.old, part.new
        delta = _move_delta(old, new)
        paired: dict[Note, Note] = {}
        if delta is not None:
            by_key = {n.key: n for n in old}
            paired = {by_key[(n.tick - delta[0], int(n.lane) - delta[1])]: n for n in new}
        else:  # notes put back unchanged (a paste over identical notes) changed nothing
            same = set(old) & set(new)
            old = tuple(n for n in old if n not in same)
            new = tuple(n for n in new if n not in same)
        new_by_key = {n.key: n for n in new}
        targets = set(paired.values())
        for o in old:
            m = state.model_note(o)
            if o in paired:
                if m is not None:
                    n = paired[o]
                    out.append(NoteChange("move" if n.tick != o.tick else "change", o, n, m))
            elif m is not None:
                n = new_by_key.get(o.key)
                out.append(NoteChange("change", o, n, m) if n is not None and n not in targets
                           else NoteChange("delete", o, None, m))
        old_keys = {o.key for o in old}
        for n in new:
            if n in targets or n.key in old_keys or activity is None:
                continue
            level = activity(n)
            if level >= ADD_ACTIVITY_MIN:
                out.append(NoteChange("add", None, n, None, level))
    return out
