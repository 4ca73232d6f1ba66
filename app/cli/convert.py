"""`chart-hero convert IN OUT`: between notes.mid, notes.chart, GM MIDI and song folders."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("convert", help="convert between .mid, .chart, GM MIDI and song folders",
                       description="Convert a chart. Kinds come from the paths (a folder, .mid, .chart); "
                                   "a .mid without PART DRUMS but with channel-10 notes is read as GM MIDI.")
    p.add_argument("input", type=Path, help="song folder, notes.mid, notes.chart or GM .mid")
    p.add_argument("output", type=Path, help="song folder, .mid, .chart")
    p.add_argument("--from", dest="from_kind", choices=("folder", "mid", "chart", "gm"), help="force the input kind")
    p.add_argument("--to", dest="to_kind", choices=("folder", "mid", "chart", "gm"), help="force the output kind")
    p.add_argument("--format", dest="chart_format", choices=("mid", "chart"), default="mid",
                   help="chart file inside an output song folder (default: mid)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.io.any_format import load_song, save_song

    from app.io.any_format import guess_kind
    to_folder = (args.to_kind or guess_kind(args.output, for_output=True)) == "folder"
    loaded = load_song(args.input, args.from_kind, require_audio=to_folder and args.input.is_dir())
    for w in loaded.warnings:
        print(f"warning: {args.input}: {w}", file=sys.stderr)
    warnings = save_song(loaded.chart, args.output, args.to_kind, loaded.stems, args.chart_format)
    for w in warnings:
        print(f"warning: {args.output}: {w}", file=sys.stderr)
    n = len(loaded.chart.drums.expert)
    print(f"wrote {args.output} ({n} Expert notes)")
    return 0
