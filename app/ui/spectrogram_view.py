"""Display spectrogram on the shared timeline (computed off the GUI thread by a worker)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from app.ui.document import ChartDocument
from app.ui.time_plot import TimePlot
from app.ui.timeline import Timeline

LEVELS_DB = (-85.0, -20.0)


class SpectrogramView(TimePlot):
    """An ImageItem stretched over [0, duration] x [0, bands); frequency labels on the left axis."""

    def __init__(self, document: ChartDocument, timeline: Timeline, parent=None) -> None:
        super().__init__(document, timeline, parent=parent)
        self.setMinimumHeight(90)
        self.image = pg.ImageItem(axisOrder="col-major")
        try:
            self.image.setLookupTable(pg.colormap.get("inferno").getLookupTable(nPts=256))
        except Exception:  # colormap files missing: grey levels
            pass
        self.addItem(self.image)
        self.message = pg.TextItem("spectrogram: no audio", color="#8a90a0", anchor=(0, 0.5))
        self.addItem(self.message, ignoreBounds=True)
        self.viewbox.setYRange(0, 1, padding=0)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setPos(self.timeline.start_s, self.viewbox.viewRange()[1][1] / 2)
        self.message.setVisible(True)

    def set_spectrogram(self, spec) -> None:
        """`spec`: app.workers.audio_jobs.SpectrogramImage, or None to clear."""
        if spec is None:
            self.image.clear()
            self.set_message("spectrogram: no audio")
            return
        n_frames, n_bands = spec.db.shape
        self.image.setImage(spec.db, levels=LEVELS_DB, autoLevels=False)
        self.image.setRect(QRectF(0.0, 0.0, spec.duration_s, float(n_bands)))
        self.viewbox.setYRange(0, n_bands, padding=0)
        ticks = []
        for hz in (50, 100, 200, 500, 1000, 2000, 5000, 10000):
            k = int(np.searchsorted(spec.band_hz, hz))
            if 0 < k < n_bands and (not ticks or k - ticks[-1][0] >= n_bands / 14):
                ticks.append((k, f"{hz // 1000}k" if hz >= 1000 else str(hz)))
        self.getPlotItem().getAxis("left").setTicks([ticks, []])
        self.message.setVisible(False)
