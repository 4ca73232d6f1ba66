"""Time drum separation of N seconds of audio with the best model available offline; print the real-time factor."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.audio.separation import (  # noqa: E402
    SeparatorSpec, find_separation_model, load_separation_model, no_model_message, separate_drums,
)
from app.constants import SAMPLE_RATE  # noqa: E402


def drum_like_mix(seconds: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Stereo test signal: noise bursts on 8th notes at 120 BPM over a quiet chord, float32 (2, n)."""
    rng = np.random.default_rng(0)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    x = 0.05 * sum(np.sin(2 * np.pi * f * t) for f in (110.0, 138.6, 164.8))
    env = np.exp(-np.arange(int(0.15 * sr)) / (0.03 * sr))
    for start in range(0, n - env.size, int(0.25 * sr)):
        x[start:start + env.size] += 0.5 * rng.standard_normal(env.size) * env
    return np.stack([x, 0.9 * x]).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--demucs-repo", type=Path, default=None, help="folder with <name>.yaml / <sig>.th")
    parser.add_argument("--segment", type=float, default=None, help="segment length in seconds (model default)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    spec = find_separation_model(args.demucs_repo)
    if spec is None:
        print(no_model_message())
        print("benchmarking demucs_unittest instead (a tiny untrained HDemucs: not representative of htdemucs)")
        spec = SeparatorSpec.unittest()
    audio = drum_like_mix(args.seconds)
    t0 = time.perf_counter()
    load_separation_model(spec)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    drums, rest = separate_drums(audio, SAMPLE_RATE, spec, use_cache=False, segment_s=args.segment)
    run_s = time.perf_counter() - t0
    print(f"model: {spec.describe()}  torch threads: {torch.get_num_threads()}")
    print(f"audio: {args.seconds:.1f} s stereo at {SAMPLE_RATE} Hz -> drums {drums.shape}, rest {rest.shape}")
    print(f"load: {load_s:.2f} s  separation (incl. load): {run_s:.2f} s  "
          f"real-time factor: {run_s / args.seconds:.3f} (seconds of compute per second of audio)")


if __name__ == "__main__":
    main()
