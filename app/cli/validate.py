"""`chart-hero validate SONG_DIR`: print what makes a chart wrong or suspicious in Clone Hero."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="check a song folder or chart file; exit 1 on errors",
                       description="Report problems with song time. Exit code 0: no errors, 1: errors, "
                                   "2: the input could not be read.")
    p.add_argument("song", type=Path, help="song folder, notes.mid or notes.chart")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.domain.validation import format_finding, has_errors, validate
    from app.io.any_format import load_song
    from app.io.song_folder import audio_duration_ms

    loaded = load_song(args.song, require_audio=args.song.is_dir())
    audio_ms = [d for d in (audio_duration_ms(p) for p in loaded.stems.values()) if d]
    audio_s = max(audio_ms) / 1000 if audio_ms else None
    findings = validate(loaded.chart, audio_length_s=audio_s)
    for w in loaded.warnings:
        print(f"warning: {w}")
    for f in findings:
        print(format_finding(f))
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    print(f"{args.song}: {errors} error(s), {warnings} warning(s)")
    if has_errors(findings) or (args.strict and warnings):
        return 1
    return 0
