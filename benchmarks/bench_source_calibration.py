"""Cross-fitted check: do drum stems and full mixes want their own decode thresholds?

The pipeline knows what it transcribes (a drum stem, separated drums or a full mix), so a checkpoint could
carry one threshold set per source. This fits thresholds (`evaluation.calibrate`) on one validation set
three ways (all examples pooled, stems only, mixes only) and scores each source of *another* set with the
pooled thresholds and with its own; no example is scored by thresholds fitted on it. Prints summed F
(±50 ms, evaluation classes) per fold; per-source thresholds are worth storing only where "own" beats
"pooled" in every fold.

    python benchmarks/bench_source_calibration.py models/drums.pt ~/.cache/chart-hero/data/synth-val-v4 \\
        ~/.cache/chart-hero/data/synth-val-v5 --test ~/.cache/chart-hero/data/synth-val-v6 --exclude-kit ...
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


PLURAL = {"stem": "stems", "mix": "mixes"}


def _split(examples, acts, source: str):
    """(examples, activations) of one source: "all", "stem" (no accompaniment) or "mix"."""
    keep = [i for i, e in enumerate(examples)
            if source == "all" or (source == "mix") == bool(e.info.get("accompaniment"))]
    return [examples[i] for i in keep], [acts[i] for i in keep]


def main() -> None:
    from tqdm import tqdm

    from app.training.evaluation import activations_of, calibrate, score
    from app.training.examples import load_shard_dir, without_kits
    from app.transcription.checkpoint import load_checkpoint
    from app.transcription.decode import decode, load_preset

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path)
    ap.add_argument("val", type=Path, nargs=2, help="two validation shard folders: each is fitted on, the other scored")
    ap.add_argument("--test", type=Path, help="a third folder, scored with thresholds fitted on both VAL folders")
    ap.add_argument("--exclude-kit", action="append", default=[], metavar="ENTRY")
    ap.add_argument("--preset", default="conservative")
    args = ap.parse_args()

    bundle = load_checkpoint(args.model)
    fp = bundle.feature_params
    preset = load_preset(args.preset)
    sets = {}
    for folder in [*args.val, *([args.test] if args.test else [])]:
        examples = without_kits(load_shard_dir(folder.expanduser(), fp), args.exclude_kit)
        acts = [activations_of(bundle.model, e.features, fp.frame_rate)
                for e in tqdm(examples, unit="example", desc=folder.name)]
        sets[folder.name] = (examples, acts)

    def fit(names: list[str], source: str) -> dict[str, float]:
        ex, ac = [], []
        for n in names:
            e, a = _split(*sets[n], source)
            ex += e
            ac += a
        return calibrate(ac, ex, preset)[0]

    def summed_f(thresholds: dict[str, float], examples, acts) -> float:
        params = replace(preset, thresholds={**preset.thresholds, **thresholds}, timing_offsets_ms={})
        return score([decode(a, params) for a in acts], examples, True).sum_f

    a, b = args.val[0].name, args.val[1].name
    folds = [([a], b), ([b], a)] + ([([a, b], args.test.name)] if args.test else [])
    for fit_on, test_on in folds:
        pooled = fit(fit_on, "all")
        for source in ("stem", "mix"):
            ex, ac = _split(*sets[test_on], source)
            if not ex:
                continue
            print(f"fit {'+'.join(fit_on)}, score {test_on} {PLURAL[source]} ({len(ex)}): pooled thresholds "
                  f"{summed_f(pooled, ex, ac):.4f}, {source}-only thresholds {summed_f(fit(fit_on, source), ex, ac):.4f}")


if __name__ == "__main__":
    main()
