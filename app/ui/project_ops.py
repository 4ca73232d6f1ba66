"""The window <-> project file glue: snapshot the editor into a Project, and put a Project back on screen."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.io.project import Project, ViewState

if TYPE_CHECKING:
    from app.ui.document import ChartDocument
    from app.ui.main_window import MainWindow


def view_of(win: "MainWindow") -> ViewState:
    doc, tl = win.document, win.timeline
    return ViewState(float(tl.start_s), float(tl.end_s), doc.difficulty, int(doc.snap), float(doc.cursor_s))


def project_of(doc: "ChartDocument", view: ViewState | None = None) -> Project:
    """A snapshot of the document (the chart is copied: a worker may serialise it while editing goes on)."""
    source = doc.path
    extras = dict(getattr(doc, "extras", {}) or {})
    return Project(doc.chart.copy(), dict(doc.stems), view or ViewState(cursor_s=doc.cursor_s, snap=doc.snap,
                                                                        difficulty=doc.difficulty),
                   extras, source)


def snapshot(win: "MainWindow") -> Project:
    return project_of(win.document, view_of(win))


def apply_view(win: "MainWindow", view: ViewState) -> None:
    doc = win.document
    doc.set_difficulty(view.difficulty)
    doc.set_snap(view.snap)
    doc.set_cursor(view.cursor_s)
    if view.end_s > view.start_s:
        win.timeline.set_range(view.start_s, view.end_s)


def load_project(win: "MainWindow", project: Project, path: Path | None, recovered: bool = False) -> None:
    """Show `project` in the window: chart, audio, view and extras. A recovered autosave stays 'unsaved'
    and keeps the path it was saved to (if that was a project) or none."""
    doc = win.document
    doc.set_chart(project.chart, path, project.stems)
    if hasattr(doc, "extras"):
        doc.extras = dict(project.extras)
    doc.set_audio_path(next(iter(project.stems.values()), None))
    win.timeline.set_duration(doc.duration_s())
    apply_view(win, project.view)
    win.audio.load_stems(project.stems)
    if recovered:
        doc.undo_stack.resetClean()  # nothing on disk holds this chart yet
        doc.title_changed.emit(doc.title())
