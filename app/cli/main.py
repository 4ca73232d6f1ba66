"""Entry point of `chart-hero` / `python -m app`: dispatches subcommands, prints one-line errors."""
from __future__ import annotations

import argparse
import importlib
import sys


SUBCOMMANDS = ("convert", "validate", "transcribe", "twin", "train", "evaluate", "calibrate", "dataset", "guitar", "notation",
               "corrections", "editor")
"""Subcommand modules under app/cli/ (`app.cli.<name>` with add_parser(subparsers) and run(args) -> int)."""


class _VersionAction(argparse.Action):
    """--version: app version, model version and sha256, and the user's folders (app.about)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from app.about import about_lines
        print("\n".join(about_lines()))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chart-hero",
        description="Chart Hero: drum charts for Clone Hero, from audio to a song folder. "
                    "Without a subcommand the editor opens.")
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version, the model's sha256 and where the user's files are, then exit")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"app.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("app.cli."):
                continue  # not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from app.io.errors import ChartFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if "editor" in parser._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
            args = parser.parse_args(["editor", *(argv or [])])
        else:
            parser.print_help()
            return 0
    try:
        return int(args.run(args) or 0)
    except ChartFileError as exc:
        print(f"chart-hero: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chart-hero: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line unless --debug: never a traceback for the user
        if args.debug:
            raise
        print(f"chart-hero: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return 3
