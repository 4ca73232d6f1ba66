"""Leave-one-song-out check of `chart-hero calibrate --real mdb`: is the real-audio threshold shift worth
shipping, and what does it score on a real song it was not fitted on?

For each of the four MDB recordings, the per-class shifts are fitted on the synthetic validation shards plus
the other three recordings; the held-out recording (drum track and full mix) is then transcribed end to end
with those thresholds (`chart-hero transcribe`, notes.mid read back, ±50 ms). Pooled over the four folds,
this is an honest real-recording figure for a shifted model: no song is scored by thresholds fitted on it.
Printed beside it: the unshifted model, and the shift fitted on all four (in-sample, optimistic).

MODEL must carry thresholds calibrated on synthetic data only (`chart-hero calibrate MODEL VAL... --out`).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.training import metrics as M  # noqa: E402
from bench_accuracy import CLASSES, transcribe_and_read_back  # noqa: E402


def _with_thresholds(bundle, thresholds: dict[str, float], path: Path) -> Path:
    from app.transcription.checkpoint import Calibration, save_checkpoint
    offsets = dict(bundle.calibration.timing_offsets_ms) if bundle.calibration else {}
    save_checkpoint(path, bundle.model, bundle.feature_params, Calibration(thresholds, offsets),
                    bundle.training_summary, bundle.classes)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="checkpoint calibrated on synthetic validation data only")
    ap.add_argument("val", type=Path, nargs="+", help="the synthetic validation shard folder(s) it was calibrated on")
    ap.add_argument("--preset", default="conservative")
    ap.add_argument("--real-weight", type=float, default=1.0)
    args = ap.parse_args()

    from tqdm import tqdm

    from app.audio.decode import load_audio
    from app.training.evaluation import activations_of, labels_by_class
    from app.training.examples import load_shard_dir
    from app.training.mdb import load_tracks
    from app.training.real_adjustment import LabelledActivations, shift_thresholds
    from app.transcription.checkpoint import load_checkpoint
    from app.transcription.decode import load_preset
    from app.transcription.inference import compute_activations

    bundle = load_checkpoint(args.model)
    if bundle.training_summary.get("real_shifts"):
        sys.exit(f"{args.model}: already shifted towards real recordings; give the synthetic-only calibration")
    fp = bundle.feature_params
    examples = [ex for d in args.val for ex in load_shard_dir(d.expanduser(), fp, None)]
    synthetic = [LabelledActivations(activations_of(bundle.model, ex.features, fp.frame_rate), labels_by_class(ex, True))
                 for ex in tqdm(examples, unit="example", desc="synthetic validation")]
    tracks = load_tracks()
    real = [LabelledActivations(compute_activations(load_audio(t.drum_path), bundle), t.events)
            for t in tqdm(tracks, unit="song", desc="real recordings")]
    base = load_preset(args.preset)
    params = replace(base, thresholds={**base.thresholds, **bundle.calibration.thresholds})

    def fit(keep: list[int]) -> tuple[dict[str, float], dict]:
        thresholds, choices = shift_thresholds(synthetic, [real[i] for i in keep], params, args.real_weight)
        return {c: thresholds[c] for c in bundle.calibration.thresholds}, {c: ch.shift for c, ch in choices.items()}

    scores: dict[str, dict[str, list]] = {k: {"drums": [], "mix": []} for k in ("none", "cv", "all4")}
    all_thr, all_shift = fit(list(range(len(tracks))))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        models = {"none": args.model, "all4": _with_thresholds(bundle, all_thr, tmp / "all4.pt")}
        for k, track in enumerate(tqdm(tracks, unit="fold", desc="leave one song out")):
            thr, shift = fit([i for i in range(len(tracks)) if i != k])
            print(f"  fold {track.name}: shifts {shift}", file=sys.stderr)
            models["cv"] = _with_thresholds(bundle, thr, tmp / f"fold{k}.pt")
            for kind, path in (("drums", track.drum_path), ("mix", track.mix_path)):
                audio = load_audio(path)
                for name, model in models.items():
                    with tempfile.TemporaryDirectory() as work, contextlib.redirect_stdout(io.StringIO()):
                        est = transcribe_and_read_back(audio, Path(work), model, args.preset)
                    scores[name][kind].append(M.score_track(track.events, est, CLASSES, 0.05))
    print(f"shifts fitted on all four songs: {all_shift}")
    print("| thresholds | data | " + " | ".join(CLASSES) + " | summed F |")
    print("|---" * (len(CLASSES) + 3) + "|")
    labels = {"none": "synthetic only", "cv": "shifted, leave one song out (honest)",
              "all4": "shifted on all four (in-sample)"}
    for name, by_kind in scores.items():
        for kind, s in by_kind.items():
            p = M.pooled(s, CLASSES)
            cells = [f"{p[c].f:.3f}" if p[c].tp + p[c].fn else "—" for c in CLASSES]
            print(f"| {labels[name]} | MDB {kind} | " + " | ".join(cells) + f" | **{p['sum'].f:.3f}** |")


if __name__ == "__main__":
    main()
