"""Class-balanced focal loss over soft targets (mixup), and inverse-frequency class weights."""
from __future__ import annotations

from typing import Sequence

import torch
from torch.nn import functional as F


def class_weights(counts: Sequence[int]) -> torch.Tensor:
    """Inverse-frequency weights with mean 1 over the classes present (absent classes get 0)."""
    c = torch.tensor([float(n) for n in counts])
    w = torch.where(c > 0, c.sum() / c.clamp_min(1.0), torch.zeros_like(c))
    present = (c > 0).sum().clamp_min(1)
    return w * present / w.sum().clamp_min(1e-12)


def focal_loss(logits: torch.Tensor, targets: torch.Tensor, weights: torch.Tensor | None = None,
               gamma: float = 0.0) -> torch.Tensor:
    """Mean over the batch of -sum_c w_c y_c (1 - p_c)^gamma log p_c; targets [B, C] are (soft) probabilities.

    gamma 0 and no weights is cross-entropy. Weighted items are normalised by their total weight.
    """
    logp = F.log_softmax(logits, dim=-1)
    modulation = (1.0 - logp.exp()).clamp_min(0.0) ** gamma if gamma > 0 else 1.0
    w = weights[None, :] if weights is not None else torch.ones_like(logits[:1])
    per_item = -(w * targets * modulation * logp).sum(dim=-1)
    norm = (w * targets).sum(dim=-1).sum().clamp_min(1e-12)
    return per_item.sum() / norm
