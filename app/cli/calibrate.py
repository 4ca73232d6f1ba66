"""`chart-hero calibrate MODEL DATA --out NEW.pt`: refit a checkpoint's decode thresholds and timing offsets."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("calibrate", help="refit a drum model's per-class thresholds and timing offsets on data",
                       description="Fits per-class peak thresholds (maximising each evaluation class's F at "
                                   "±50 ms) and timing offsets on DATA (a shard folder from `chart-hero dataset`) "
                                   "and writes a copy of MODEL that carries them. Never calibrate on test data.")
    p.add_argument("model", type=Path)
    p.add_argument("data", type=Path, nargs="+", help="shard folder(s)")
    p.add_argument("--out", type=Path, required=True, help="the calibrated checkpoint to write")
    p.add_argument("--preset", default="conservative", help="decode preset the thresholds are fitted under")
    p.add_argument("--limit", type=int, default=None, help="examples per folder (default: all)")
    p.add_argument("--exclude-kit", action="append", default=[], metavar="ENTRY",
                   help='leave out examples rendered with this kit: "Name" or "group=Name" (a training config\'s '
                        "exclude_kits); repeatable")
    p.add_argument("--real", choices=["mdb"], default=None,
                   help="then shift each evaluation class's thresholds by the amount that maximises F on DATA + "
                        "weight x F on these real drum recordings (app/training/real_adjustment.py)")
    p.add_argument("--float16", action="store_true",
                   help="store the weights at half precision (half the file); a MODEL stored so stays so")
    p.add_argument("--real-weight", type=float, default=1.0, help="weight of the real recordings' F (default 1)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.io.errors import ChartFileError
    from app.training.evaluation import activations_of, calibrate
    from app.training.examples import load_shard_dir, without_kits
    from app.transcription.checkpoint import Calibration, load_checkpoint, save_checkpoint
    from app.transcription.decode import load_preset

    bundle = load_checkpoint(args.model)
    fp = bundle.feature_params
    examples = []
    for folder in args.data:
        folder = folder.expanduser()
        if not (folder / "manifest.json").is_file():
            raise ChartFileError(folder, "not a shard folder (no manifest.json)")
        examples += load_shard_dir(folder, fp, args.limit)
    if args.exclude_kit:
        kept = without_kits(examples, args.exclude_kit)
        print(f"left out {len(examples) - len(kept)} of {len(examples)} examples rendered with "
              f"{', '.join(args.exclude_kit)}")
        examples = kept
    if not examples:
        raise ChartFileError(args.data[0], "no examples to calibrate on")
    acts = [activations_of(bundle.model, ex.features, fp.frame_rate) for ex in tqdm(examples, unit="example")]
    thresholds, offsets, f = calibrate(acts, examples, load_preset(args.preset))
    summary = {**bundle.training_summary, "calibrated_on": [str(d) for d in args.data],
               "calibrated_excluding_kits": list(args.exclude_kit), "calibrated_examples": len(examples),
               "calibrated_sum_f": round(f, 4)}
    summary.pop("real_shifts", None)
    if args.real:
        before = _summed_f(acts, examples, thresholds, offsets, args.preset)
        thresholds, shifts = _shift_for_real(bundle, acts, examples, thresholds, args)
        f = _summed_f(acts, examples, thresholds, offsets, args.preset)
        print(f"summed F on the synthetic data: {before:.3f} before the shift, {f:.3f} after")
        summary.update({"real_shifts": {c: round(s.shift, 2) for c, s in shifts.items()},
                        "calibrated_sum_f": round(f, 4)})
    save_checkpoint(args.out, bundle.model, fp, Calibration(thresholds, offsets), summary, bundle.classes,
                    float16=args.float16 or bundle.stored_float16)
    print(f"summed F {f:.3f} on {len(examples)} examples with the fitted thresholds; wrote {args.out}")
    _refresh_twin(args.out)
    for c in bundle.classes:
        if c in thresholds:
            print(f"  {c:13s} threshold {thresholds[c]:.2f}  offset {offsets.get(c, 0.0):+.1f} ms")
    return 0


def _refresh_twin(checkpoint) -> None:
    """A twin beside the written checkpoint (a shipped model's drums.onnx.zip) is now stale: export it again."""
    from app.transcription.checkpoint import load_checkpoint
    from app.transcription.onnx_export import TwinExportError, export_twin
    from app.transcription.onnx_twin import twin_beside

    twin = twin_beside(checkpoint)
    if twin.is_file():
        try:
            export_twin(load_checkpoint(checkpoint), twin)
            print(f"re-exported its onnxruntime twin {twin}")
        except TwinExportError as exc:
            twin.unlink(missing_ok=True)  # stale twins are never used, but say why it is gone
            print(f"removed its stale twin {twin}: {exc}")


def _shift_for_real(bundle, acts, examples, thresholds, args):
    """Thresholds shifted per evaluation class towards the real recordings, and the choices made."""
    from dataclasses import replace

    from tqdm import tqdm

    from app.audio.decode import load_audio
    from app.training.evaluation import labels_by_class
    from app.training.mdb import load_tracks
    from app.training.real_adjustment import LabelledActivations, shift_thresholds
    from app.transcription.decode import load_preset
    from app.transcription.inference import compute_activations

    synthetic = [LabelledActivations(a, labels_by_class(ex, True)) for a, ex in zip(acts, examples)]
    real = [LabelledActivations(compute_activations(load_audio(t.drum_path), bundle), t.events)
            for t in tqdm(load_tracks(), unit="song", desc="real recordings")]
    base = load_preset(args.preset)
    params = replace(base, thresholds={**base.thresholds, **thresholds})
    shifted, choices = shift_thresholds(synthetic, real, params, args.real_weight)
    for cls, ch in choices.items():
        print(f"  {cls:8s} threshold shift {ch.shift:+.2f}: synthetic F {ch.synthetic_f[0]:.3f} -> "
              f"{ch.synthetic_f[1]:.3f}, real F {ch.real_f[0]:.3f} -> {ch.real_f[1]:.3f}")
    return {c: shifted[c] for c in thresholds}, choices


def _summed_f(acts, examples, thresholds, offsets, preset) -> float:
    from app.training.evaluation import score
    from app.transcription.checkpoint import Calibration
    from app.transcription.decode import decode, load_preset

    params = load_preset(preset, Calibration(thresholds, offsets))
    return score([decode(a, params) for a in acts], examples, True).sum_f
