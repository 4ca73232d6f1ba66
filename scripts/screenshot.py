"""Open the demo song in the editor (offscreen), auto-chart it when a model exists, and save docs/screenshot.png."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _wait(app, condition, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    return condition()


def _auto_chart(app, win) -> str:
    """Run the window's auto-chart controller (if the editor has one and a model is shipped)."""
    from app.resources import default_model_path
    if not default_model_path().exists():
        return "no model: chart from the demo's notes.mid"
    controller = next((c for c in win.findChildren(object) if type(c).__name__ == "AutoChartController"), None)
    if controller is None or not controller.start():
        return "auto-chart not available"
    _wait(app, lambda: not controller.running, 600)
    return "auto-charted"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--no-auto-chart", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("CHART_HERO_DATA_DIR", tempfile.mkdtemp(prefix="chart-hero-screenshot-"))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.cli.editor import demo_song_path
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_dark_theme
    from app.workers.playback import PlaybackEngine

    apply_dark_theme(app)
    win = MainWindow(engine=PlaybackEngine(probe=lambda: "no audio device"))
    win.resize(1500, 900)
    win.show()
    demo = demo_song_path()
    if demo is None or not win.open_path(demo):
        print("screenshot: no demo song (run scripts/make_demo_song.py)", file=sys.stderr)
        return 1
    _wait(app, lambda: win.waveform.pyramid is not None, 60)
    _wait(app, lambda: win.spectrogram.image.image is not None, 120)
    how = "" if args.no_auto_chart else _auto_chart(app, win)
    win.timeline.set_range(3.5, 15.5)
    win.document.set_cursor(6.0)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not win.grab().save(str(args.out)):
        print(f"screenshot: could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({how})" if how else f"wrote {args.out}")
    win.document.mark_saved()
    win.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
