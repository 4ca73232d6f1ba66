"""Open, save and export for the window: which reader/writer a path needs, recent files, error dialogs."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.document import ChartDocument

AUDIO_SUFFIXES = (".ogg", ".opus", ".mp3", ".wav", ".flac")
CHART_SUFFIXES = (".mid", ".midi", ".chart")
PROJECT_SUFFIX = ".chproj"
MAX_RECENT = 10


class OpenResult:
    """What opening a path produced: the chart (if any), stems to play, warnings to show."""

    def __init__(self, chart, stems: dict[str, Path], warnings: list[str], save_path: Path | None,
                 project=None) -> None:
        self.chart, self.stems, self.warnings, self.save_path = chart, stems, warnings, save_path
        self.project = project  # app.io.project.Project when a .chproj was opened (view state, extras)


def read_path(path: str | Path) -> OpenResult:
    """Audio file -> empty chart with that audio; song folder / .mid / .chart -> the chart; project -> project.

    Raises ChartFileError with a one-line reason."""
    from app.domain.song import empty_chart
    from app.io.errors import ChartFileError

    path = Path(path)
    if not path.exists():
        raise ChartFileError(path, "no such file or folder")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in AUDIO_SUFFIXES:
        chart = empty_chart(name=path.stem)
        return OpenResult(chart, {"song": path}, [], None)
    if path.is_file() and suffix == PROJECT_SUFFIX:
        try:
            from app.io.project import read_project  # part two of the editor
        except ImportError:
            raise ChartFileError(path, "project files are not supported yet") from None
        project = read_project(path)
        return OpenResult(project.chart, dict(project.stems), list(project.warnings), path, project)
    from app.io.any_format import load_song
    loaded = load_song(path)
    return OpenResult(loaded.chart, dict(loaded.stems), list(loaded.warnings), path)


def write_path(doc: ChartDocument, path: str | Path, view=None) -> list[str]:
    """Save the chart where `path` says (project, song folder, .mid or .chart); returns the writer's warnings.
    `view`: the ViewState a project keeps."""
    from app.io.any_format import save_song
    path = Path(path)
    if path.suffix.lower() == PROJECT_SUFFIX:
        from app.io.project import write_project
        from app.ui.project_ops import project_of
        write_project(project_of(doc, view), path)
        return []
    return list(save_song(doc.chart, path, stems=doc.stems or None) or [])


def export_gm_midi(doc: ChartDocument, path: str | Path) -> list[str]:
    from app.io.any_format import save_song
    return list(save_song(doc.chart, Path(path), kind="gm") or [])


# ---- recent files (QSettings group "recent") ----------------------------------------------------------
def recent_files() -> list[str]:
    value = QSettings().value("recent/files", [])
    if isinstance(value, str):
        value = [value]
    return [v for v in (value or []) if v]


def add_recent(path: str | Path) -> None:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    QSettings().setValue("recent/files", files[:MAX_RECENT])


# ---- dialogs ----------------------------------------------------------------------------------------------
def ask_open_path(parent: QWidget, folder: bool) -> Path | None:
    if folder:
        p = QFileDialog.getExistingDirectory(parent, "Open song folder")
    else:
        p, _ = QFileDialog.getOpenFileName(
            parent, "Open audio, chart or project", "",
            "Audio, charts and projects (*.ogg *.opus *.mp3 *.wav *.flac *.mid *.midi *.chart *.chproj);;All files (*)")
    return Path(p) if p else None


def ask_save_path(parent: QWidget, title: str, filters: str) -> Path | None:
    p, _ = QFileDialog.getSaveFileName(parent, title, "", filters)
    return Path(p) if p else None


def show_error(parent: QWidget, what: str, exc: Exception) -> None:
    QMessageBox.warning(parent, "Chart Hero", f"{what}:\n{exc}")


def confirm_discard(parent: QWidget, doc: ChartDocument) -> bool:
    """True when there are no unsaved changes or the user agrees to drop them."""
    if not doc.is_modified:
        return True
    answer = QMessageBox.question(parent, "Chart Hero", "The chart has unsaved changes. Discard them?",
                                  QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Cancel)
    return answer == QMessageBox.Discard
