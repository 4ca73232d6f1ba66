"""`chart-hero editor [PATH]`: open the editor window (the default without a subcommand)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("editor", help="open the chart editor (default)",
                       description="Open the drum-charting editor, optionally on an audio file, a song folder "
                                   "(notes.mid/notes.chart + audio), a chart file or a project file.")
    p.add_argument("path", nargs="?", type=Path,
                   help="audio file, song folder, chart or project file (default: the demo song)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # a headless install
        print(f"chart-hero: the editor needs PySide6 ({exc})", file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon

    from app.paths import QT_APPLICATION, QT_ORGANIZATION, qsettings_dir
    from app.resources import resource_path
    from app.ui.theme import apply_dark_theme

    # issue 7: QSettings (window layout, recent files) as an INI file in the user config folder of
    # app.paths on every platform (not the Windows registry), before any QSettings is made.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(qsettings_dir()))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(QT_APPLICATION)
    app.setOrganizationName(QT_ORGANIZATION)
    app.setDesktopFileName("chart-hero")  # issue 7: matches packaging/chart-hero.desktop
    app.setWindowIcon(QIcon(str(resource_path("icons", "chart-hero.png"))))
    apply_dark_theme(app)
    from app.ui.main_window import MainWindow

    from app.ui.autosave import offer_recovery

    window = MainWindow()
    window.show()
    if not offer_recovery(window):
        path = args.path if args.path is not None else demo_song_path()
        if path is not None:
            window.open_path(path)
    return app.exec()


def demo_song_path() -> Path | None:
    """resources/demo (a Clone Hero song folder made by scripts/make_demo_song.py), when it is there."""
    from app.resources import resource_path
    demo = resource_path("demo")
    return demo if (demo / "song.ini").exists() else None
