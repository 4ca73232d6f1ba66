"""Shared guitar fixtures: a synthetic data set and one run of the real training loop on the tiny config."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.guitar.config import load_config
from app.guitar.synth import generate_dataset
from app.guitar.train import train

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "resources" / "guitar" / "tiny.yaml"

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def synth_table(tmp_path_factory) -> Path:
    """10 recordings x 30 notes of mixed classes at 44.1 kHz, with metadata.csv."""
    return generate_dataset(tmp_path_factory.mktemp("guitar-synth"), n_recordings=10, notes_per_recording=30, seed=7)


@pytest.fixture(scope="session")
def trained_run(synth_table, tmp_path_factory):
    """(config, TrainResult, log lines) of the tiny preset trained on the synthetic set."""
    run_dir = tmp_path_factory.mktemp("guitar-run")
    config = load_config(TINY, {"data.metadata": str(synth_table), "training.run_dir": str(run_dir)})
    lines: list[str] = []
    result = train(config, log=lines.append)
    return config, result, lines
