"""Frame targets and the hierarchical loss (finite; overfits a tiny batch)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from app.constants import DRUM_CLASSES
from app.transcription.features import FeatureParams
from app.transcription.losses import LossConfig, drum_loss, make_frame_targets

FP = FeatureParams()


def test_frame_targets():
    fr = FP.frame_rate
    k = 50
    t = make_frame_targets([((k + 0.3) / fr, "snare_head", 0.8), (k / fr, "kick", 0.5)], 100, FP)
    s, kick = DRUM_CLASSES.index("snare_head"), 0
    assert t["targets"].shape == (100, 12)
    assert t["targets"][k, s] == 1.0 and t["targets"][k - 1, s] == 0.5 and t["targets"][k + 1, s] == 0.5
    assert t["targets"][k + 2, s] == 0.0
    assert t["offset"][k, s] == pytest.approx(0.3, abs=1e-4) and t["offset"][k + 1, s] == 0.0
    assert t["velocity"][k, s] == pytest.approx(0.8) and t["velocity"][k, kick] == pytest.approx(0.5)
    assert t["onset"][k] == 1.0 and t["onset"][k - 1] == 0.5 and t["onset"][0] == 0.0
    wide = make_frame_targets([(k / fr, 0, 1.0)], 100, FP, dilation=2)["targets"][:, 0]
    assert list(np.round(wide[k - 2:k + 3], 3)) == [0.333, 0.667, 1.0, 0.667, 0.333]
    # hits outside the window are ignored
    assert make_frame_targets([(10.0, "kick", 1.0), (-1.0, "kick", 1.0)], 100, FP)["targets"].sum() == 0


def _batch(n_frames=160, seed=0):
    rng = np.random.default_rng(seed)
    tgs = []
    for _ in range(2):
        hits = [(rng.uniform(0, n_frames / FP.frame_rate), str(rng.choice(DRUM_CLASSES)), rng.uniform(0.2, 1.0))
                for _ in range(16)]
        hits.append((0.3, "kick", 0.9))
        hits.append((0.3, "crash", 0.9))  # two drums at once
        tgs.append(make_frame_targets(hits, n_frames, FP))
    return {k: torch.from_numpy(np.stack([t[k] for t in tgs])) for k in tgs[0]}


def test_loss_is_finite_and_has_all_parts(make_model):
    model = make_model().train()
    batch = _batch()
    out = model(torch.randn(2, 2, 160, FP.n_bands))
    total, parts = drum_loss(out, batch, model, LossConfig(focal_gamma=2.0, class_pos_weights={"tom_high": 50.0}))
    assert torch.isfinite(total)
    assert set(parts) == {"presence", "variation", "fine", "onset", "offset", "velocity"}
    total.backward()
    assert all(p.grad is None or torch.isfinite(p.grad).all() for p in model.parameters())


def test_loss_decreases_on_a_tiny_overfit(make_model):
    torch.manual_seed(0)
    model = make_model(gru_hidden=16, proj_dim=32).train()
    batch = _batch()
    x = torch.randn(2, 2, 160, FP.n_bands)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    config = LossConfig(class_pos_weights={n: 5.0 for n in DRUM_CLASSES})
    for _ in range(30):
        total, _ = drum_loss(model(x), batch, model, config)
        opt.zero_grad()
        total.backward()
        opt.step()
        losses.append(float(total.detach()))
    assert losses[-1] < 0.6 * losses[0]
    model.eval()
    probs = model.predict_activations(x)["probs"][0]
    k = int(round(0.3 * FP.frame_rate))
    for c in (0, DRUM_CLASSES.index("crash")):  # kick + crash at once, both learned (multi-label)
        assert float(probs[k, c]) > 0.25 and float(probs[k, c]) > 20 * float(probs[:, c].median())
