"""Benchmark: full transcription of 4 minutes of noise with a random model of the shipped size."""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from app.constants import SAMPLE_RATE
from app.transcription.checkpoint import load_checkpoint, save_checkpoint
from app.transcription.decode import decode, load_preset
from app.transcription.features import FeatureParams, compute_features
from app.transcription.inference import compute_activations
from app.transcription.model import HierarchicalDrumNet, count_parameters

SONG_S, TARGET_S = 240.0, 5.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3, help="medians of N runs (a busy machine adds noise)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    fp = FeatureParams()
    torch.manual_seed(0)
    model = HierarchicalDrumNet(in_channels=fp.n_channels, n_bands=fp.n_bands)
    with tempfile.TemporaryDirectory() as tmp:
        save_checkpoint(Path(tmp) / "bench.pt", model, fp)
        bundle = load_checkpoint(Path(tmp) / "bench.pt")
    audio = (np.random.default_rng(0).standard_normal(int(SONG_S * SAMPLE_RATE)) * 0.1).astype(np.float32)
    preset = load_preset("conservative")

    feat_s, act_s, dec_s = [], [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        compute_features(audio, fp)
        feat_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        act = compute_activations(audio, bundle)
        act_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hits = decode(act, preset)
        dec_s.append(time.perf_counter() - t0)
    f, a, d = (float(np.median(x)) for x in (feat_s, act_s, dec_s))
    total = a + d
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model: {count_parameters(model):,} parameters, {act.n_frames:,} frames ({SONG_S:.0f} s), "
          f"{args.threads} thread(s), median of {args.repeats}, load average {os.getloadavg()[0]:.1f}")
    print(f"features         {f:6.3f} s  (standalone)")
    print(f"network          {max(a - f, 0.0):6.3f} s  (activations = features + network: {a:.3f} s, "
          f"best {min(act_s):.3f} s)")
    print(f"decode           {d * 1000:6.1f} ms ({len(hits)} hits)")
    print(f"total            {total:6.3f} s  real-time factor {total / SONG_S:.4f}  (target <= {TARGET_S:.0f} s)")
    print(f"peak RSS         {rss_mb:6.0f} MB")
    sys.exit(0 if total <= TARGET_S else 1)


if __name__ == "__main__":
    main()
