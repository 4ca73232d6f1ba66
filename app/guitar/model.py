"""GuitarNoteNet: a ResNet-style CNN over [B, 1, bands, frames] with time masks so batch padding never leaks."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from app.guitar.labels import CLASSES


def time_mask(lengths: torch.Tensor, n_frames: int) -> torch.Tensor:
    """[B, 1, 1, T] float mask, 1 for the first lengths[b] frames of each item."""
    frames = torch.arange(n_frames, device=lengths.device)
    return (frames[None, :] < lengths[:, None]).to(torch.float32)[:, None, None, :]


def halve(lengths: torch.Tensor) -> torch.Tensor:
    """Valid frames after a stride-2, kernel-3, padding-1 convolution: ceil(L / 2)."""
    return torch.div(lengths + 1, 2, rounding_mode="floor")


class MaskedBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm whose training statistics come from valid (unmasked) positions only; plain BatchNorm in eval."""

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        if not self.training:
            return super().forward(x)
        weight = mask.expand(x.shape[0], 1, x.shape[2], x.shape[3])
        count = weight.sum().clamp_min(1.0)
        mean = (x * weight).sum(dim=(0, 2, 3)) / count
        var = (((x - mean[None, :, None, None]) ** 2) * weight).sum(dim=(0, 2, 3)) / count
        with torch.no_grad():
            m = self.momentum if self.momentum is not None else 0.1
            unbiased = var * count / (count - 1).clamp_min(1.0)
            self.running_mean.mul_(1 - m).add_(m * mean)
            self.running_var.mul_(1 - m).add_(m * unbiased)
            self.num_batches_tracked.add_(1)
        x = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + self.eps)
        return x * self.weight[None, :, None, None] + self.bias[None, :, None, None]


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with a skip; stride 2 halves bands and frames. Outputs are zero beyond the valid frames."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = MaskedBatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = MaskedBatchNorm2d(c_out)
        self.skip = None
        if stride != 1 or c_in != c_out:
            self.skip = nn.Conv2d(c_in, c_out, 1, stride, 0, bias=False)
            self.skip_bn = MaskedBatchNorm2d(c_out)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.stride == 2:
            lengths = halve(lengths)
        y = self.conv1(x)
        mask = time_mask(lengths, y.shape[-1])
        y = F.relu(self.bn1(y, mask)) * mask
        y = self.bn2(self.conv2(y), mask)
        s = x if self.skip is None else self.skip_bn(self.skip(x), mask)
        return F.relu(y + s) * mask, lengths


class GuitarNoteNet(nn.Module):
    """Stem (stride 2), len(channels) residual stages (stride 2 each, blocks_per_stage blocks), length-aware pooling.

    Input: features [B, 1, n_bands, T] (padding beyond lengths[b] frames is ignored exactly) and lengths [B]
    (int64 frames). Pooling: over time, masked mean and max; over bands, averages into freq_bins groups (keeps
    where in the spectrum energy lies). Output: logits [B, len(classes)].
    """

    def __init__(self, n_bands: int = 128, channels: list[int] | tuple[int, ...] = (24, 48, 96),
                 blocks_per_stage: int = 1, freq_bins: int = 4, hidden: int = 128, dropout: float = 0.3,
                 classes: tuple[str, ...] | list[str] = CLASSES) -> None:
        super().__init__()
        channels = [int(c) for c in channels]
        bands_out = n_bands
        for _ in range(len(channels) + 1):
            bands_out = (bands_out + 1) // 2
        if bands_out % freq_bins:
            raise ValueError(f"{bands_out} bands remain after {len(channels) + 1} halvings of {n_bands}: "
                             f"freq_bins {freq_bins} must divide it")
        self.init_kwargs: dict[str, Any] = dict(n_bands=n_bands, channels=channels, blocks_per_stage=blocks_per_stage,
                                                freq_bins=freq_bins, hidden=hidden, dropout=dropout,
                                                classes=list(classes))
        self.classes = tuple(classes)
        self.freq_bins, self.bands_out = freq_bins, bands_out
        self.stem = nn.Conv2d(1, channels[0], 3, 2, 1, bias=False)
        self.stem_bn = MaskedBatchNorm2d(channels[0])
        blocks, c_in = [], channels[0]
        for c in channels:
            blocks.append(ResidualBlock(c_in, c, 2))
            blocks += [ResidualBlock(c, c, 1) for _ in range(blocks_per_stage - 1)]
            c_in = c
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * c_in * freq_bins, hidden), nn.ReLU(),
                                  nn.Dropout(dropout), nn.Linear(hidden, len(self.classes)))

    def embed(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        lengths = lengths.clamp_min(1)
        x = x * time_mask(lengths, x.shape[-1])
        lengths = halve(lengths)
        y = self.stem(x)
        mask = time_mask(lengths, y.shape[-1])
        y = F.relu(self.stem_bn(y, mask)) * mask
        for block in self.blocks:
            y, lengths = block(y, lengths)
        mean = y.sum(dim=-1) / lengths.to(y.dtype)[:, None, None]
        peak = y.amax(dim=-1)  # y >= 0 after ReLU and 0 where masked: the max over valid frames
        b, c, f = mean.shape
        pooled = torch.cat([mean, peak], dim=1).reshape(b, 2 * c, self.freq_bins, f // self.freq_bins).mean(-1)
        return pooled.flatten(1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x, lengths))


MODEL_CLASSES = {"GuitarNoteNet": GuitarNoteNet}


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
