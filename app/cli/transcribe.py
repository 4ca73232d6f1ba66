"""`chart-hero transcribe INPUT... --out DIR`: audio files or song folders -> Clone Hero song folders."""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("transcribe", help="chart the drums of audio files or song folders",
                       description="Each input (an audio file or a Clone Hero song folder) becomes a song folder "
                                   "in --out with notes.mid (or notes.chart), song.ini and the audio.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    p.add_argument("--out", type=Path, required=True, help="folder that receives one song folder per input")
    p.add_argument("--preset", default="conservative", help="decode preset: conservative or aggressive")
    p.add_argument("--separate", choices=("auto", "on", "off"), default="auto",
                   help="drum separation with demucs: auto = only for full mixes when a model is installed")
    p.add_argument("--demucs-repo", type=Path, help="folder holding a demucs model (htdemucs.yaml + .th)")
    p.add_argument("--model", type=Path, help="drum model checkpoint (default: the shipped model)")
    p.add_argument("--engine", choices=("auto", "onnx", "torch"), default="auto",
                   help="what runs the model: auto = its onnxruntime twin (made on first use), else torch")
    p.add_argument("--format", choices=("mid", "chart"), default="mid", help="chart file to write")
    p.add_argument("--dynamics", action="store_true", help="mark accents and ghost notes from strike strength")
    p.add_argument("--snap", type=int, metavar="DIV", help="snap notes to DIV divisions per beat (4 = 16ths, 6 = "
                                                            "16th triplets); default: keep detected times")
    p.add_argument("--charter", default="Chart Hero", help="charter name written to song.ini")
    p.add_argument("--json", action="store_true", help="also write events.json with every detected hit")
    p.set_defaults(run=run)


def _folder_name(meta, source: Path) -> str:
    name = f"{meta.artist} - {meta.name}" if meta.artist and meta.name else (meta.name or source.stem)
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .") or "song"


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.domain.validation import validate
    from app.io.any_format import save_song
    from app.io.errors import ChartFileError
    from app.transcription.pipeline import TranscribeOptions, load_model, transcribe

    options = TranscribeOptions(preset=args.preset, separate=args.separate, model_path=args.model,
                                demucs_repo=args.demucs_repo, dynamics=args.dynamics, snap_divisions=args.snap,
                                charter=args.charter, engine=args.engine)
    notes: list[str] = []
    bundle = load_model(args.model, args.engine, notes.append)
    for note in notes:
        print(f"chart-hero: note: {note}", file=sys.stderr)
    rows, failed = [], 0
    bar = tqdm(total=len(args.inputs) * 100, unit="%", disable=len(args.inputs) < 2 and not sys.stderr.isatty(),
               bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]")
    for k, source in enumerate(args.inputs):
        start = time.perf_counter()
        bar.set_description(source.name[:30])

        def progress(frac: float, msg: str = "", k=k) -> None:
            bar.n = int(k * 100 + 100 * frac)
            bar.refresh()
        try:
            result = transcribe(source, options, progress, model_bundle=bundle)
            out = args.out / _folder_name(result.chart.metadata, source)
            warnings = list(result.warnings)
            warnings += save_song(result.chart, out, "folder", result.stems, chart_format=args.format)
            findings = [f for f in validate(result.chart, result.duration_s) if f.severity == "error"]
            warnings += [f"validator: {f.message}" for f in findings]
            if args.json:
                _write_events(out / "events.json", result)
            elapsed = time.perf_counter() - start
            rows.append((source.name, len(result.chart.drums.expert), result.beat_grid.median_bpm, elapsed,
                         result.audio_description, warnings, out))
        except ChartFileError as exc:
            failed += 1
            rows.append((source.name, None, None, time.perf_counter() - start, str(exc), [], None))
            tqdm.write(f"chart-hero: error: {exc}", file=sys.stderr)
    bar.n = bar.total
    bar.close()
    _print_summary(rows)
    return 2 if failed else 0


def _write_events(path: Path, result) -> None:
    from app.io.atomic import write_text_atomic
    tm = result.chart.tempo_map
    events = [{"time_s": round(h.time_s, 4), "drum": h.drum, "confidence": round(h.confidence, 3),
               "velocity": round(h.velocity, 3), "tick": int(round(tm.s_to_tick(h.time_s)))} for h in result.hits]
    doc = {"source": result.audio_description, "duration_s": round(result.duration_s, 3),
           "model_sha256": result.model_sha256, "preset": result.options.preset,
           "tempo_bpm": [{"tick": t.tick, "bpm": round(t.bpm, 4)} for t in tm.tempos], "events": events}
    write_text_atomic(path, json.dumps(doc, indent=1))


def _print_summary(rows) -> None:
    print(f"{'song':30} {'notes':>6} {'BPM':>7} {'time':>7}  result")
    for name, notes, bpm, elapsed, info, warnings, out in rows:
        if notes is None:
            print(f"{name[:30]:30} {'-':>6} {'-':>7} {elapsed:6.1f}s  FAILED: {info}")
            continue
        print(f"{name[:30]:30} {notes:6d} {bpm:7.1f} {elapsed:6.1f}s  {out} ({info})")
        for w in warnings:
            print(f"{'':30} warning: {w}")
    ok = sum(r[1] is not None for r in rows)
    print(f"{ok} of {len(rows)} songs charted")
