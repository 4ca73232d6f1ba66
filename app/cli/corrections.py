"""`chart-hero corrections export OUT.jsonl`: the editor's recorded corrections of auto-charted notes, as JSON lines."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("corrections", help="export what you corrected in auto-charted songs",
                       description="The editor records every change you make to model-made notes "
                                   "(corrections.sqlite in the user data folder).")
    actions = p.add_subparsers(dest="corrections_command", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="write the corrections as JSON lines (one record per line)")
    e.add_argument("out", type=Path, help="output .jsonl file")
    e.add_argument("--db", type=Path, default=None, help="corrections database (default: the user's)")
    e.add_argument("--include-undone", action="store_true", help="also export corrections that were undone")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.io.corrections import default_path, export_jsonl
    from app.io.errors import ChartFileError

    db = args.db or default_path()
    if not db.is_file():
        raise ChartFileError(db, "no corrections recorded yet")
    n = export_jsonl(args.out, db, include_undone=args.include_undone)
    print(f"wrote {n} correction(s) to {args.out}")
    return 0
