"""`chart-hero dataset build`: Clone Hero song folders -> aligned, split, de-duplicated training shards.

Per folder: the chart (io layer), pro drums required (otherwise cymbals and toms are unknown), the drum
audio (drum stem first), Expert notes -> labels, a global offset found by cross-correlating the audio's
onset envelope with the chart's, a drift check (folders whose residual stays above 30 ms are rejected),
a split by artist/title (one song never sits in two splits) and duplicate detection.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from app.constants import DRUM_CLASS_INDEX, SAMPLE_RATE
from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.progress import ProgressFn
from app.domain.song import Chart
from app.io.errors import ChartFileError
from app.training.alignment import align_chart_to_audio

LANE_TO_CLASS = {(Lane.KICK, False): "kick", (Lane.RED, False): "snare_head",
                 (Lane.YELLOW, True): "hihat_closed", (Lane.YELLOW, False): "tom_high",
                 (Lane.BLUE, True): "ride_body", (Lane.BLUE, False): "tom_mid",
                 (Lane.GREEN, True): "crash", (Lane.GREEN, False): "tom_floor"}
"""Chart lane -> label class. Charts cannot tell open from closed hi-hat or ride bell from body."""
VELOCITY = {Dynamic.NORMAL: 0.7, Dynamic.ACCENT: 0.95, Dynamic.GHOST: 0.3}
SPLITS = (("train", 0.90), ("val", 0.95), ("test", 1.0))


def chart_labels(chart: Chart) -> list[tuple[float, str, float]]:
    """Expert notes as (audio time s, class, velocity); song.ini delay applied."""
    out = []
    for n in chart.drums.notes[Difficulty.EXPERT]:
        cls = LANE_TO_CLASS[(n.lane, n.cymbal)]
        out.append((chart.tick_to_audio_s(n.tick), cls, VELOCITY[n.dynamic]))
    return out


def song_key(artist: str, title: str) -> str:
    norm = lambda s: re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()  # noqa: E731
    return f"{norm(artist)}|{norm(title)}"


def split_of(key: str, seed: int) -> str:
    u = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return next(name for name, upto in SPLITS if u < upto)


@dataclass
class BuildReport:
    kept: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"kept {len(self.kept)} song(s), rejected {len(self.rejected)}"]
        for split in ("train", "val", "test"):
            n = sum(k["split"] == split for k in self.kept)
            lines.append(f"  {split}: {n}")
        reasons: dict[str, int] = {}
        for r in self.rejected:
            reasons[r["reason"].split(":")[0]] = reasons.get(r["reason"].split(":")[0], 0) + 1
        lines += [f"  rejected ({n}): {why}" for why, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)


def find_song_folders(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        for chart in sorted(Path(root).rglob("notes.*")):
            if chart.name.lower() in ("notes.mid", "notes.chart"):
                yield chart.parent


def prepare_song(folder: Path) -> tuple[np.ndarray, dict[str, np.ndarray], dict]:
    """(audio, label arrays, info) for one aligned song folder; ValueError(reason) when it is not usable."""
    from app.audio.song_audio import load_song_audio
    from app.io.song_folder import import_song_folder

    song = import_song_folder(folder)
    chart = song.chart
    if not chart.metadata.pro_drums and not any(
            not n.cymbal for n in chart.drums.expert if n.lane.can_be_cymbal):
        raise ValueError("not pro drums: cymbals and toms are unknown")
    labels = chart_labels(chart)
    if len(labels) < 32:
        raise ValueError(f"too few Expert notes ({len(labels)})")
    audio = load_song_audio(folder)
    al = align_chart_to_audio(audio.audio, np.array([t for t, _, _ in labels]))
    if not al.ok:
        raise ValueError(f"drift: residual {al.residual_ms:.0f} ms after offset {al.offset_s * 1000:.0f} ms")
    arrays = {"onset_s": np.array([t + al.offset_s for t, _, _ in labels], np.float64),
              "class_index": np.array([DRUM_CLASS_INDEX[c] for _, c, _ in labels], np.int16),
              "velocity": np.array([v for _, _, v in labels], np.float32)}
    keep = arrays["onset_s"] >= 0
    arrays = {k: v[keep] for k, v in arrays.items()}
    m = chart.metadata
    info = {"folder": str(folder), "artist": m.artist, "title": m.name, "charter": m.charter,
            "audio": audio.description, "offset_ms": round(al.offset_s * 1000, 2),
            "residual_ms": round(al.residual_ms, 2), "n_labels": int(keep.sum()),
            "duration_s": round(len(audio.audio) / SAMPLE_RATE, 2)}
    return audio.audio, arrays, info


def build_dataset(roots: list[Path], out: Path, seed: int = 1, on_progress: ProgressFn | None = None) -> BuildReport:
    """Build out/{train,val,test} shard folders and out/report.json from the song folders under `roots`."""
    from app.training.shards import write_examples

    out = Path(out)
    report = BuildReport()
    by_split: dict[str, list] = {"train": [], "val": [], "test": []}
    seen: dict[str, str] = {}
    folders = list(find_song_folders(roots))
    for k, folder in enumerate(folders):
        if on_progress:
            on_progress(k / max(len(folders), 1), folder.name)
        try:
            audio, labels, info = prepare_song(folder)
        except (ValueError, ChartFileError) as exc:
            report.rejected.append({"folder": str(folder), "reason": str(exc)})
            continue
        key = song_key(info["artist"], info["title"] or folder.name)
        fingerprint = hashlib.sha256(np.round(labels["onset_s"], 2).tobytes()).hexdigest()[:16]
        dup = seen.get(key) or seen.get(fingerprint)
        if dup:
            report.rejected.append({"folder": str(folder), "reason": f"duplicate: same song as {dup}"})
            continue
        seen[key] = seen[fingerprint] = str(folder)
        info["split"] = split_of(key, seed)
        by_split[info["split"]].append((audio, labels, info))
        report.kept.append(info)
    for split, examples in by_split.items():
        if examples:
            write_examples(out / split, iter(examples), per_shard=16, extra={"source": "clone hero charts",
                                                                              "split": split, "seed": seed})
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps({"kept": report.kept, "rejected": report.rejected}, indent=1))
    return report
