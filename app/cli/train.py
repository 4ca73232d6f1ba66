"""`chart-hero train CONFIG`: train (or resume) a drum model from a commented YAML preset."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train or resume a drum model (see resources/training/*.yaml)",
                       description="Train the drum model. Runs resume from the run folder's state file.")
    p.add_argument("config", type=Path, help="training config YAML")
    p.add_argument("--run-dir", help="override the config's run folder")
    p.add_argument("--device", help="override the config's device: cpu, cuda, cuda:N or auto")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.training.config import load_config
    from app.training.train import train, training_device

    if not args.config.is_file():
        from app.io.errors import ChartFileError
        raise ChartFileError(args.config, "no such training config")
    overrides = {k: v for k, v in (("run_dir", args.run_dir), ("device", args.device)) if v}
    try:
        config = load_config(args.config, overrides or None)
        training_device(config.device)
    except ValueError as exc:
        from app.io.errors import ChartFileError
        raise ChartFileError(args.config, str(exc).removeprefix(f"{args.config}: ")) from None
    bar = tqdm(total=config.total_steps, unit="step")

    def progress(frac: float, msg: str = "") -> None:
        bar.n = int(round(frac * config.total_steps))
        bar.set_postfix_str(msg[-40:])
        bar.refresh()
    best = train(config, progress, log=tqdm.write)
    bar.close()
    print(f"best checkpoint: {best}")
    return 0
