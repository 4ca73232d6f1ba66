"""Benchmark: open a generated 5-minute song folder until interactive (window shown, waveform overview and lanes drawn).

The spectrogram may still be filling in its worker; the figure is the wall time from creating the
window to the first repaint with the waveform pyramid in place. Target: < 2 s.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SONG_S, TARGET_S = 300.0, 2.0


def make_song(folder: Path) -> Path:
    """A 5-minute song folder: song.ogg (tone + clicks) and notes.mid with an 8th-note groove."""
    import numpy as np

    from app.audio.decode import write_chunked
    from app.domain.lanes import Lane
    from app.domain.notes import Note
    from app.domain.song import empty_chart
    from app.io.midi_file import write_midi
    from app.io.song_ini import write_song_ini

    sr = 44100
    t = np.arange(int(SONG_S * sr)) / sr
    audio = 0.2 * np.sin(2 * np.pi * 110 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    audio[(np.arange(len(t)) % (sr // 4)) < 200] += 0.5
    folder.mkdir(parents=True, exist_ok=True)
    write_chunked(str(folder / "song.ogg"), np.stack([audio, audio], 1).astype(np.float32), sr,
                  format="OGG", subtype="VORBIS")
    chart = empty_chart("Five minutes", "Benchmark")
    for k in range(int(SONG_S * 4)):  # 8ths at 120 BPM
        tick = k * 240
        chart.drums.expert.put(Note(tick, Lane.YELLOW, cymbal=True))
        if k % 4 == 0:
            chart.drums.expert.put(Note(tick, Lane.KICK))
        if k % 4 == 2:
            chart.drums.expert.put(Note(tick, Lane.RED))
    write_midi(chart, folder / "notes.mid")
    write_song_ini(chart.metadata, folder / "song.ini")
    return folder


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="chart-hero-bench-open-"))
    os.environ.setdefault("CHART_HERO_DATA_DIR", str(tmp / "userdata"))
    song = make_song(tmp / "song")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_dark_theme
    from app.workers.playback import PlaybackEngine

    apply_dark_theme(app)
    t0 = time.perf_counter()
    win = MainWindow(engine=PlaybackEngine(probe=lambda: "benchmark"))
    win.resize(1600, 900)
    win.show()
    win.open_path(song)
    while win.waveform.pyramid is None:  # _audio_loaded gives the overview and waveform their peaks together
        app.processEvents()
        time.sleep(0.002)
    for v in (win.overview, win.waveform, win.lanes):
        v.repaint()
    app.processEvents()
    interactive = time.perf_counter() - t0
    spectro_pending = win.spectrogram.image.image is None
    print(f"open 5-minute song to interactive: {interactive:.2f} s "
          f"({len(win.document.notes)} notes; spectrogram {'still filling' if spectro_pending else 'done'}; "
          f"target < {TARGET_S:.0f} s)")
    win.audio.wait(60000)
    win.document.mark_saved()
    win.close()
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if interactive < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
