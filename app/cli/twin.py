"""`chart-hero twin [MODEL]`: export a drum model's onnxruntime twin (the fast engine) and check it against torch."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("twin", help="export a drum model's onnxruntime twin (the engine transcribe runs)",
                       description="Writes MODEL's twin beside it (drums.pt -> drums.onnx.zip) or to --out, after "
                                   "checking that it reproduces torch. Without a twin, transcribe makes one in the "
                                   "user cache on first use; ship one beside a model you ship.")
    p.add_argument("model", type=Path, nargs="?", help="drum model checkpoint (default: the shipped model)")
    p.add_argument("--out", type=Path, help="where to write the twin (default: beside the model)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.io.digest import file_sha256
    from app.io.errors import ChartFileError
    from app.resources import default_model_path
    from app.transcription.checkpoint import load_checkpoint
    from app.transcription.onnx_export import PARITY_TOLERANCE, TwinExportError, export_twin
    from app.transcription.onnx_twin import read_twin, twin_beside

    model = args.model or default_model_path()
    bundle = load_checkpoint(model)
    out = args.out or twin_beside(model)
    try:
        export_twin(bundle, out)
    except TwinExportError as exc:
        raise ChartFileError(model, str(exc)) from exc
    twin = read_twin(out, bundle.sha256, model)
    print(f"{out}: twin of {model.name} (sha256 {bundle.sha256[:12]}), {out.stat().st_size / 1e6:.2f} MB, "
          f"max |torch - onnxruntime| {twin.meta['parity_max_abs_diff']:.1e} (limit {PARITY_TOLERANCE:g}), "
          f"sha256 {file_sha256(out)}")
    return 0
