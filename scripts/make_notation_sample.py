"""Drum sheet music of the demo song (resources/demo/) as docs/notation_sample.pdf and a PNG of its first page."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.notation import PdfEngineError, export_notation  # noqa: E402

DEMO = ROOT / "resources" / "demo"
DOCS = ROOT / "docs"


def load_chart(song: Path):
    """The demo song's chart, or the notation test chart when the demo song is not there (said on stdout)."""
    if (song / "notes.mid").is_file() or (song / "notes.chart").is_file():
        from app.io.any_format import load_song
        return load_song(song).chart, song.name
    from app.notation.sample_chart import sample_chart
    print(f"note: no chart in {song}; using the notation test chart (app/notation/sample_chart.py)")
    return sample_chart(), "notation test chart"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--song", type=Path, default=DEMO, help="song folder (default: resources/demo)")
    ap.add_argument("--out", type=Path, default=DOCS / "notation_sample.pdf", help="PDF to write")
    ap.add_argument("--dpi", type=int, default=100, help="resolution of the PNG of page 1")
    args = ap.parse_args(argv)
    chart, what = load_chart(args.song)
    try:
        pdf = export_notation(chart, args.out)
    except PdfEngineError as exc:
        print(f"make_notation_sample: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {pdf} ({what}) and {pdf.with_suffix('.musicxml')}")
    if shutil.which("pdftoppm") is None:
        print("make_notation_sample: no pdftoppm to make the PNG (apt-get install poppler-utils)", file=sys.stderr)
        return 1
    png = pdf.with_suffix("")  # pdftoppm adds .png
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-r", str(args.dpi), str(pdf),
                    str(png)], check=True)
    print(f"wrote {png}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
