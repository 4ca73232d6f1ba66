"""Every shipped training config loads and builds its model; the current runs can start from the shipped weights."""
from __future__ import annotations

import pytest

from app.resources import model_path, resource_path
from app.training.config import load_config
from app.training.train import build_model
from app.training.widening import widening_problems
from app.transcription.checkpoint import load_checkpoint

CONFIGS = sorted(resource_path("training").glob("*.yaml"))


def test_configs_are_found():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path):
    config = load_config(path)
    assert config.total_steps > 0
    assert config.eval_every > 0
    model = build_model(config)
    assert sum(p.numel() for p in model.parameters()) > 0


CURRENT_RUNS = ("drums-wide8.yaml", "drums-wide8t.yaml", "drums-wide8g.yaml", "drums-wide8g2.yaml", "drums-wide8b.yaml",
                "drums-wide8n.yaml", "drums-wide8a.yaml", "drums-wide9.yaml")
"""Configs that continue from the shipped weights (older ones name models/drums.pt as it was in their day)."""


@pytest.mark.parametrize("name", CURRENT_RUNS)
def test_current_runs_can_start_from_the_shipped_weights(name):
    """Their init_checkpoint, models/drums.pt, must give the model they build or one it widens to."""
    config = load_config(resource_path("training", name))
    assert config.init_checkpoint == "models/drums.pt"
    shipped = load_checkpoint(model_path("drums.pt"))
    model = build_model(config)
    assert widening_problems(shipped.model.init_kwargs, model.init_kwargs) == []
