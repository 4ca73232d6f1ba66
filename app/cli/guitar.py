"""`chart-hero guitar train|evaluate|predict|export|synth`: the guitar note-event classifier from the command line."""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("guitar", help="guitar note classifier: harmonic, dead_note, general_note",
                       description="Train, evaluate, run and export the guitar note-event classifier. Exit codes: "
                                   "0 done, 1 a check failed (export parity), 2 an input could not be used.")
    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])
    acts = p.add_subparsers(dest="guitar_command", metavar="ACTION")

    t = acts.add_parser("train", help="train or resume from a YAML config (resources/guitar/*.yaml)")
    t.add_argument("config", type=Path)
    t.add_argument("--metadata", type=Path, help="metadata table (overrides data.metadata)")
    t.add_argument("--run-dir", type=Path, help="run folder (overrides training.run_dir)")
    t.set_defaults(run=run_train)

    e = acts.add_parser("evaluate", help="score a model on a labelled metadata table; writes a report folder")
    e.add_argument("model", type=Path)
    e.add_argument("metadata", type=Path)
    e.add_argument("--out", type=Path, help="report folder (default: evaluation/ beside the model)")
    e.add_argument("--split", choices=("train", "val", "test"), help="only the recordings of this split")
    e.add_argument("--splits", type=Path, help="the run's splits.json (default: beside the model)")
    e.add_argument("--audio-root", type=Path, help="folder that relative source_audio paths start from")
    e.set_defaults(run=run_evaluate)

    r = acts.add_parser("predict", help="classify the notes of an audio file or of every file in a folder",
                        description="Notes come from --onsets (a CSV with onset_sec, optional offset_sec and "
                                    "source_audio) or, without it, from librosa's spectral-flux onset detector; "
                                    "a note ends where its level falls 40 dB (or to the noise floor).")
    r.add_argument("model", type=Path)
    r.add_argument("audio", type=Path, help="audio file or folder")
    r.add_argument("--onsets", type=Path, help="CSV of note onsets (seconds)")
    r.add_argument("--out", type=Path, help="write the predictions CSV here (default: standard output)")
    r.set_defaults(run=run_predict)

    x = acts.add_parser("export", help="export to ONNX and check ONNX Runtime gives the same outputs")
    x.add_argument("model", type=Path)
    x.add_argument("out", type=Path, help="the .onnx file to write")
    x.set_defaults(run=run_export)

    s = acts.add_parser("synth", help="write a synthetic guitar data set (WAV recordings + metadata.csv)")
    s.add_argument("out", type=Path)
    s.add_argument("--recordings", type=int, default=12)
    s.add_argument("--notes", type=int, default=30, help="notes per recording")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(run=run_synth)


def _warn(lines) -> None:
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def run_train(args: argparse.Namespace) -> int:
    from app.guitar.config import ConfigError, load_config
    from app.guitar.train import train
    from app.io.errors import ChartFileError

    if not args.config.is_file():
        raise ChartFileError(args.config, "no such guitar training config")
    overrides = {}
    if args.metadata:
        overrides["data.metadata"] = str(args.metadata.resolve())
    if args.run_dir:
        overrides["training.run_dir"] = str(args.run_dir)
    try:
        config = load_config(args.config, overrides)
    except ConfigError as exc:
        raise ChartFileError(None, str(exc)) from exc
    if not config.data.metadata:
        raise ChartFileError(args.config, "no metadata table: set data.metadata or pass --metadata")
    result = train(config, log=lambda line: print(line, flush=True))
    print(f"best checkpoint: {result.best_path} (validation balanced accuracy {result.best_val_balanced_accuracy:.3f})")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    import json

    from app.guitar.checkpoint import load_guitar_model
    from app.guitar.dataset import load_items
    from app.guitar.evaluate import evaluate_items
    from app.guitar.metadata import read_metadata
    from app.io.errors import ChartFileError

    bundle = load_guitar_model(args.model)
    meta = read_metadata(args.metadata, args.audio_root)
    _warn(meta.report())
    events = meta.events
    if args.split:
        splits_path = args.splits or args.model.parent / "splits.json"
        if not splits_path.is_file():
            raise ChartFileError(splits_path, "no splits file for --split (train writes splits.json in its run folder)")
        assignment = json.loads(splits_path.read_text())
        events = [e for e in events if assignment.get(e.recording) == args.split]
    items, problems = load_items(events, bundle.feature_params)
    _warn(p.describe(meta.path) for p in problems)
    if not items:
        raise ChartFileError(args.metadata, "no usable labelled notes to evaluate")
    out = args.out or args.model.parent / (f"evaluation-{args.split}" if args.split else "evaluation")
    metrics = evaluate_items(bundle.model, bundle.feature_params, items, out, args.metadata.name)
    print(metrics.summary())
    for name, c in metrics.per_class.items():
        print(f"  {name:13s} precision {c.precision:.3f} recall {c.recall:.3f} F1 {c.f1:.3f} ({c.support} notes)")
    print(f"report, confusion.png, predictions and high-confidence mistakes: {out}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    from app.guitar.checkpoint import load_guitar_model
    from app.guitar.labels import CLASSES
    from app.guitar.predict import predict_path, read_onsets_csv
    from app.io.atomic import atomic_path

    bundle = load_guitar_model(args.model)
    onsets = None
    if args.onsets:
        onsets, problems = read_onsets_csv(args.onsets)
        _warn(p.describe(args.onsets) for p in problems)
    predictions = predict_path(bundle, args.audio, onsets)
    columns = ["source_audio", "onset_sec", "offset_sec", "label", "confidence", *[f"p_{c}" for c in CLASSES],
               "onset_source"]
    rows = [{"source_audio": p.source_audio.name, "onset_sec": f"{p.onset_s:.4f}", "offset_sec": f"{p.offset_s:.4f}",
             "label": p.label, "confidence": f"{p.confidence:.4f}",
             **{f"p_{c}": f"{v:.4f}" for c, v in zip(CLASSES, p.probs)}, "onset_source": p.onset_source}
            for p in predictions]

    def write(fh) -> None:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if args.out:
        with atomic_path(args.out) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            write(fh)
        print(f"{len(rows)} notes -> {args.out}", file=sys.stderr)
    else:
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # `... | head`: the reader has what it wanted
            sys.stdout = None  # type: ignore[assignment]  (no second error at interpreter exit)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from app.guitar.checkpoint import load_guitar_model
    from app.guitar.export import PARITY_TOLERANCE, export_onnx, onnx_max_abs_diff

    bundle = load_guitar_model(args.model)
    export_onnx(bundle, args.out)
    diff = onnx_max_abs_diff(bundle, args.out)
    ok = diff <= PARITY_TOLERANCE
    print(f"{args.out}: max abs diff torch vs onnxruntime {diff:.2e} (limit {PARITY_TOLERANCE:g}): "
          f"{'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


def run_synth(args: argparse.Namespace) -> int:
    from app.guitar.synth import generate_dataset

    table = generate_dataset(args.out, args.recordings, args.notes, args.seed)
    print(f"{args.recordings} recordings x {args.notes} notes: {table}")
    return 0
