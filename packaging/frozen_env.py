"""Set up a frozen (PyInstaller) Chart Hero before the app starts; imported first by both entry scripts.

- numba (under librosa) caches compiled functions beside their sources, which a frozen build does not
  have: point its cache at the user cache folder of app.paths instead of ~/.cache/numba.
- CHART_HERO_FROZEN_CHECK=1: import the modules the app loads lazily (so PyInstaller's analysis may have
  missed them) and run each once on a tiny input, print one line per check, exit 0 if all passed.
  packaging/smoke_test.sh uses it; users never need it.
"""
from __future__ import annotations

import os
import sys


def prepare() -> None:
    from app.paths import numba_cache_dir
    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache_dir()))


def _checks():
    import numpy as np

    def librosa_stretch():  # slowed playback with "keep pitch" (app.audio.timestretch -> librosa -> numba)
        from app.audio.timestretch import time_stretch
        y = time_stretch(np.random.default_rng(0).standard_normal(44100).astype(np.float32) * 0.1, 0.75)
        return f"{len(y)} samples"

    def demucs_apply():  # drum separation (demucs, loaded only when a separation model is installed)
        import torch
        from demucs.apply import apply_model  # noqa: F401
        from demucs.htdemucs import HTDemucs  # noqa: F401
        return f"torch {torch.__version__}, {torch.get_num_threads()} threads"

    def transcription_model():  # the shipped model, loaded as the About box does
        from app.about import model_description
        return model_description()

    def audio_output():  # playback; no audio device is fine (the editor then runs silent)
        try:
            import sounddevice as sd
            return f"PortAudio {sd.get_portaudio_version()[1]}"
        except OSError as exc:
            return f"no audio device ({exc})"

    def decoding():  # mp3/ogg/flac through libsndfile
        import soundfile as sf
        return f"libsndfile {sf.__libsndfile_version__}, {len(sf.available_formats())} formats"

    def qt_icon():  # the window icon, read from the bundled resources
        from PySide6.QtGui import QImage
        from app.resources import resource_path
        image = QImage(str(resource_path("icons", "chart-hero.png")))
        return f"icon {image.width()}x{image.height()}"

    return [librosa_stretch, demucs_apply, transcription_model, audio_output, decoding, qt_icon]


def frozen_check() -> int:
    failed = 0
    for check in _checks():
        try:
            print(f"ok    {check.__name__}: {check()}")
        except Exception as exc:  # report every failure, then fail once
            failed += 1
            print(f"FAIL  {check.__name__}: {type(exc).__name__}: {exc}")
    return 1 if failed else 0


def run_check_if_asked() -> None:
    if os.environ.get("CHART_HERO_FROZEN_CHECK") == "1":
        sys.exit(frozen_check())
