"""The real training loop on the tiny preset: held-out recordings, run folder contents, resume."""
from __future__ import annotations

import json
import shutil
import time

from app.guitar.checkpoint import load_guitar_model
from app.guitar.config import load_config
from app.guitar.train import train
from tests.guitar.conftest import TINY


def test_held_out_balanced_accuracy(trained_run) -> None:
    config, result, lines = trained_run
    assert result.test is not None and result.test.n >= 30
    print(f"held-out balanced accuracy {result.test.balanced_accuracy:.3f} after {result.epochs} epochs "
          f"in {result.elapsed_s:.1f} s")
    assert result.test.balanced_accuracy >= 0.85, "\n".join(lines)
    assert result.elapsed_s < 90


def test_run_folder(trained_run) -> None:
    config, result, _ = trained_run
    run = config.run_path
    for name in ("best.pt", "latest.pt", "state-latest.pt", "splits.json", "config.yaml", "metrics.jsonl",
                 "test/report.json", "test/confusion.png", "test/mistakes.csv", "test/predictions.csv"):
        assert (run / name).is_file(), name
    report = json.loads((run / "test" / "report.json").read_text())
    assert set(report) >= {"accuracy", "balanced_accuracy", "macro_f1", "micro_f1", "mcc", "per_class", "confusion"}
    splits = json.loads((run / "splits.json").read_text())
    assert set(splits.values()) == {"train", "val", "test"}
    assert load_guitar_model(result.best_path).training_summary["best_epoch"] >= 1


def test_resume_continues_after_the_last_epoch(trained_run, tmp_path) -> None:
    config, result, _ = trained_run
    run = tmp_path / "run"
    shutil.copytree(config.run_path, run)
    more = load_config(TINY, {"data.metadata": config.data.metadata, "training.run_dir": str(run),
                              "training.max_epochs": result.epochs + 1, "training.early_stopping_patience": 99})
    lines: list[str] = []
    started = time.time()
    again = train(more, log=lines.append)
    assert any(line.startswith(f"resuming {run} after epoch {result.epochs}") for line in lines), lines
    assert again.epochs == result.epochs + 1
    assert len((run / "metrics.jsonl").read_text().splitlines()) == result.epochs + 1
    assert time.time() - started < 30
