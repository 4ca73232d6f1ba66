"""Benchmark: `chart-hero guitar predict` time per note (decode, resample, features, model) with the default preset.

Builds synthetic recordings and an untrained default-size model (speed does not depend on the weights), then
times prediction with onsets from a CSV and with the onset detector on one torch thread (this machine's two
cores are shared with training jobs; two threads there only contend). Target: < 50 ms per note on the CPU.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS, RECORDINGS, NOTES, REPEATS = 50.0, 2, 40, 3


def main() -> int:
    from app.guitar.checkpoint import load_guitar_model, save_guitar_model
    from app.guitar.config import load_config
    from app.guitar.metadata import read_metadata
    from app.guitar.model import GuitarNoteNet
    from app.guitar.predict import predict_path
    from app.guitar.synth import generate_dataset

    config = load_config(ROOT / "resources" / "guitar" / "default.yaml")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        table = generate_dataset(Path(tmp) / "data", RECORDINGS, NOTES, seed=11)
        model = GuitarNoteNet(n_bands=config.features.n_mels, **vars(config.model)).eval()
        save_guitar_model(Path(tmp) / "m.pt", model, config.features)
        bundle = load_guitar_model(Path(tmp) / "m.pt")
        events = read_metadata(table).events
        onsets = {}
        for e in events:
            onsets.setdefault(e.audio_path.name, []).append((e.onset_s, e.offset_s))
        mean_s = sum(min(e.duration_s, config.features.max_window_s) for e in events) / len(events)
        print(f"{len(events)} notes in {RECORDINGS} files (44.1 kHz WAV), mean window {mean_s:.2f} s; "
              f"model {sum(p.numel() for p in model.parameters()):,} parameters")
        torch.set_num_threads(1)
        for label, given in (("onsets CSV", onsets), ("onset detector", None)):
            predict_path(bundle, table.parent, given)  # warm-up
            best = float("inf")
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                n = len(predict_path(bundle, table.parent, given))
                best = min(best, time.perf_counter() - t0)
            ms = best * 1000 / n
            worst = max(worst, ms)
            print(f"{label:15s}: {n} notes, {ms:5.1f} ms per note")
    print(f"worst {worst:.1f} ms per note (target < {TARGET_MS:.0f} ms): {'OK' if worst < TARGET_MS else 'SLOW'}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
