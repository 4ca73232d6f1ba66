"""Evaluation report and the `evaluate` CLI."""
from __future__ import annotations

import numpy as np

from app.cli.main import main
from app.training.report import TrackEvents, build_report
from app.training.synth.dataset import SynthConfig, write_shards


def test_report_perfect_and_shifted(tmp_path) -> None:
    ref = {"kick": np.arange(1, 10, 0.5), "snare": np.arange(1.25, 10, 1.0)}
    perfect = TrackEvents("a", ref, {k: v.copy() for k, v in ref.items()}, np.arange(0, 12, 0.5))
    late = TrackEvents("b", ref, {k: v + 0.03 for k, v in ref.items()}, np.arange(0, 12, 0.5))
    text = build_report([perfect], ["kick", "snare"], "perfect", tmp_path / "r.md")
    assert "Summed F 1.000" in text and (tmp_path / "r.md").is_file()
    text = build_report([late], ["kick", "snare"], "late")
    at50, at25 = text.split("## ±25 ms")
    assert "Summed F 1.000" in at50 and "Summed F 0.000" in at25 and "+30.0" in at50
    assert "| kick |" in text.split("## Recall by subdivision")[1]


def test_evaluate_cli_on_shards(tmp_path, tiny_checkpoint) -> None:
    cfg = SynthConfig(duration_s=4.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                      use_fluidsynth=False)
    write_shards(tmp_path / "data", 2, seed=3, config=cfg, per_shard=2)
    out = tmp_path / "report" / "eval.md"
    assert main(["evaluate", str(tiny_checkpoint), str(tmp_path / "data"), "--out", str(out)]) == 0
    assert "## ±50 ms" in out.read_text()
    assert main(["evaluate", str(tiny_checkpoint), str(tmp_path / "nothing")]) == 2
