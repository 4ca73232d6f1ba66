"""Dataset builder: rendered song folders with injected offsets are aligned; drifting charts rejected."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import soundfile as sf

from app.domain.lanes import Lane
from app.domain.notes import Note
from app.domain.song import empty_chart
from app.io.midi_file import write_midi
from app.io.song_ini import write_song_ini
from app.training.chart_dataset import LANE_TO_CLASS, build_dataset
from app.training.examples import load_shard_dir
from app.training.synth.dataset import SynthConfig, render_example
from app.transcription.features import FeatureParams

CLASS_TO_LANE = {c: lane for lane, c in LANE_TO_CLASS.items()}
CONFIG = SynthConfig(duration_s=24.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                     use_fluidsynth=False, p_augment=0.0, p_drop_parts=0.0)


def _song_folder(root, name: str, seed: int, offset_s: float, stretch: float = 1.0):
    audio, labels, _ = render_example(seed, CONFIG)
    chart = empty_chart(name, f"Artist {name}")
    for lab in labels:
        if lab.cls not in CLASS_TO_LANE:
            continue
        lane, cymbal = CLASS_TO_LANE[lab.cls]
        t = lab.time_s * stretch - offset_s
        if t > 0:
            chart.drums.expert.put(Note(chart.tempo_map.s_to_tick_round(t), lane, cymbal=cymbal))
    folder = root / name
    folder.mkdir()
    write_midi(chart, folder / "notes.mid")
    write_song_ini(chart.metadata, folder / "song.ini")
    sf.write(str(folder / "drums.ogg"), audio, 44100, format="OGG", subtype="VORBIS")
    return folder


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("library")
    offsets = {"a": 0.0, "b": 0.0423, "c": -0.0871}
    for k, (name, off) in enumerate(offsets.items()):
        _song_folder(root, name, 10 + k, off)
    _song_folder(root, "drift", 20, 0.0, stretch=1.01)  # a 1 % tempo error: 240 ms by the end
    shutil.copytree(root / "a", root / "a copy")
    return root, offsets


def test_builder_recovers_offsets_and_rejects_drift_and_duplicates(tmp_path, library) -> None:
    root, offsets = library
    report = build_dataset([root], tmp_path / "out", seed=1)
    kept = {k["title"]: k for k in report.kept}
    assert set(kept) == set(offsets)
    for name, off in offsets.items():
        assert abs(kept[name]["offset_ms"] - off * 1000) < 5.0, (name, kept[name])
    reasons = {r["folder"].split("/")[-1]: r["reason"] for r in report.rejected}
    assert reasons["drift"].startswith("drift") and reasons["a copy"].startswith("duplicate")
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert len(saved["kept"]) == 3
    split_dirs = [d for d in (tmp_path / "out").iterdir() if d.is_dir()]
    examples = [e for d in split_dirs for e in load_shard_dir(d, FeatureParams())]
    assert len(examples) == 3 and all(len(e.onset_s) > 30 for e in examples)
    assert "kept 3" in report.summary()
