"""`chart-hero editor [PATH]`: open the editor window (the default without a subcommand)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("editor", help="open the chart editor (default)",
                       description="Open the drum-charting editor, optionally on an audio file, a song folder "
                                   "(notes.mid/notes.chart + audio), a chart file or a project file.")
    p.add_argument("path", nargs="?", type=Path, help="audio file, song folder, chart or project file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # a headless install
        print(f"chart-hero: the editor needs PySide6 ({exc})", file=sys.stderr)
        return 2
    from app.ui.theme import apply_dark_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Chart Hero")
    app.setOrganizationName("Chart Hero")
    apply_dark_theme(app)
    from app.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if args.path is not None:
        window.open_path(args.path)
    return app.exec()
