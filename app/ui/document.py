"""The chart document: chart, undo stack, selection, difficulty, snap, cursor and loop (views observe it)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.domain.edits import Edit
from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note, NoteList
from app.domain.song import Chart, empty_chart
from app.ui.provenance import AutoChartState
from app.ui.snap import step_snap

SelKey = tuple[Difficulty, int, Lane]
"""A selected note: (difficulty, tick, lane); a note's identity is (tick, lane)."""


class ChartDocument(QObject):
    """One open chart. Widgets take it in their constructor and follow its signals.

    chart_changed(tick_range): the chart changed; tick_range = (first, last) or None (everything).
    reveal_requested(tick_range): undo/redo asks the views to scroll to what changed.
    """

    chart_changed = Signal(object)
    reveal_requested = Signal(object)
    selection_changed = Signal()
    difficulty_changed = Signal(object)
    snap_changed = Signal(int)
    cursor_changed = Signal(float)
    loop_changed = Signal(object)
    path_changed = Signal()
    audio_changed = Signal()
    title_changed = Signal(str)

    def __init__(self, chart: Chart | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart = chart or empty_chart()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.selection: frozenset[SelKey] = frozenset()
        self.difficulty = Difficulty.EXPERT
        self.snap = 4
        self.cursor_s = 0.0
        self.loop: tuple[float, float] | None = None
        self.path: Path | None = None
        self.stems: dict[str, Path] = {}
        self.audio_path: Path | None = None
        self.extras: dict[str, object] = {}  # JSON-able data saved with a project (.chproj `extras`)
        self.autochart = AutoChartState()  # the model's notes and their confidences (app/ui/provenance.py)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # ---- whole-document changes --------------------------------------------------------------
    def set_chart(self, chart: Chart, path: Path | None = None, stems: dict[str, Path] | None = None) -> None:
        """Replace the chart (open/new): clears undo history and selection."""
        self.chart = chart
        self.path = Path(path) if path else None
        self.stems = dict(stems or {})
        self.extras = {}
        self.autochart = AutoChartState()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.selection = frozenset()
        self.selection_changed.emit()
        self.chart_changed.emit(None)
        self.path_changed.emit()
        self.title_changed.emit(self.title())

    def _on_clean_changed(self, _clean: bool) -> None:
        self.title_changed.emit(self.title())

    def set_audio_path(self, path: Path | None) -> None:
        self.audio_path = Path(path) if path else None
        self.audio_changed.emit()

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self.path_changed.emit()
        self.title_changed.emit(self.title())

    def mark_saved(self) -> None:
        self.undo_stack.setClean()

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def title(self) -> str:
        name = self.chart.metadata.name or (self.path.name if self.path else "Untitled")
        return f"{name}{'*' if self.is_modified else ''} - Chart Hero"

    # ---- edits ---------------------------------------------------------------------------------
    def push(self, edit: Edit, select_after: frozenset[SelKey] | None = None) -> None:
        """Apply `edit` as one undo step; an edit that fails to apply raises and is not pushed."""
        from app.ui.commands import EditCommand
        edit.apply(self.chart)
        self.undo_stack.push(EditCommand(self, edit, select_after, already_applied=True))

    def edit_applied(self, edit: Edit, first_time: bool) -> None:
        """Called by EditCommand after apply/revert: prune the selection and tell the views."""
        rng = edit.tick_range()
        self._prune_selection()
        self.chart_changed.emit(rng)
        if not first_time and rng is not None:
            self.reveal_requested.emit(rng)

    # ---- notes of the current difficulty --------------------------------------------------------
    @property
    def notes(self) -> NoteList:
        return self.chart.drums.notes[self.difficulty]

    def set_difficulty(self, difficulty: Difficulty) -> None:
        difficulty = Difficulty(difficulty)
        if difficulty is not self.difficulty:
            self.difficulty = difficulty
            self.difficulty_changed.emit(difficulty)
            self.selection_changed.emit()

    # ---- selection -------------------------------------------------------------------------------
    def set_selection(self, keys) -> None:
        keys = frozenset(keys)
        if keys != self.selection:
            self.selection = keys
            self.selection_changed.emit()

    def select_notes(self, notes, add: bool = False) -> None:
        keys = {(self.difficulty, n.tick, n.lane) for n in notes}
        self.set_selection((self.selection | keys) if add else keys)

    def selected_notes(self) -> list[Note]:
        """Selected notes of the current difficulty, in order."""
        nl = self.notes
        out = [nl.get(t, lane) for d, t, lane in self.selection if d is self.difficulty]
        return sorted(n for n in out if n is not None)

    def is_selected(self, note: Note) -> bool:
        return (self.difficulty, note.tick, note.lane) in self.selection

    def _prune_selection(self) -> None:
        notes = self.chart.drums.notes
        kept = frozenset(k for k in self.selection if notes[k[0]].get(k[1], k[2]) is not None)
        self.set_selection(kept)

    # ---- snap, cursor, loop ----------------------------------------------------------------------
    def set_snap(self, divisions: int) -> None:
        if divisions != self.snap:
            self.snap = int(divisions)
            self.snap_changed.emit(self.snap)

    def step_snap(self, steps: int) -> None:
        self.set_snap(step_snap(self.snap, steps))

    def snap_step_ticks(self) -> int:
        return max(1, round(self.chart.resolution / self.snap))

    def set_cursor(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        if seconds != self.cursor_s:
            self.cursor_s = seconds
            self.cursor_changed.emit(seconds)

    def cursor_tick(self) -> int:
        """The cursor snapped to the grid, as a tick."""
        return self.snap_time(self.cursor_s)

    def set_loop(self, loop: tuple[float, float] | None) -> None:
        if loop is not None:
            a, b = sorted(loop)
            loop = (max(0.0, a), b) if b - a > 1e-3 else None
        if loop != self.loop:
            self.loop = loop
            self.loop_changed.emit(loop)

    # ---- time helpers ----------------------------------------------------------------------------
    def tick_to_s(self, tick: float) -> float:
        return self.chart.tick_to_audio_s(tick)

    def s_to_tick(self, seconds: float) -> float:
        return self.chart.audio_s_to_tick(seconds)

    def snap_time(self, seconds: float) -> int:
        """The grid tick nearest to audio time `seconds` (never before tick 0)."""
        return max(0, self.chart.tempo_map.snap(max(0.0, self.s_to_tick(seconds)), self.snap))

    def duration_s(self, audio_s: float | None = None) -> float:
        """Song length for the time axis: audio, song.ini length or the chart's end, whichever is longest."""
        ends = [self.tick_to_s(self.chart.end_tick or self.chart.default_end_tick()) + 2.0, 10.0]
        if self.chart.metadata.song_length_ms:
            ends.append(self.chart.metadata.song_length_ms / 1000.0)
        if audio_s:
            ends.append(audio_s)
        return max(ends)
