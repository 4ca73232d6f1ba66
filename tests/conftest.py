"""Shared fixtures: one torch thread, and a small random-initialised drum model saved as a real checkpoint."""
from __future__ import annotations

import os
import tempfile

# No test writes into the user's real folders: settings (QSettings via XDG_CONFIG_HOME), autosaves,
# caches and the corrections store go to a scratch folder for the whole session.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="chart-hero-test-config-")
os.environ["CHART_HERO_DATA_DIR"] = tempfile.mkdtemp(prefix="chart-hero-test-data-")

import pytest
import torch
from hypothesis import settings

# Property tests run on shared 2-core CI machines: a slow example is load, not a bug.
settings.register_profile("chart-hero", deadline=None)
settings.load_profile("chart-hero")

from app.transcription.checkpoint import Calibration, load_checkpoint, save_checkpoint
from app.transcription.features import FeatureParams
from app.transcription.model import HierarchicalDrumNet

TINY = dict(conv_channels=(4, 8), proj_dim=16, gru_hidden=8, gru_layers=2, branch_hidden=8, dropout=0.0)


def randomise_norm_stats(model: torch.nn.Module) -> None:
    """Non-trivial BatchNorm statistics, as after training, that keep most units alive."""
    with torch.no_grad():
        model.input_norm.running_mean.uniform_(0.5, 1.5)  # log-magnitude features sit around 0..3
        model.input_norm.running_var.uniform_(0.3, 1.0)
        for m in model.convs.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.2, 0.6)


def make_tiny_model(seed: int = 0, **overrides) -> HierarchicalDrumNet:
    torch.manual_seed(seed)
    fp = FeatureParams()
    model = HierarchicalDrumNet(in_channels=fp.n_channels, n_bands=fp.n_bands, **{**TINY, **overrides})
    randomise_norm_stats(model)
    return model.eval()


@pytest.fixture
def feature_params() -> FeatureParams:
    return FeatureParams()


@pytest.fixture
def tiny_model() -> HierarchicalDrumNet:
    return make_tiny_model()


@pytest.fixture
def tiny_checkpoint(tmp_path, tiny_model, feature_params):
    path = tmp_path / "tiny.pt"
    cal = Calibration(thresholds={"kick": 0.4, "crash": 0.5}, timing_offsets_ms={"kick": -3.0})
    save_checkpoint(path, tiny_model, feature_params, cal, {"steps": 0, "note": "random weights"})
    return path


@pytest.fixture
def tiny_bundle(tiny_checkpoint):
    return load_checkpoint(tiny_checkpoint)


@pytest.fixture
def make_model():
    """The factory itself, for tests that need a variant (other classes, other sizes)."""
    return make_tiny_model


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models gain nothing from threads, and two threads on a busy 2-core machine spin for seconds."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
