"""`chart-hero notation SONG --out FILE.musicxml|FILE.pdf`: drum sheet music of a chart."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DIFFICULTY_NAMES = ("easy", "medium", "hard", "expert")


def add_parser(sub) -> None:
    p = sub.add_parser("notation", help="write drum sheet music (MusicXML or PDF) of a chart",
                       description="Write the drum part as sheet music on a five-line percussion staff. "
                                   "A .pdf needs MuseScore or LilyPond; its MusicXML is written beside it. "
                                   "Exit code 0: written, 1: no PDF engine (or it failed), "
                                   "2: the input could not be read.")
    p.add_argument("song", type=Path, help="song folder, notes.mid or notes.chart")
    p.add_argument("--out", "-o", type=Path, required=True, help="FILE.musicxml or FILE.pdf")
    p.add_argument("--difficulty", choices=DIFFICULTY_NAMES, default="expert",
                   help="which difficulty to write (default: expert)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.domain.lanes import Difficulty
    from app.io.any_format import load_song
    from app.io.errors import ChartFileError
    from app.notation.export import SUFFIXES, export_notation
    from app.notation.pdf import PdfEngineError

    if args.out.suffix.lower() not in SUFFIXES:
        raise ChartFileError(args.out, "notation is written as .musicxml, .xml or .pdf")
    loaded = load_song(args.song)
    for w in loaded.warnings:
        print(f"warning: {w}")
    try:
        out = export_notation(loaded.chart, args.out, Difficulty[args.difficulty.upper()])
    except PdfEngineError as exc:
        print(f"chart-hero: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0
