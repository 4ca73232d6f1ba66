"""The editor's auto-chart helpers: the background pre-warm imports torch and the transcription code."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_prewarm_imports_the_transcription_code_in_a_fresh_process() -> None:
    code = ("import sys\n"
            "import app.workers.autochart as a\n"
            "assert 'torch' not in sys.modules, 'importing the worker module must stay light'\n"
            "a.prewarm_in_background().join(60)\n"
            "assert {'onnxruntime', 'scipy.fft', 'app.transcription.onnx_twin', 'app.transcription.decode'}"
            " <= set(sys.modules)\n"
            "assert 'torch' not in sys.modules, 'the onnxruntime engine runs without torch'\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
