"""Benchmark: re-decoding 4 minutes of activations (sparse drum-like peaks, then pure noise)."""
from __future__ import annotations

import time

import numpy as np

from app.constants import DRUM_CLASSES, FRAME_RATE
from app.transcription.activations import Activations
from app.transcription.decode import decode, load_preset

SONG_S, TARGET_MS, REPEATS = 240.0, 100.0, 5


def drum_like(rng: np.random.Generator, n: int) -> Activations:
    """Low noise plus ~3 peaks per second per class, 3 frames wide."""
    c = len(DRUM_CLASSES)
    probs = (rng.random((n, c)) * 0.05).astype(np.float32)
    for j in range(c):
        k = rng.choice(np.arange(1, n - 1), int(3 * SONG_S), replace=False)
        peak = rng.uniform(0.2, 1.0, len(k)).astype(np.float32)
        for d, w in ((-1, 0.5), (0, 1.0), (1, 0.5)):
            probs[k + d, j] = np.maximum(probs[k + d, j], w * peak)
    return Activations(FRAME_RATE, probs, probs.max(axis=1), rng.uniform(-0.5, 0.5, (n, c)).astype(np.float32),
                       rng.random((n, c)).astype(np.float32))


def best_ms(act: Activations, preset) -> tuple[float, int]:
    times, hits = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        hits = decode(act, preset)
        times.append(time.perf_counter() - t0)
    return min(times) * 1000, len(hits)


def main() -> None:
    rng = np.random.default_rng(0)
    n = int(SONG_S * FRAME_RATE) + 1
    sparse = drum_like(rng, n)
    noise = Activations(FRAME_RATE, rng.random((n, len(DRUM_CLASSES))).astype(np.float32),
                        rng.random(n).astype(np.float32))
    worst = 0.0
    for name in ("conservative", "aggressive"):
        preset = load_preset(name)
        for label, act in (("drum-like", sparse), ("uniform noise", noise)):
            ms, count = best_ms(act, preset)
            worst = max(worst, ms) if label == "drum-like" else worst
            print(f"{name:12s} {label:14s} {n:,} frames x {len(DRUM_CLASSES)} classes: {ms:6.1f} ms, {count:,} hits")
    print(f"worst drum-like decode {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {'OK' if worst < TARGET_MS else 'SLOW'}")


if __name__ == "__main__":
    main()
