"""Mouse editing of the lane grid, Moonscraper style: click places/selects, drag moves or box-selects."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.ui import note_actions
from app.ui.glyphs import LANE_ROW

if TYPE_CHECKING:
    from app.ui.lane_view import LaneView

HIT_TOLERANCE_PX = 11.0
BOX_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


class LaneEditor:
    """Turns pyqtgraph mouse events on a LaneView into document edits.

    A move drag previews on the view and pushes ONE command on release; Escape (abort()) drops it.
    A plain drag on empty space pans; Shift/Ctrl-drag draws a selection box (Ctrl adds to it).
    """

    def __init__(self, view: "LaneView") -> None:
        self.view = view
        self.mode: str | None = None  # "move", "box", "pan", "aborted"
        self._grab: Note | None = None
        self._grab_time = 0.0
        self._start_time = 0.0
        self._delta = (0, 0)
        self._pan_last = 0.0
        self._mods = Qt.KeyboardModifier.NoModifier

    @property
    def doc(self):
        return self.view.document

    # ---- hit testing --------------------------------------------------------------------------
    def _to_view(self, pos) -> tuple[float, float]:
        p = self.view.viewbox.mapToView(pos)
        return p.x(), p.y()

    def note_at(self, time_s: float, y: float) -> Note | None:
        """The note under (time, y) within a few pixels, nearest first."""
        lane = self.view.lane_at_y(y)
        if lane is None:
            return None
        tol = HIT_TOLERANCE_PX / max(self.view.px_per_s(), 1e-6)
        t0 = int(self.doc.s_to_tick(time_s - tol)) - 1
        t1 = int(self.doc.s_to_tick(time_s + tol)) + 2
        hits = [n for n in self.doc.notes.in_range(max(0, t0), max(0, t1)) if n.lane is lane]
        hits = [n for n in hits if abs(self.doc.tick_to_s(n.tick) - time_s) <= tol]
        return min(hits, key=lambda n: abs(self.doc.tick_to_s(n.tick) - time_s)) if hits else None

    # ---- clicks ---------------------------------------------------------------------------------
    def click(self, ev) -> bool:
        button = ev.button()
        t, y = self._to_view(ev.pos())
        note = self.note_at(t, y)
        mods = ev.modifiers()
        if button == Qt.MouseButton.RightButton:
            if note is not None:  # right-click erases, as Moonscraper's eraser
                self.doc.select_notes([note])
                note_actions.delete_selection(self.doc)
            return True
        if button != Qt.MouseButton.LeftButton:
            return False
        self.view.setFocus()
        if note is not None:
            if mods & Qt.KeyboardModifier.ControlModifier:
                key = (self.doc.difficulty, note.tick, note.lane)
                self.doc.set_selection(self.doc.selection ^ {key})
            else:
                self.doc.select_notes([note], add=bool(mods & Qt.KeyboardModifier.ShiftModifier))
            self.doc.set_cursor(self.doc.tick_to_s(note.tick))
            return True
        lane = self.view.lane_at_y(y)
        if lane is None or mods & BOX_MODIFIERS:
            if not mods & BOX_MODIFIERS:
                self.doc.set_selection(())
            return True
        tick = self.doc.snap_time(t)
        self.doc.set_cursor(self.doc.tick_to_s(tick))
        note_actions.place_note(self.doc, tick, lane)
        return True

    # ---- drags ----------------------------------------------------------------------------------
    def drag(self, ev) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        if ev.isStart():
            self._start(ev)
        if self.mode == "move":
            self._move(ev)
        elif self.mode == "box":
            self._box(ev)
        elif self.mode == "pan":
            self.pan_drag(ev)
        if ev.isFinish():
            self.mode = None
        return True

    def _start(self, ev) -> None:
        t, y = self._to_view(ev.buttonDownPos())
        note = self.note_at(t, y)
        mods = ev.modifiers() | self.view.press_modifiers
        self._mods = mods
        if mods & BOX_MODIFIERS:
            self.mode = "box"
            self._start_time, self._start_y = t, y
        elif note is not None:
            if not self.doc.is_selected(note):
                self.doc.select_notes([note])
            self.mode = "move"
            self._grab, self._grab_time, self._start_time = note, self.doc.tick_to_s(note.tick), t
            self._start_row = LANE_ROW[note.lane]
            self._delta = (0, 0)
        else:
            self.mode = "pan"
            self._pan_last = t

    def _move(self, ev) -> None:
        t, y = self._to_view(ev.pos())
        grab = self._grab
        target = self.doc.snap_time(self._grab_time + (t - self._start_time))
        row = max(0, min(4, int(round(y))))
        from app.ui.glyphs import ROW_LANE
        dl = int(ROW_LANE[row]) - int(grab.lane)
        dt = target - grab.tick
        if ev.isFinish():
            self.view.set_preview(None)
            note_actions.move_selection(self.doc, dt, dl)
            return
        if (dt, dl) != self._delta or self.view.preview is None:
            self._delta = (dt, dl)
            keys = frozenset(k for k in self.doc.selection if k[0] is self.doc.difficulty)
            self.view.set_preview((keys, dt, dl))

    def _box(self, ev) -> None:
        t, y = self._to_view(ev.pos())
        rect = QRectF(min(t, self._start_time), min(y, self._start_y),
                      abs(t - self._start_time), abs(y - self._start_y))
        band = self.view.rubber_band
        if ev.isFinish():
            band.setVisible(False)
            t0, t1 = rect.left(), rect.right()
            y0, y1 = rect.top(), rect.bottom()
            k0 = max(0, int(self.doc.s_to_tick(t0)))
            k1 = max(0, int(self.doc.s_to_tick(t1)) + 1)
            inside = [n for n in self.doc.notes.in_range(k0, k1)
                      if t0 <= self.doc.tick_to_s(n.tick) <= t1 and y0 - 0.3 <= LANE_ROW[n.lane] <= y1 + 0.3]
            add = bool(self._mods & Qt.KeyboardModifier.ControlModifier)
            self.doc.select_notes(inside, add=add)
            return
        band.setRect(rect)
        band.setVisible(True)

    def pan_drag(self, ev) -> None:
        """Drag the time axis along with the mouse (time under the pointer stays put)."""
        p_now = self.view.viewbox.mapToView(ev.pos()).x()
        p_last = self.view.viewbox.mapToView(ev.lastPos()).x()
        self.view.timeline.pan(p_last - p_now)

    def abort(self) -> bool:
        """Escape during a drag: drop the preview; the rest of the drag does nothing. True if aborted."""
        if self.mode in ("move", "box"):
            self.view.set_preview(None)
            self.view.rubber_band.setVisible(False)
            self.mode = "aborted"
            return True
        return False
