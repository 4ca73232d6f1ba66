"""Signals generated for the audio tests."""
from __future__ import annotations

import numpy as np


def tone(freq_hz: float = 440.0, seconds: float = 1.0, sr: int = 44100, amp: float = 0.5,
         channels: int = 1) -> np.ndarray:
    """A sine as float32 (n,) or soundfile's (n, channels)."""
    t = np.arange(int(seconds * sr)) / sr
    x = (amp * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)
    return x if channels == 1 else np.stack([x] * channels, axis=1)
