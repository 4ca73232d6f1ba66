"""Model outputs, multi-label capacity, the hierarchy, and the parameter budget."""
from __future__ import annotations

import pytest
import torch

from app.constants import DRUM_CLASSES
from app.transcription.features import FeatureParams
from app.transcription.model import HierarchicalDrumNet, Hierarchy, count_parameters


def test_output_shapes(tiny_model):
    fp = FeatureParams()
    x = torch.randn(3, fp.n_channels, 57, fp.n_bands)
    out = tiny_model(x)
    n_groups = len(tiny_model.hierarchy.groups)
    assert n_groups == 6
    assert out["presence"].shape == (3, 57, n_groups)
    assert out["variation"].shape == (3, 57, 12)
    assert out["onset"].shape == (3, 57)
    assert out["offset"].shape == (3, 57, 12)
    assert out["velocity"].shape == (3, 57, 12)
    p = tiny_model.predict_activations(x)
    assert p["probs"].shape == (3, 57, 12)
    assert float(p["probs"].min()) >= 0.0 and float(p["probs"].max()) <= 1.0
    assert float(p["offset"].abs().max()) <= 0.5


def test_shipped_size_is_within_budget():
    fp = FeatureParams()
    n = count_parameters(HierarchicalDrumNet(in_channels=fp.n_channels, n_bands=fp.n_bands))
    assert 200_000 <= n <= 500_000


def _force(model: HierarchicalDrumNet, branch: str, index: int, bias: float) -> None:
    last = model.branch_heads[branch][-1]
    with torch.no_grad():
        last.weight[index].zero_()
        last.bias[index] = bias


def test_two_drums_at_once_are_expressible(make_model):
    """Independent sigmoids: kick, crash, hi-hat closed and the high and floor toms can all be ~1 together."""
    model = make_model()
    with torch.no_grad():
        for name, head in model.branch_heads.items():
            head[-1].weight.zero_()
            head[-1].bias.fill_(-10.0)
    _force(model, "kick", 0, 10.0)                   # kick presence
    _force(model, "crash", 0, 10.0)                  # crash presence
    _force(model, "rhythm", 0, 10.0)                 # hi-hat presence
    _force(model, "rhythm", 2, 10.0)                 # variation: hihat_closed (after 2 presences)
    _force(model, "toms", 0, 10.0)                   # tom presence
    _force(model, "toms", 1, 10.0)                   # tom_high
    _force(model, "toms", 3, 10.0)                   # tom_floor
    probs = model.predict_activations(torch.randn(1, 2, 20, 84))["probs"][0]
    on = {DRUM_CLASSES[i] for i in range(12) if float(probs[:, i].min()) > 0.99}
    off = {DRUM_CLASSES[i] for i in range(12) if float(probs[:, i].max()) < 0.01}
    assert on == {"kick", "crash", "hihat_closed", "tom_high", "tom_floor"}
    assert off == set(DRUM_CLASSES) - on


def test_fine_probability_is_presence_times_variation(tiny_model):
    out = tiny_model(torch.randn(1, 2, 10, 84))
    probs = tiny_model.probabilities(out)["probs"]
    pres = torch.sigmoid(out["presence"])
    var = torch.sigmoid(out["variation"])
    h = tiny_model.hierarchy
    i_open, i_crash = DRUM_CLASSES.index("hihat_open"), DRUM_CLASSES.index("crash")
    torch.testing.assert_close(probs[..., i_open], pres[..., h.groups.index("hihat")] * var[..., i_open])
    torch.testing.assert_close(probs[..., i_crash], pres[..., h.groups.index("crash")])


def test_class_subset_and_order(make_model):
    h = Hierarchy(("kick", "snare_head", "crash"))
    assert h.groups == ["kick", "snare", "crash"]
    assert h.single == [True, True, True]
    model = make_model(classes=("kick", "snare_head", "hihat_closed", "hihat_open"))
    assert model(torch.randn(1, 2, 5, 84))["variation"].shape[-1] == 4
    with pytest.raises(ValueError):
        Hierarchy(("snare_head", "kick"))
    with pytest.raises(ValueError):
        Hierarchy(("kick", "cowbell"))


def test_frontend_is_local(tiny_model):
    """The front-end output at frame t depends on t +- context_frames only (what inference relies on)."""
    x = torch.randn(1, 2, 60, 84)
    y = x.clone()
    y[:, :, 40:] += 1.0
    a, b = tiny_model.frontend(x), tiny_model.frontend(y)
    ctx = tiny_model.context_frames
    torch.testing.assert_close(a[:, :40 - ctx], b[:, :40 - ctx])
    assert not torch.allclose(a[:, 40 - ctx:40], b[:, 40 - ctx:40])


@pytest.mark.parametrize("n_bands", [84, 28, 29, 31])
def test_freq_max_pool_matches_max_pool2d(n_bands):
    from app.transcription.model import FreqMaxPool
    x = torch.randn(2, 5, 17, n_bands)
    assert torch.equal(FreqMaxPool(3)(x), torch.nn.MaxPool2d((1, 3))(x))


def test_fused_frontend_matches_frontend(make_model):
    from app.transcription.inference import fused_frontend
    model = make_model()
    for m in model.modules():  # non-trivial BatchNorm statistics, so folding them is tested
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    model.eval()
    x = torch.randn(1, model.init_kwargs["in_channels"], 40, model.init_kwargs["n_bands"])
    with torch.inference_mode():
        torch.testing.assert_close(fused_frontend(model)(x), model.frontend(x), atol=1e-5, rtol=1e-4)
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.convs.modules())  # the model is untouched
