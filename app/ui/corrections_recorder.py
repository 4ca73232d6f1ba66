"""Records the user's corrections of model-made notes into the corrections store, gesture by gesture.

It follows the undo stack: a newly pushed command is one gesture and its records are written in one
transaction. Undo marks that gesture's records undone (active = 0) and redo marks them active again,
so the store keeps every gesture ever made while an export (active records only) holds exactly the
corrections the chart still contains. Auto-chart and re-decode commands are not corrections.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.io.corrections import Correction, CorrectionsStore
from app.ui.commands import EditCommand
from app.ui.correction_diff import note_changes
from app.ui.document import ChartDocument
from app.workers.qt_worker import LatestOnly

_NEW, _ACTIVE, _UNDONE, _SKIP = None, "active", "undone", "skip"


class CorrectionsRecorder(QObject):
    """Watches `document.undo_stack`; opens the store (default: the user's) at the first record."""

    message = Signal(str)

    def __init__(self, document: ChartDocument, store_path: str | Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.store_path = store_path
        self._store: CorrectionsStore | None = None
        self.enabled = True
        self.jobs = LatestOnly(self)  # exports run on a worker thread
        self._index = document.undo_stack.index()
        document.undo_stack.indexChanged.connect(self._on_index)

    @property
    def store(self) -> CorrectionsStore:
        if self._store is None:
            self._store = CorrectionsStore(self.store_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _on_index(self, idx: int) -> None:
        try:
            stack = self.document.undo_stack
            count = stack.count()
        except RuntimeError:  # the window is being destroyed
            return
        if count == 0:  # cleared (a new song)
            self._index = 0
            return
        if idx >= self._index:  # redo(s) or a push; at the undo limit a push keeps the index
            for i in range(self._index if idx > self._index else idx - 1, idx):
                self._forward(stack.command(i))
        else:
            for i in range(self._index - 1, idx - 1, -1):
                self._backward(stack.command(i))
        self._index = idx

    def _forward(self, cmd) -> None:
        state = getattr(cmd, "_corrections", _SKIP) if cmd is not None else _SKIP
        if cmd is not None and not hasattr(cmd, "_corrections"):
            cmd._corrections = _SKIP
            cmd._correction_ids = []
            if isinstance(cmd, EditCommand) and not hasattr(cmd, "new_state"):  # auto-chart commands carry states
                ids = self._record(cmd.edit)
                if ids:
                    cmd._corrections, cmd._correction_ids = _ACTIVE, ids
        elif state == _UNDONE:
            self._set_active(cmd, True)

    def _backward(self, cmd) -> None:
        if cmd is not None and getattr(cmd, "_corrections", _SKIP) == _ACTIVE:
            self._set_active(cmd, False)

    def _set_active(self, cmd, active: bool) -> None:
        try:
            self.store.set_active(cmd._correction_ids, active)
            cmd._corrections = _ACTIVE if active else _UNDONE
        except sqlite3.Error as exc:
            self.message.emit(f"corrections store: {exc}")

    def _record(self, edit) -> list[int]:
        doc = self.document
        state = doc.autochart
        if not self.enabled or not state.active:
            return []
        act = state.result.activations

        def activity(note) -> float:
            from app.transcription.confidence import lane_activity
            return lane_activity(act, int(note.lane), doc.tick_to_s(note.tick))

        changes = note_changes(edit, state, activity)
        if not changes:
            return []
        r = state.result
        records = []
        for ch in changes:
            where = ch.before if ch.before is not None else ch.after
            records.append(Correction(
                kind=ch.kind, song_id=state.song_id, song_path=str(state.source or ""),
                time_s=doc.tick_to_s(where.tick), tick=where.tick, before=ch.before, after=ch.after,
                confidence=ch.model.confidence if ch.model is not None else ch.activity,
                drum=ch.model.drum if ch.model is not None else None,
                model_version=r.model_version or "", model_sha256=r.model_sha256 or "",
                preset=state.preset, sensitivity=dict(state.sensitivity)))
        try:
            return self.store.add(records)
        except sqlite3.Error as exc:
            self.message.emit(f"corrections store: {exc}")
            return []
