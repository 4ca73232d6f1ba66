"""Benchmark: 200 pan/zoom steps of the editor window on a 5,000-note chart (offscreen), as frames per second.

Each step moves the shared timeline and repaints every time-linked view synchronously, so the
number includes re-querying the visible notes, rebuilding the scatter/grid arrays and painting.
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N_NOTES, STEPS, TARGET_FPS = 5000, 200, 60.0


def demo_chart(n_notes: int):
    from app.domain.lanes import Dynamic, Lane
    from app.domain.notes import Note
    from app.domain.phrases import Phrase, PhraseKind, Section
    from app.domain.song import empty_chart

    c = empty_chart("Benchmark")
    t, k = 0, 0
    while len(c.drums.expert) < n_notes:
        c.drums.expert.put(Note(t, Lane.YELLOW, cymbal=True, dynamic=Dynamic.GHOST if k % 4 == 3 else Dynamic.NORMAL))
        if k % 4 == 0:
            c.drums.expert.put(Note(t, Lane.KICK, double_kick=k % 8 == 4))
        if k % 4 == 2:
            c.drums.expert.put(Note(t, Lane.RED, dynamic=Dynamic.ACCENT if k % 16 == 2 else Dynamic.NORMAL))
        if k % 16 == 15:
            c.drums.expert.put(Note(t, Lane.BLUE))
            c.drums.expert.put(Note(t, Lane.GREEN, cymbal=True, flam=True))
        t, k = t + 240, k + 1
    c.drums.phrases = [Phrase(b, 1920 * 2, PhraseKind.STAR_POWER) for b in range(0, t, 1920 * 16)]
    c.sections = [Section(b, f"Section {i}") for i, b in enumerate(range(0, t, 1920 * 8))]
    return c


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_dark_theme
    from app.workers.playback import PlaybackEngine

    apply_dark_theme(app)
    win = MainWindow(demo_chart(N_NOTES), engine=PlaybackEngine(probe=lambda: "benchmark"))
    win.resize(1600, 900)
    win.show()
    app.processEvents()
    tl = win.timeline
    tl.set_duration(win.document.duration_s())
    tl.set_range(0.0, 8.0)
    views = [win.waveform, win.spectrogram, win.tempo_strip, win.lanes, win.overview]
    app.processEvents()
    t0 = time.perf_counter()
    for step in range(STEPS):
        if step % 40 < 20:
            tl.pan(0.35)
        else:
            tl.zoom(0.93 if step % 2 else 1.08, tl.start_s + tl.span_s / 2)
        for v in views:
            v.viewport().repaint()
        app.processEvents()
    elapsed = time.perf_counter() - t0
    fps = STEPS / elapsed
    visible = win.lanes.notes.spot_count()
    print(f"editor pan/zoom: {STEPS} steps in {elapsed:.2f} s = {fps:.1f} fps "
          f"({len(win.document.notes)} notes, {visible} drawn in the cached window; target > {TARGET_FPS:.0f} fps)")
    win.document.mark_saved()
    win.close()
    return 0 if fps > TARGET_FPS else 1


if __name__ == "__main__":
    raise SystemExit(main())
