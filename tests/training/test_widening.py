"""Widening a drum model keeps its outputs and refuses what is not a widening."""
import pytest
import torch

from app.training.widening import widen, widening_problems
from app.transcription.model import HierarchicalDrumNet, count_parameters


def _trained_like(seed: int = 0) -> HierarchicalDrumNet:
    torch.manual_seed(seed)
    model = HierarchicalDrumNet(2, 84, conv_channels=(8, 16), convs_per_block=2, proj_dim=32, gru_hidden=16,
                                gru_layers=2, branch_hidden=12)
    with torch.no_grad():  # non-trivial BatchNorm statistics, as after training
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def test_widened_model_computes_the_same_outputs():
    model = _trained_like()
    wide = widen(model, seed=3, conv_channels=(12, 24), proj_dim=40, gru_hidden=24, branch_hidden=20).eval()
    assert count_parameters(wide) > count_parameters(model)
    assert wide.init_kwargs["gru_hidden"] == 24 and wide.init_kwargs["conv_channels"] == (12, 24)
    x = torch.randn(2, 2, 50, 84)
    with torch.no_grad():
        a, b = model(x), wide(x)
    for key in a:
        assert torch.allclose(a[key], b[key], atol=1e-5), key


def test_new_units_learn():
    model = _trained_like()
    wide = widen(model, gru_hidden=24).train()
    out = wide(torch.randn(1, 2, 30, 84))
    (out["presence"].sum() + out["onset"].sum()).backward()
    grad = wide.onset_head.weight.grad[0]
    assert grad[16:24].abs().sum() > 0  # the zero weights out of new forward units get gradients


def test_refuses_what_is_not_a_widening():
    model = _trained_like()
    with pytest.raises(ValueError, match="narrows"):
        widen(model, gru_hidden=8)
    with pytest.raises(ValueError, match="gru_layers"):
        widen(model, gru_layers=3)
    assert widening_problems(model.init_kwargs, {**model.init_kwargs, "dropout": 0.1}) == []
