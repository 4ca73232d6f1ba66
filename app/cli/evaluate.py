"""`chart-hero evaluate MODEL DATA`: onset metrics of a model on labelled data, as a markdown report."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score a drum model on labelled data (markdown report)",
                       description="DATA: a shard folder (chart-hero dataset synth/build), 'synth-test' (held-out "
                                   "synthetic kits and patterns), or 'mdb' / 'mdb-mix' (the real MDB Drums "
                                   "recordings in ../shared/data/mdb-dev).")
    p.add_argument("model", type=Path)
    p.add_argument("data")
    p.add_argument("--preset", default="conservative")
    p.add_argument("--out", type=Path, default=Path("evaluation.md"), help="markdown report (plots beside it)")
    p.add_argument("--fine", action="store_true", help="score the 12 fine classes instead of the 5 evaluation classes")
    p.add_argument("--limit", type=int, default=24, help="examples of synthetic data")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.constants import DRUM_CLASSES, EVAL_CLASSES
    from app.training.evaluation import activations_of, hits_by_class, labels_by_class
    from app.training.report import TrackEvents, build_report
    from app.transcription.checkpoint import load_checkpoint
    from app.transcription.decode import decode, load_preset
    from app.transcription.tempo_estimation import onset_envelope, track_beats

    bundle = load_checkpoint(args.model)
    params = load_preset(args.preset, bundle.calibration)
    fp = bundle.feature_params
    to_eval = not args.fine
    tracks: list[TrackEvents] = []
    if args.data in ("mdb", "mdb-mix"):
        from app.audio.decode import load_audio
        from app.transcription.inference import compute_activations
        from app.training.mdb import load_tracks
        if args.fine:
            raise SystemExit("MDB annotations have only the 5 evaluation classes")
        for t in tqdm(load_tracks(), unit="song"):
            act = compute_activations(load_audio(t.mix_path if args.data == "mdb-mix" else t.drum_path), bundle)
            hits = decode(act, params)
            tracks.append(TrackEvents(t.name, t.events, hits_by_class(hits, True), track_beats(onset_envelope(act),
                                                                                             act.frame_rate)))
    else:
        examples = _examples(args.data, fp, args.limit)
        for k, ex in enumerate(tqdm(examples, unit="example")):
            act = activations_of(bundle.model, ex.features, fp.frame_rate)
            hits = decode(act, params)
            tracks.append(TrackEvents(str(k), labels_by_class(ex, to_eval), hits_by_class(hits, to_eval),
                                      track_beats(onset_envelope(act), act.frame_rate)))
    classes = EVAL_CLASSES if to_eval else DRUM_CLASSES
    text = build_report(tracks, classes, f"{args.model.name} on {args.data} ({args.preset})", args.out)
    print(text.split("## ±25")[0])
    print(f"report: {args.out}")
    return 0


def _examples(data: str, fp, limit: int):
    from app.training.examples import example_from_audio, load_shard_dir
    if data == "synth-test":
        from app.training.synth.dataset import held_out_test_set
        return [example_from_audio(a, [(l.time_s, l.cls, l.velocity) for l in labels], fp)
                for a, labels, _ in held_out_test_set(limit)]
    path = Path(data).expanduser()
    if not (path / "manifest.json").is_file():
        from app.io.errors import ChartFileError
        raise ChartFileError(path, "not a shard folder (no manifest.json), 'synth-test', 'mdb' or 'mdb-mix'")
    return load_shard_dir(path, fp, limit)
