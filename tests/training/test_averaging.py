"""Checkpoint weight averaging: the mean of the weights, refused across architectures."""
from __future__ import annotations

import pytest
import torch

from app.training.averaging import average_checkpoints
from app.transcription.checkpoint import CheckpointError, load_checkpoint, save_checkpoint


def test_average_is_the_mean_of_the_weights(tmp_path, make_model, feature_params) -> None:
    paths = []
    for seed in (1, 2, 3):
        paths.append(tmp_path / f"m{seed}.pt")
        save_checkpoint(paths[-1], make_model(seed), feature_params, None, {"steps": seed})
    average_checkpoints(paths, tmp_path / "avg.pt")
    avg = load_checkpoint(tmp_path / "avg.pt")
    states = [load_checkpoint(p).model.state_dict() for p in paths]
    for name, value in avg.model.state_dict().items():
        if torch.is_floating_point(value):
            assert torch.allclose(value, sum(s[name] for s in states) / 3, atol=1e-6), name
    assert avg.training_summary["averaged_from"] == ["m1.pt", "m2.pt", "m3.pt"]


def test_average_refuses_different_architectures(tmp_path, make_model, feature_params) -> None:
    save_checkpoint(tmp_path / "a.pt", make_model(1), feature_params)
    save_checkpoint(tmp_path / "b.pt", make_model(1, gru_hidden=6), feature_params)
    with pytest.raises(CheckpointError, match="differ"):
        average_checkpoints([tmp_path / "a.pt", tmp_path / "b.pt"], tmp_path / "avg.pt")
    assert not (tmp_path / "avg.pt").exists()
