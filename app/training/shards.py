"""Shard files shared by every training data source: .npz (audio int16 + labels) plus manifest.json."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

import numpy as np

from app.constants import DRUM_CLASSES, SAMPLE_RATE

SHARD_VERSION = 1


def write_shard(path: Path, examples: list[tuple[np.ndarray, dict[str, np.ndarray]]]) -> None:
    """Write (audio float32 mono, label arrays onset_s/class_index/velocity) examples atomically."""
    arrays = {"audio": np.concatenate([np.round(np.clip(a, -1, 1) * 32767).astype(np.int16) for a, _ in examples]),
              "audio_offsets": np.cumsum([0] + [len(a) for a, _ in examples]).astype(np.int64),
              "label_offsets": np.cumsum([0] + [len(l["onset_s"]) for _, l in examples]).astype(np.int64)}
    for key in ("onset_s", "class_index", "velocity"):
        arrays[key] = np.concatenate([l[key] for _, l in examples]) if examples else np.zeros(0)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def write_manifest(out: Path, shards: list[dict], extra: dict) -> Path:
    """manifest.json: version, sample rate, classes, number of examples and per-shard example infos."""
    n = sum(len(s["examples"]) for s in shards)
    manifest = {"version": SHARD_VERSION, "sample_rate": SAMPLE_RATE, "classes": list(DRUM_CLASSES),
                "audio": "int16 / 32767", "n": n, **extra, "shards": shards}
    tmp = out / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, out / "manifest.json")
    return out / "manifest.json"


def write_examples(out: str | Path, examples: Iterable[tuple[np.ndarray, dict[str, np.ndarray], dict]],
                   per_shard: int = 32, extra: dict | None = None) -> Path:
    """Stream (audio, label arrays, info) examples into shards of `per_shard` and write the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shards, batch, infos = [], [], []
    for audio, labels, info in examples:
        batch.append((audio, labels))
        infos.append(info)
        if len(batch) == per_shard:
            name = f"shard-{len(shards):05d}.npz"
            write_shard(out / name, batch)
            shards.append({"file": name, "examples": infos})
            batch, infos = [], []
    if batch:
        name = f"shard-{len(shards):05d}.npz"
        write_shard(out / name, batch)
        shards.append({"file": name, "examples": infos})
    return write_manifest(out, shards, extra or {})
