"""The hierarchical multi-branch drum network: conv front-end, BiGRU, per-branch multi-label heads.

Design (fixing the seed's softmax heads):
- Why multi-label. Drummers strike several instruments at once: kick + crash, hi-hat + snare,
  a tom under a cymbal, two toms together. A softmax over "none/hi-hat/ride/tom" must pick one,
  so every such chord loses a note. Here every output is an independent sigmoid.
- How the hierarchy is kept. Classes are grouped (kick; snare = head, rim; hi-hat = closed,
  open, pedal; ride = body, bell; crash; toms = high, mid, floor) and groups sit in branches
  (kick, snare, rhythm hand = hi-hat + ride, crash, toms), each branch with its own small MLP
  over the shared encoding. A group has a *presence* sigmoid ("some hi-hat here") and each
  fine class of a multi-class group a *variation* sigmoid, the probability of that variation
  given the group is present. Fine probability = presence x variation (a one-class group uses
  its presence). Variations are sigmoids too, so open + pedal, or high + floor tom, can both
  be on. The loss (losses.py) trains a variation only where its group is present, so "open
  vs closed" is learned on hi-hat frames only, as the seed intended, and calibrates the
  products with a small fine-level term.
- Extra heads: an any-drum onset sigmoid (decode gate), a sub-frame offset per class in frames
  (0.5 * tanh, -0.5..0.5, where the onset lies relative to the frame centre) and a strike
  velocity per class (sigmoid, 0..1).
- Shape of the network: input BatchNorm, conv blocks (3x3 convs + BN + ReLU, max-pool by 3
  over frequency only: time is never pooled, so 5.8 ms onset resolution is kept), a linear
  projection, a BiGRU stack; heads read [GRU output, projection] so they see both context and
  the local transient. `frontend` is local (receptive field `context_frames` each side), which
  lets inference run it once over the song in blocks and only window the GRU.
"""
from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn as nn

from app.constants import DRUM_CLASSES

HIERARCHY: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("kick", (("kick", ("kick",)),)),
    ("snare", (("snare", ("snare_head", "snare_rim")),)),
    ("rhythm", (("hihat", ("hihat_closed", "hihat_open", "hihat_pedal")), ("ride", ("ride_body", "ride_bell")))),
    ("crash", (("crash", ("crash",)),)),
    ("toms", (("toms", ("tom_high", "tom_mid", "tom_floor")),)),
)
"""(branch, ((group, fine classes), ...)) in DRUM_CLASSES order."""


class Hierarchy:
    """The branch/group/class structure restricted to `classes` (a subset of DRUM_CLASSES, same order)."""

    def __init__(self, classes: Sequence[str]) -> None:
        classes = tuple(classes)
        order = [c for _, groups in HIERARCHY for _, cs in groups for c in cs]
        if not classes or any(c not in order for c in classes) or list(classes) != [c for c in order if c in classes]:
            raise ValueError(f"classes must be a non-empty subset of {DRUM_CLASSES} in that order, got {classes}")
        self.classes = classes
        self.branches: list[tuple[str, list[tuple[str, list[str]]]]] = []
        for branch, groups in HIERARCHY:
            kept = [(g, [c for c in cs if c in classes]) for g, cs in groups]
            kept = [(g, cs) for g, cs in kept if cs]
            if kept:
                self.branches.append((branch, kept))
        self.groups = [g for _, gs in self.branches for g, _ in gs]
        self.group_of_class = [self.groups.index(g) for _, gs in self.branches for g, cs in gs for _ in cs]
        sizes = {g: len(cs) for _, gs in self.branches for g, cs in gs}
        self.single = [sizes[self.groups[gi]] == 1 for gi in self.group_of_class]
        self.branch_of_group = [b for b, gs in self.branches for _ in gs]


class FreqMaxPool(nn.Module):
    """Max over non-overlapping groups of `pool` frequency bands, (B, C, T, F) -> (B, C, T, F // pool): the same
    values as nn.MaxPool2d((1, pool)) (trailing bands that fill no group are dropped), about 7x faster on CPU."""

    def __init__(self, pool: int) -> None:
        super().__init__()
        self.pool = int(pool)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = x.shape[-1] // self.pool
        return x[..., :f * self.pool].unflatten(-1, (f, self.pool)).amax(-1)


def _conv_block(c_in: int, c_out: int, n_convs: int, pool: int, dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(n_convs):
        layers += [nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                   nn.ReLU(inplace=True)]
    layers.append(FreqMaxPool(pool))
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class HierarchicalDrumNet(nn.Module):
    """features (B, in_channels, T, n_bands) -> dict of per-frame outputs (see `forward`)."""

    def __init__(self, in_channels: int = 2, n_bands: int = 84, classes: Sequence[str] = DRUM_CLASSES,
                 conv_channels: Sequence[int] = (16, 32), convs_per_block: int = 2, freq_pool: int = 3,
                 proj_dim: int = 128, gru_hidden: int = 64, gru_layers: int = 2, branch_hidden: int = 48,
                 dropout: float = 0.3) -> None:
        super().__init__()
        self.init_kwargs: dict[str, Any] = dict(
            in_channels=int(in_channels), n_bands=int(n_bands), classes=tuple(classes),
            conv_channels=tuple(int(c) for c in conv_channels), convs_per_block=int(convs_per_block),
            freq_pool=int(freq_pool), proj_dim=int(proj_dim), gru_hidden=int(gru_hidden),
            gru_layers=int(gru_layers), branch_hidden=int(branch_hidden), dropout=float(dropout))
        self.hierarchy = Hierarchy(classes)
        self.classes = self.hierarchy.classes
        self.context_frames = len(conv_channels) * convs_per_block
        """Frames of context each side that the front-end's output depends on."""

        self.input_norm = nn.BatchNorm2d(in_channels)
        blocks, c, f = [], in_channels, n_bands
        for c_out in conv_channels:
            blocks.append(_conv_block(c, c_out, convs_per_block, freq_pool, dropout if c_out != conv_channels[0] else 0))
            c, f = c_out, f // freq_pool
        if f < 1:
            raise ValueError(f"{n_bands} bands cannot be pooled {len(conv_channels)} times by {freq_pool}")
        self.convs = nn.Sequential(*blocks)
        self.proj = nn.Sequential(nn.Linear(c * f, proj_dim), nn.ReLU(inplace=True))
        self.gru = nn.GRU(proj_dim, gru_hidden, gru_layers, batch_first=True, bidirectional=True,
                          dropout=dropout if gru_layers > 1 else 0.0)
        d = 2 * gru_hidden + proj_dim
        self.head_dropout = nn.Dropout(dropout)
        self.branch_heads = nn.ModuleDict()
        for branch, groups in self.hierarchy.branches:
            n_out = len(groups) + sum(len(cs) for _, cs in groups)
            self.branch_heads[branch] = nn.Sequential(nn.Linear(d, branch_hidden), nn.ReLU(inplace=True),
                                                      nn.Linear(branch_hidden, n_out))
        n_cls = len(self.classes)
        self.onset_head = nn.Linear(d, 1)
        self.offset_head = nn.Linear(d, n_cls)
        self.velocity_head = nn.Linear(d, n_cls)
        self.register_buffer("group_of_class", torch.tensor(self.hierarchy.group_of_class), persistent=False)
        self.register_buffer("single", torch.tensor(self.hierarchy.single), persistent=False)

    # ---- pieces -------------------------------------------------------------------------------
    def frontend(self, x: torch.Tensor, convs: nn.Module | None = None) -> torch.Tensor:
        """(B, in_channels, T, n_bands) -> (B, T, proj_dim); local: frame t sees t +- context_frames.
        `convs` replaces self.convs (inference passes a copy with BatchNorm folded into the convs)."""
        y = (convs or self.convs)(self.input_norm(x))  # (B, C, T, F')
        return self.proj(y.permute(0, 2, 1, 3).flatten(2))

    def sequence(self, h: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, T, proj_dim) -> outputs dict (the recurrent part and the heads)."""
        r, _ = self.gru(h)
        z = self.head_dropout(torch.cat([r, h], dim=-1))
        pres, var = [], []
        for branch, groups in self.hierarchy.branches:
            out = self.branch_heads[branch](z)
            pres.append(out[..., :len(groups)])
            var.append(out[..., len(groups):])
        return {
            "presence": torch.cat(pres, dim=-1),          # (B, T, G) logits
            "variation": torch.cat(var, dim=-1),          # (B, T, C) logits (unused for one-class groups)
            "onset": self.onset_head(z).squeeze(-1),      # (B, T) logits
            "offset": 0.5 * torch.tanh(self.offset_head(z)),  # (B, T, C) frames
            "velocity": self.velocity_head(z),            # (B, T, C) logits
        }

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """features (B, in_channels, T, n_bands) -> {presence (B,T,G), variation (B,T,C), onset (B,T),
        offset (B,T,C) in frames, velocity (B,T,C)}; logits except offset."""
        return self.sequence(self.frontend(x))

    # ---- probabilities ------------------------------------------------------------------------
    def fine_log_probs(self, out: dict[str, torch.Tensor]) -> torch.Tensor:
        """log P(class) = log sigmoid(presence of its group) + log sigmoid(variation) (B, T, C)."""
        lp = nn.functional.logsigmoid(out["presence"])[..., self.group_of_class]
        lv = nn.functional.logsigmoid(out["variation"])
        return lp + torch.where(self.single, torch.zeros_like(lv), lv)

    def probabilities(self, out: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Outputs -> {probs (B,T,C), onset (B,T), offset (B,T,C), velocity (B,T,C)} in 0..1 (offset in frames)."""
        return {"probs": self.fine_log_probs(out).exp(), "onset": torch.sigmoid(out["onset"]),
                "offset": out["offset"], "velocity": torch.sigmoid(out["velocity"])}

    @torch.inference_mode()
    def predict_activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """features (B, in_channels, T, n_bands) -> probabilities (see `probabilities`), eval mode assumed."""
        return self.probabilities(self(x))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


MODEL_CLASSES: dict[str, type[nn.Module]] = {"HierarchicalDrumNet": HierarchicalDrumNet}
"""Model classes a checkpoint may name."""
