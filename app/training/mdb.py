"""The MDB Drums validation recordings (../shared/data/mdb-dev): audio paths and annotations by class.

For validation only: never train or tune on them alone (see their README)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

MDB_TO_EVAL = {"KD": "kick", "SD": "snare", "HH": "hihat", "TT": "toms", "CY": "cymbals"}
"""MDB class -> evaluation class; OT (other: side stick, cowbell, ...) is not scored."""


@dataclass(frozen=True)
class MdbTrack:
    name: str
    drum_path: Path
    mix_path: Path
    events: dict[str, np.ndarray]
    """evaluation class -> annotated onset times (s)."""


def default_root() -> Path:
    """`shared/data/mdb-dev` beside the repository."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mdb-dev"


def read_annotations(path: Path) -> dict[str, np.ndarray]:
    by_class: dict[str, list[float]] = {c: [] for c in MDB_TO_EVAL.values()}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in MDB_TO_EVAL:
            by_class[MDB_TO_EVAL[parts[1]]].append(float(parts[0]))
    return {c: np.array(sorted(v)) for c, v in by_class.items()}


def load_tracks(root: Path | None = None) -> list[MdbTrack]:
    root = Path(root) if root else default_root()
    tracks = []
    for ann in sorted(root.glob("*_class.txt")):
        name = ann.name[: -len("_class.txt")]
        tracks.append(MdbTrack(name, root / f"{name}_Drum.wav", root / f"{name}_MIX.wav", read_annotations(ann)))
    return tracks
