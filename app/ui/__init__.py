"""Qt views over the chart document: main window, lane grid, waveform, spectrogram, transport."""
import app.workers  # noqa: F401  (installs the PySide6 6.12 emit() refcount workaround first)
