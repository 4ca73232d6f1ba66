"""Labelled examples for training and evaluation: shard folders -> cached features + hit labels."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from app.constants import DRUM_CLASSES
from app.training.synth.kit import BLEND_GROUPS, kit_sources
from app.transcription.features import FeatureParams, compute_features


@dataclass
class Example:
    """One labelled recording: features (n_channels, T, n_bands) float16, hits (time_s, class, velocity)."""

    features: np.ndarray
    onset_s: np.ndarray
    class_index: np.ndarray
    velocity: np.ndarray
    info: dict

    @property
    def n_frames(self) -> int:
        return int(self.features.shape[1])

    def hits(self) -> list[tuple[float, int, float]]:
        return list(zip(self.onset_s.tolist(), self.class_index.tolist(), self.velocity.tolist()))


def _params_key(params: FeatureParams) -> str:
    d = {k: v for k, v in params.to_dict().items() if k != "block_frames"}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]


def load_shard_dir(folder: str | Path, params: FeatureParams, limit: int | None = None,
                   on_progress: Callable[[int, int], None] | None = None) -> list[Example]:
    """Every example of a shard folder (manifest.json + shard-*.npz), with features cached beside the
    shards in `features-<params hash>/` so later runs skip the STFT."""
    from app.training.synth.dataset import read_shard

    folder = Path(folder).expanduser()
    manifest = json.loads((folder / "manifest.json").read_text())
    if list(manifest.get("classes", DRUM_CLASSES)) != list(DRUM_CLASSES):
        raise ValueError(f"{folder}: shards use classes {manifest.get('classes')}, expected {DRUM_CLASSES}")
    cache = folder / f"features-{_params_key(params)}"
    cache.mkdir(exist_ok=True)
    out: list[Example] = []
    total = manifest["n"] if limit is None else min(limit, manifest["n"])
    for shard in manifest["shards"]:
        if len(out) >= total:
            break
        cached = cache / shard["file"]
        examples = read_shard(folder / shard["file"])
        if cached.is_file():
            with np.load(cached) as z:
                offs, feats = z["offsets"], z["features"]
            feature_list = [feats[:, offs[i]:offs[i + 1]] for i in range(len(offs) - 1)]
        else:
            feature_list = [compute_features(a, params).astype(np.float16) for a, _ in examples]
            offs = np.cumsum([0] + [f.shape[1] for f in feature_list])
            tmp = cached.with_suffix(".tmp.npz")
            np.savez(tmp, features=np.concatenate(feature_list, axis=1), offsets=offs)
            os.replace(tmp, cached)
        for (audio, labels), feats, info in zip(examples, feature_list, shard["examples"]):
            out.append(Example(feats, labels["onset_s"], labels["class_index"], labels["velocity"], info))
            if on_progress:
                on_progress(len(out), total)
            if len(out) >= total:
                break
    return out


def uses_kit(kit: str, entry: str) -> bool:
    """Whether a rendered example's kit description matches `entry`: "Name" (the kit supplied any group) or
    "group=Name" (it supplied that group)."""
    sources = kit_sources(kit)
    group, sep, name = entry.partition("=")
    if not sep:
        return entry in sources.values()
    if group not in BLEND_GROUPS:
        raise ValueError(f"kit exclusion {entry!r}: group must be one of {', '.join(BLEND_GROUPS)}")
    return sources[group] == name


def without_kits(examples: list[Example], entries: Iterable[str]) -> list[Example]:
    """`examples` less those whose kit matches any of `entries` (see `uses_kit`); examples that do not
    say which kit made them (real recordings, charts) are kept."""
    entries = list(entries)
    if not entries:
        return examples
    return [e for e in examples
            if not any(uses_kit(str(e.info.get("kit", "")), x) for x in entries if e.info.get("kit"))]


def load_examples(folders: Iterable[str | Path], params: FeatureParams, limit: int | None = None) -> list[Example]:
    out: list[Example] = []
    for f in folders:
        out += load_shard_dir(f, params, None if limit is None else limit - len(out))
        if limit is not None and len(out) >= limit:
            break
    return out


def example_from_audio(audio: np.ndarray, hits: Iterable[tuple[float, str, float]], params: FeatureParams,
                       info: dict | None = None) -> Example:
    """An example from raw audio and (time_s, class name, velocity) labels."""
    hits = sorted(hits)
    idx = {c: i for i, c in enumerate(DRUM_CLASSES)}
    return Example(compute_features(audio, params).astype(np.float16),
                   np.array([h[0] for h in hits], np.float64), np.array([idx[h[1]] for h in hits], np.int64),
                   np.array([h[2] for h in hits], np.float32), info or {})
