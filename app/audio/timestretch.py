"""Time-stretch that keeps pitch (phase vocoder, librosa) for slowed-down playback; Qt-free."""
from __future__ import annotations

import numpy as np

MIN_SPEED, MAX_SPEED = 0.25, 1.0


def stretched_length(n: int, speed: float) -> int:
    return int(round(n / speed))


def time_stretch(audio: np.ndarray, speed: float, on_progress=None, should_cancel=None) -> np.ndarray:
    """`audio` (n, channels) or (n,) float32 played at `speed` (0.25-1) with its pitch kept:
    the result has round(n / speed) frames. Each channel is stretched separately; cancellable between them."""
    from app.domain.progress import check_cancel

    speed = float(speed)
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be within {MIN_SPEED}-{MAX_SPEED}, not {speed}")
    a = np.asarray(audio, dtype=np.float32)
    mono = a.ndim == 1
    chans = a[:, None] if mono else a
    n_out = stretched_length(len(chans), speed)
    if speed == 1.0 or len(chans) == 0:
        return a.copy()
    import librosa

    out = np.zeros((n_out, chans.shape[1]), dtype=np.float32)
    for c in range(chans.shape[1]):
        check_cancel(should_cancel)
        y = librosa.effects.time_stretch(np.ascontiguousarray(chans[:, c]), rate=speed, n_fft=2048)
        m = min(n_out, len(y))
        out[:m, c] = y[:m]
        if on_progress:
            on_progress((c + 1) / chans.shape[1], f"stretching audio to {speed:.0%}")
    return out[:, 0] if mono else out


def stretch_tracks(tracks: dict[str, np.ndarray], speed: float, on_progress=None,
                   should_cancel=None) -> tuple[float, dict[str, np.ndarray]]:
    """Stretch every track of `tracks` (name -> (n, 2)) to `speed`; returns (speed, stretched tracks)."""
    out = {}
    names = sorted(tracks)
    for k, name in enumerate(names):
        def prog(f, m, k=k):
            if on_progress:
                on_progress((k + f) / len(names), m)
        out[name] = time_stretch(tracks[name], speed, prog, should_cancel)
    return speed, out
