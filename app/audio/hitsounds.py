"""Short synthesised hit sounds per drum lane (kick, snare, hi-hat, ride, crash, three toms) and metronome clicks."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from app.domain.lanes import Lane

SOUNDS = ("kick", "snare", "hihat", "ride", "crash", "tom_high", "tom_mid", "tom_floor")
LANE_SOUND = {(Lane.KICK, False): "kick", (Lane.RED, False): "snare",
              (Lane.YELLOW, True): "hihat", (Lane.YELLOW, False): "tom_high",
              (Lane.BLUE, True): "ride", (Lane.BLUE, False): "tom_mid",
              (Lane.GREEN, True): "crash", (Lane.GREEN, False): "tom_floor"}
"""(lane, cymbal) -> hit sound name."""
TOM_HZ = {"tom_high": 260.0, "tom_mid": 190.0, "tom_floor": 130.0}


def sound_for(lane: Lane, cymbal: bool) -> str:
    return LANE_SOUND[(Lane(lane), bool(cymbal) and Lane(lane).can_be_cymbal)]


def _noise(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n)


def _highpass(x: np.ndarray) -> np.ndarray:
    """A crude high-pass (first difference, twice): keeps the sizzle of noise."""
    return np.diff(np.diff(x, prepend=0.0), prepend=0.0) * 0.5


def _synth(name: str, sr: int) -> np.ndarray:
    def t(seconds: float) -> np.ndarray:
        return np.arange(int(seconds * sr)) / sr

    if name == "kick":
        x = t(0.16)
        freq = 50 + 110 * np.exp(-x / 0.025)
        y = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-x / 0.06)
    elif name == "snare":
        x = t(0.14)
        y = 0.5 * np.sin(2 * np.pi * 200 * x) * np.exp(-x / 0.03) + 0.6 * _noise(len(x), 1) * np.exp(-x / 0.045)
    elif name == "hihat":
        x = t(0.05)
        y = _highpass(_noise(len(x), 2)) * np.exp(-x / 0.012)
    elif name == "ride":
        x = t(0.25)
        y = (0.6 * np.sin(2 * np.pi * 3100 * x) + 0.4 * _highpass(_noise(len(x), 3))) * np.exp(-x / 0.08)
    elif name == "crash":
        x = t(0.35)
        y = _highpass(_noise(len(x), 4)) * np.exp(-x / 0.12)
    elif name in TOM_HZ:
        x = t(0.2)
        f0 = TOM_HZ[name]
        freq = f0 * (1 + 0.3 * np.exp(-x / 0.02))
        y = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-x / 0.08)
    elif name in ("down", "beat"):
        x = t(0.012)
        y = np.sin(2 * np.pi * (1760.0 if name == "down" else 1175.0) * x) * np.exp(-x * 350)
    else:
        raise KeyError(f"unknown hit sound {name!r}")
    y = y / (np.max(np.abs(y)) or 1.0)
    fade = min(len(y), int(0.002 * sr))
    y[-fade:] *= np.linspace(1, 0, fade)  # no click at the end
    return y.astype(np.float32)


@lru_cache(maxsize=4)
def hit_samples(sr: int) -> dict[str, np.ndarray]:
    """Every hit sound and the two metronome clicks ("down", "beat") as float32 mono at `sr`, peak 1."""
    return {name: _synth(name, sr) for name in (*SOUNDS, "down", "beat")}


def write_hitsound_wavs(folder, sr: int = 44100) -> list:
    """Write each sound as <name>.wav (16-bit) into `folder` (for users who want to swap them)."""
    import soundfile as sf
    from pathlib import Path
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, y in hit_samples(sr).items():
        sf.write(str(folder / f"{name}.wav"), y * 0.8, sr, subtype="PCM_16")
        out.append(folder / f"{name}.wav")
    return out
