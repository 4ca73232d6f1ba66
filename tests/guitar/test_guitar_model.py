"""GuitarNoteNet: variable length, padding never leaks (eval and training statistics), configurable depth."""
from __future__ import annotations

import pytest
import torch

from app.guitar.losses import class_weights, focal_loss
from app.guitar.model import GuitarNoteNet


def _net(**kw) -> GuitarNoteNet:
    torch.manual_seed(0)
    return GuitarNoteNet(n_bands=64, channels=[8, 16], freq_bins=4, hidden=16, dropout=0.0, **kw)


@pytest.mark.parametrize("frames", [1, 2, 7, 40, 173])
def test_padding_does_not_change_the_output(frames) -> None:
    net = _net(blocks_per_stage=2).eval()
    x = torch.rand(1, 1, 64, frames)
    padded = torch.cat([x, torch.rand(1, 1, 64, 37)], dim=-1)  # garbage, not zeros, beyond the length
    lengths = torch.tensor([frames])
    with torch.no_grad():
        assert torch.allclose(net(x, lengths), net(padded, lengths), atol=1e-5)


def test_training_statistics_ignore_padding() -> None:
    net = _net().train()
    x = torch.rand(3, 1, 64, 50)
    lengths = torch.tensor([50, 20, 9])
    masked = x.clone()
    for i, n in enumerate(lengths.tolist()):
        masked[i, :, :, n:] = 0
    junk = masked.clone()
    junk[1, :, :, 20:] = 5.0
    a = net(masked, lengths)
    net2 = _net().train()
    b = net2(junk, lengths)
    assert torch.allclose(a, b, atol=1e-5)
    assert torch.allclose(net.stem_bn.running_mean, net2.stem_bn.running_mean, atol=1e-6)


def test_depth_and_shapes() -> None:
    shallow, deep = _net(blocks_per_stage=1), _net(blocks_per_stage=3)
    assert len(deep.blocks) == 3 * len(shallow.blocks)
    assert deep(torch.rand(4, 1, 64, 30), torch.tensor([30, 12, 5, 1])).shape == (4, 3)
    with pytest.raises(ValueError, match="freq_bins"):
        GuitarNoteNet(n_bands=64, channels=[8, 16], freq_bins=3)


def test_focal_loss_and_class_weights() -> None:
    logits = torch.randn(6, 3)
    targets = torch.nn.functional.one_hot(torch.tensor([0, 1, 2, 0, 1, 2]), 3).float()
    ce = torch.nn.functional.cross_entropy(logits, targets.argmax(1))
    assert torch.allclose(focal_loss(logits, targets), ce, atol=1e-6)
    assert float(focal_loss(logits, targets, gamma=2.0)) < float(ce)
    w = class_weights([10, 30, 0])
    assert w[2] == 0 and w[0] == pytest.approx(3 * w[1]) and float(w[:2].mean()) == pytest.approx(1.0)
