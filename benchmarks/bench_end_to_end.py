"""The generated-drums end-to-end check over many songs: plain procedural-kit grooves (the test suite's
setting: no mix, no processing) -> `chart-hero transcribe` -> notes.mid read back, scored per class at
±10 ms (and ±50 ms). The suite checks one song; this prints the spread over `--songs` seeds."""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.constants import EVAL_CLASSES, FINE_TO_EVAL  # noqa: E402
from app.training import metrics as M  # noqa: E402
from bench_accuracy import transcribe_and_read_back  # noqa: E402

CLASSES = list(EVAL_CLASSES)


def generated_song(seed: int):
    """(audio, reference events by class, info) of the test suite's plain generated groove."""
    from app.training.synth.dataset import plain_generated_config, render_example
    audio, labels, info = render_example(seed, plain_generated_config(20.0))
    ref: dict[str, list[float]] = {c: [] for c in CLASSES}
    for lab in labels:
        c = FINE_TO_EVAL.get(lab.cls)
        if c:
            ref[c].append(lab.time_s)
    return audio, {k: np.array(v) for k, v in ref.items()}, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--songs", type=int, default=12)
    ap.add_argument("--first-seed", type=int, default=7, help="7 is the song the test suite checks")
    args = ap.parse_args()
    by_tol: dict[float, list] = {0.010: [], 0.050: []}
    for seed in range(args.first_seed, args.first_seed + args.songs):
        audio, ref, info = generated_song(seed)
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
            est = transcribe_and_read_back(audio, Path(tmp), args.model, "conservative")
        line = []
        for tol, scores in by_tol.items():
            s = M.score_track(ref, est, CLASSES, tol)
            scores.append(s)
            line.append(f"±{tol * 1000:.0f} ms {M.pooled([s], CLASSES)['sum'].f:.3f}")
        print(f"seed {seed:3d} {info.get('style', '?'):>10} {info.get('bpm', 0):6.1f} BPM: " + ", ".join(line))
    for tol, scores in by_tol.items():
        p = M.pooled(scores, CLASSES)
        per_song = [M.pooled([s], CLASSES)["sum"].f for s in scores]
        cells = ", ".join(f"{c} {p[c].f:.3f}" for c in CLASSES if p[c].tp + p[c].fn)
        print(f"±{tol * 1000:.0f} ms: pooled summed F {p['sum'].f:.3f} ({cells}); per song min {min(per_song):.3f}, "
              f"median {np.median(per_song):.3f}; songs >= 0.9: {sum(f >= 0.9 for f in per_song)}/{len(per_song)}")


if __name__ == "__main__":
    main()
