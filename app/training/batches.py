"""Random training crops: features + frame targets as torch tensors."""
from __future__ import annotations

import numpy as np
import torch

from app.training.examples import Example
from app.transcription.features import FeatureParams
from app.transcription.losses import make_frame_targets


def sample_batch(examples: list[Example], rng: np.random.Generator, batch_size: int, crop_frames: int,
                 params: FeatureParams, dilation: int = 1) -> dict[str, torch.Tensor]:
    """A batch of `crop_frames`-long windows, examples drawn in proportion to their length.

    Returns features (B, n_channels, crop, n_bands) float32 and targets (B, crop, C), onset (B, crop),
    offset (B, crop, C), velocity (B, crop, C), frame_mask (B, crop).
    """
    lengths = np.array([e.n_frames for e in examples], float)
    picks = rng.choice(len(examples), size=batch_size, p=lengths / lengths.sum())
    fr = params.frame_rate
    feats, tg, on, off, vel, mask = [], [], [], [], [], []
    for i in picks:
        ex = examples[i]
        start = int(rng.integers(0, max(ex.n_frames - crop_frames, 0) + 1))
        stop = min(start + crop_frames, ex.n_frames)
        f = np.zeros((ex.features.shape[0], crop_frames, ex.features.shape[2]), np.float32)
        f[:, : stop - start] = ex.features[:, start:stop]
        t0 = start / fr
        sel = (ex.onset_s >= t0 - 0.05) & (ex.onset_s < stop / fr + 0.05)
        hits = zip((ex.onset_s[sel] - t0).tolist(), ex.class_index[sel].tolist(), ex.velocity[sel].tolist())
        t = make_frame_targets(hits, crop_frames, params, dilation)
        m = np.zeros(crop_frames, np.float32)
        m[: stop - start] = 1.0
        feats.append(f)
        tg.append(t["targets"])
        on.append(t["onset"])
        off.append(t["offset"])
        vel.append(t["velocity"])
        mask.append(m)
    return {"features": torch.from_numpy(np.stack(feats)), "targets": torch.from_numpy(np.stack(tg)),
            "onset": torch.from_numpy(np.stack(on)), "offset": torch.from_numpy(np.stack(off)),
            "velocity": torch.from_numpy(np.stack(vel)), "frame_mask": torch.from_numpy(np.stack(mask))}
