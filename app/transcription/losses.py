"""Training loss for the hierarchical network and frame targets built from labelled hits."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from app.constants import DRUM_CLASSES
from app.transcription.features import FeatureParams


def make_frame_targets(hits: Iterable[tuple[float, str | int, float]], n_frames: int, feature_params: FeatureParams,
                       dilation: int = 1, classes: Sequence[str] = DRUM_CLASSES) -> dict[str, np.ndarray]:
    """Frame targets from (time_s, class name or index, velocity 0..1) labels.

    targets (T, C): 1 at the frame nearest each hit, 1 - j / (dilation + 1) at +-j frames (0.5 on
    the neighbours for dilation 1, as ADTOF); onset (T,): max over classes; offset (T, C): the hit's
    position relative to its centre frame in frames (-0.5..0.5), set at centre frames only;
    velocity (T, C): set at centre frames only (the louder of two hits in one frame).
    """
    fr = feature_params.frame_rate
    col = {n: i for i, n in enumerate(classes)}
    tg = np.zeros((n_frames, len(classes)), np.float32)
    off = np.zeros_like(tg)
    vel = np.zeros_like(tg)
    for time_s, cls, v in hits:
        c = col[cls] if isinstance(cls, str) else int(cls)
        pos = float(time_s) * fr
        k = int(np.rint(pos))
        if not 0 <= k < n_frames:
            continue
        if tg[k, c] < 1.0:
            off[k, c] = pos - k
        tg[k, c] = 1.0
        vel[k, c] = max(vel[k, c], float(v))
        for j in range(1, dilation + 1):
            w = 1.0 - j / (dilation + 1)
            for kk in (k - j, k + j):
                if 0 <= kk < n_frames:
                    tg[kk, c] = max(tg[kk, c], w)
    onset = tg.max(axis=1) if len(classes) else np.zeros(n_frames, np.float32)
    return {"targets": tg, "onset": onset, "offset": off, "velocity": vel}


@dataclass
class LossConfig:
    """Weights of the loss terms (the training config stores one of these as a dict).

    class_pos_weights: extra weight of positive frames per fine class (rare classes up), capped at
    pos_weight_cap; a group's presence uses the largest of its classes'. focal_gamma 0 = plain BCE.
    """

    class_pos_weights: Mapping[str, float] = field(default_factory=dict)
    pos_weight_cap: float = 10.0
    branch_weights: Mapping[str, float] = field(default_factory=lambda: {
        "kick": 1.0, "snare": 1.0, "rhythm": 1.0, "crash": 1.0, "toms": 1.0})
    variation_weight: float = 0.5
    fine_weight: float = 0.5
    onset_weight: float = 1.0
    offset_weight: float = 1.0
    velocity_weight: float = 0.3
    focal_gamma: float = 0.0
    huber_delta: float = 0.1


def _bce(logits: torch.Tensor, target: torch.Tensor, pos_weight: torch.Tensor | None, gamma: float) -> torch.Tensor:
    """Element-wise (focal) BCE with soft targets; pos_weight scales the positive part."""
    logp, log1mp = F.logsigmoid(logits), F.logsigmoid(-logits)
    pw = 1.0 if pos_weight is None else pos_weight
    loss = -(pw * target * logp + (1.0 - target) * log1mp)
    if gamma > 0:
        p = logp.exp()
        pt = p * target + (1.0 - p) * (1.0 - target)
        loss = loss * (1.0 - pt).clamp(min=0.0) ** gamma
    return loss


def _masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.to(x.dtype).expand_as(x)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def drum_loss(outputs: dict[str, torch.Tensor], batch: dict[str, torch.Tensor], model: torch.nn.Module,
              config: LossConfig = LossConfig()) -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss and its parts (floats, for logging).

    outputs: model(features); batch: targets (B,T,C), onset (B,T), offset (B,T,C), velocity (B,T,C),
    optional frame_mask (B,T) of valid frames (padding excluded).
    """
    h = model.hierarchy
    tg = batch["targets"].float()
    b, t, c = tg.shape
    frame_mask = batch.get("frame_mask")
    fm = torch.ones(b, t, 1, device=tg.device) if frame_mask is None else frame_mask.float()[..., None]
    goc = model.group_of_class
    n_groups = len(h.groups)
    group_tg = torch.zeros(b, t, n_groups, device=tg.device).scatter_reduce(
        2, goc.expand(b, t, c), tg, reduce="amax", include_self=True)

    cap = config.pos_weight_cap
    cls_pw = torch.tensor([min(float(config.class_pos_weights.get(n, 1.0)), cap) for n in h.classes], device=tg.device)
    grp_pw = torch.zeros(n_groups, device=tg.device).scatter_reduce(0, goc, cls_pw, reduce="amax", include_self=True)
    grp_bw = torch.tensor([float(config.branch_weights.get(br, 1.0)) for br in h.branch_of_group], device=tg.device)
    cls_bw = grp_bw[goc]

    parts: dict[str, torch.Tensor] = {}
    pres = _bce(outputs["presence"], group_tg, grp_pw, config.focal_gamma) * grp_bw
    parts["presence"] = _masked_mean(pres, fm)

    # variation = P(class | group present): trained only where the group is present
    multi = ~model.single
    if bool(multi.any()):
        parent = group_tg[..., goc]
        cond = (tg / parent.clamp(min=1e-6)).clamp(0.0, 1.0)
        var = _bce(outputs["variation"], cond, cls_pw, config.focal_gamma) * cls_bw
        vmask = (parent > 0) & multi & (fm > 0)
        parts["variation"] = config.variation_weight * _masked_mean(var, vmask)

    if config.fine_weight > 0:  # calibrate the product presence x variation on every frame
        logp = model.fine_log_probs(outputs)
        log1mp = torch.log1p(-logp.exp().clamp(max=1.0 - 1e-6))
        fine = -(cls_pw * tg * logp + (1.0 - tg) * log1mp) * cls_bw
        parts["fine"] = config.fine_weight * _masked_mean(fine, fm)

    onset = _bce(outputs["onset"], batch["onset"].float(), None, config.focal_gamma)
    parts["onset"] = config.onset_weight * _masked_mean(onset[..., None], fm)

    centre = (tg >= 1.0) & (fm > 0)
    if "offset" in batch and config.offset_weight > 0:
        hub = F.huber_loss(outputs["offset"], batch["offset"].float(), reduction="none", delta=config.huber_delta)
        parts["offset"] = config.offset_weight * _masked_mean(hub, centre)
    if "velocity" in batch and config.velocity_weight > 0:
        vel = (torch.sigmoid(outputs["velocity"]) - batch["velocity"].float()) ** 2
        parts["velocity"] = config.velocity_weight * _masked_mean(vel, centre)

    total = sum(parts.values())
    return total, {k: float(v.detach()) for k, v in parts.items()}
