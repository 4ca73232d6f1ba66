"""The one QUndoCommand: a thin wrapper that applies and reverts a domain Edit on the document."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from app.domain.edits import Edit

if TYPE_CHECKING:
    from app.ui.document import ChartDocument


class EditCommand(QUndoCommand):
    """redo = edit.apply(chart), undo = edit.revert(chart), text = edit.text.

    already_applied: the document applied the edit before pushing (so a failing edit never reaches
    the stack); the first redo then only notifies. The selection before the edit comes back on undo; `select_after` (if given) is set on redo.
    """

    def __init__(self, document: "ChartDocument", edit: Edit, select_after=None,
                 already_applied: bool = False) -> None:
        super().__init__(edit.text)
        self.document = document
        self.edit = edit
        self._select_before = document.selection
        self._select_after = select_after
        self._done_once = False
        self._skip_apply = already_applied

    def redo(self) -> None:
        if not self._skip_apply:
            self.edit.apply(self.document.chart)
        self._skip_apply = False
        if self._select_after is not None:
            self.document.set_selection(self._select_after)
        self.document.edit_applied(self.edit, first_time=not self._done_once)
        self._done_once = True

    def undo(self) -> None:
        self.edit.revert(self.document.chart)
        self.document.set_selection(self._select_before)
        self.document.edit_applied(self.edit, first_time=False)
