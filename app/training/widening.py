"""Function-preserving widening of a HierarchicalDrumNet: a larger model that starts where a trained one is.

Net2Net-style warm start (Chen et al. 2016, with zero-initialised outgoing weights as in "Net2WiderNet
with noise-free identity"): every trained weight is copied into the corresponding slice of the wider
model; a new unit (conv channel, projection unit, GRU hidden unit, branch hidden unit) gets the fresh
model's random incoming weights and **zero weights out of it into old units and outputs**. So the
wider model, in eval mode, computes exactly what the trained one computes, and training moves the new
units from there. (Zero outgoing weights still receive gradients, since the new units' activations are
not zero; their incoming weights start learning one step later.)

Widened dimensions: conv_channels (each), proj_dim, gru_hidden, branch_hidden. Every other argument
(classes, bands, conv depth, pooling, GRU depth) must match; dropout may differ.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from app.transcription.model import HierarchicalDrumNet

WIDENABLE = ("conv_channels", "proj_dim", "gru_hidden", "branch_hidden")
FREE = ("dropout",)

Segments = list[tuple[int, int]]
"""An axis as concatenated blocks of (old size, new size); old entries sit at the start of each block."""


def widening_problems(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why a model with init kwargs `new` cannot be a widening of one with `old` (empty when it can)."""
    out = []
    for key in set(old) | set(new):
        if key in FREE:
            continue
        a, b = old.get(key), new.get(key)
        if key in WIDENABLE:
            a_t, b_t = np.atleast_1d(a), np.atleast_1d(b)
            if a_t.shape != b_t.shape:
                out.append(f"{key}: {a} -> {b} changes the number of layers")
            elif np.any(b_t < a_t):
                out.append(f"{key}: {a} -> {b} narrows")
        elif a != b:
            out.append(f"{key}: {a} -> {b} cannot change")
    return out


def _index(segments: Segments) -> tuple[np.ndarray, int]:
    """(positions of the old entries in the new axis, new axis length)."""
    pos, start = [], 0
    for old_n, new_n in segments:
        pos.append(np.arange(old_n) + start)
        start += new_n
    return np.concatenate(pos) if pos else np.zeros(0, int), start


def _axes(name: str, old: dict[str, Any], new: dict[str, Any], freq_after: int) -> tuple[Segments, Segments | None]:
    """(row segments, column segments or None) of parameter `name`; no row segments: rows unchanged."""
    ch_o, ch_n = list(old["conv_channels"]), list(new["conv_channels"])
    p = (old["proj_dim"], new["proj_dim"])
    h = (old["gru_hidden"], new["gru_hidden"])
    bh = (old["branch_hidden"], new["branch_hidden"])
    z = [h, h, p]  # heads read [GRU forward, GRU backward, projection]
    parts = name.split(".")
    if parts[0] == "input_norm":
        c = old["in_channels"]
        return [(c, c)], None
    if parts[0] == "convs":
        block, layer = int(parts[1]), int(parts[2])
        conv = layer // 3
        c_out = (ch_o[block], ch_n[block])
        if layer % 3 == 1:  # BatchNorm of this conv
            return [c_out], None
        if conv == 0:
            c_in = (old["in_channels"],) * 2 if block == 0 else (ch_o[block - 1], ch_n[block - 1])
        else:
            c_in = c_out
        return [c_out], [c_in]
    if parts[0] == "proj":
        rows = [p]
        return (rows, [(ch_o[-1] * freq_after, ch_n[-1] * freq_after)]) if parts[-1] == "weight" else (rows, None)
    if parts[0] == "gru":
        rows = [h] * 3  # gates r, z, n
        if parts[1].startswith("weight_ih_l0"):
            return rows, [p]
        if parts[1].startswith("weight_ih"):
            return rows, [h, h]
        if parts[1].startswith("weight_hh"):
            return rows, [h]
        return rows, None  # biases
    if parts[0] == "branch_heads":
        layer = int(parts[2])
        if layer == 0:
            return [bh], (z if parts[-1] == "weight" else None)
        return [], ([bh] if parts[-1] == "weight" else None)  # outputs unchanged
    if parts[0] in ("onset_head", "offset_head", "velocity_head"):
        return [], (z if parts[-1] == "weight" else None)
    raise ValueError(f"no widening rule for parameter {name}")


def widen(model: HierarchicalDrumNet, seed: int = 0, **new_kwargs: Any) -> HierarchicalDrumNet:
    """A wider HierarchicalDrumNet (model's init kwargs updated with `new_kwargs`) that computes exactly what
    `model` computes in eval mode. Raises ValueError when the new arguments are not a widening."""
    old_kw = dict(model.init_kwargs)
    new_kw = {**old_kw, **new_kwargs}
    problems = widening_problems(old_kw, new_kw)
    if problems:
        raise ValueError("not a widening: " + "; ".join(problems))
    torch.manual_seed(seed)
    wide = HierarchicalDrumNet(**new_kw)
    freq_after = old_kw["n_bands"]
    for _ in old_kw["conv_channels"]:
        freq_after //= old_kw["freq_pool"]
    old_state = model.state_dict()
    new_state = wide.state_dict()
    for name, old_t in old_state.items():
        new_t = new_state[name].clone()
        if old_t.ndim == 0:
            new_t.copy_(old_t)
            new_state[name] = new_t
            continue
        rows, cols = _axes(name, old_kw, new_kw, freq_after)
        r_old, r_n = _index(rows) if rows else (np.arange(old_t.shape[0]), old_t.shape[0])
        if r_n != new_t.shape[0]:
            raise ValueError(f"{name}: rows {r_n} != {new_t.shape[0]}")
        if cols is None:
            new_t[torch.as_tensor(r_old)] = old_t
        else:
            c_old, c_n = _index(cols)
            if c_n != new_t.shape[1]:
                raise ValueError(f"{name}: columns {c_n} != {new_t.shape[1]}")
            c_new = np.setdiff1d(np.arange(c_n), c_old)
            ri, ci = torch.as_tensor(r_old), torch.as_tensor(c_old)
            new_t[ri[:, None], ci[None, :]] = old_t
            new_t[ri[:, None], torch.as_tensor(c_new)[None, :]] = 0.0  # new units feed nothing old
        new_state[name] = new_t
    wide.load_state_dict(new_state)
    return wide
