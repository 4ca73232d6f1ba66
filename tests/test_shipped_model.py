"""The shipped model: loads safely, matches its model card, and charts generated drums end to end."""
from __future__ import annotations

import re

import numpy as np
import pytest

from app.resources import default_model_path, model_path
from app.transcription.checkpoint import file_sha256, load_checkpoint


def test_shipped_model_loads_and_matches_its_card() -> None:
    path = default_model_path()
    bundle = load_checkpoint(path)  # torch.load(weights_only=True) inside
    assert path.stat().st_size < 8e6
    card = model_path("MODEL_CARD.md").read_text()
    assert re.search(r"sha256 `([0-9a-f]{64})`", card).group(1) == file_sha256(path)
    assert bundle.calibration.thresholds, "the shipped model carries calibrated thresholds"


def test_shipped_twin_is_of_the_shipped_model_and_matches_torch() -> None:
    """models/drums.onnx.zip must be re-exported whenever models/drums.pt changes (`chart-hero model twin`)."""
    from app.transcription.onnx_export import PARITY_TOLERANCE, twin_max_abs_diff
    from app.transcription.onnx_twin import read_twin, twin_beside
    path = default_model_path()
    bundle = load_checkpoint(path)
    twin = read_twin(twin_beside(path), bundle.sha256, path)  # raises TwinUnusable when stale
    assert twin_beside(path).stat().st_size < 8e6
    assert twin_max_abs_diff(bundle, twin) < PARITY_TOLERANCE
    card = model_path("MODEL_CARD.md").read_text()
    assert file_sha256(twin_beside(path)) in card


def test_generated_drums_chart_end_to_end(tmp_path) -> None:
    """Synthesised drums with known hits -> chart-hero transcribe -> notes.mid read back: right lanes, 10 ms."""
    from app.audio.decode import write_audio
    from app.cli.main import main
    from app.constants import FINE_TO_EVAL
    from app.io.midi_file import read_midi
    from app.training import metrics as M
    from app.training.lane_classes import chart_events
    from app.training.synth.dataset import plain_generated_config, render_example

    audio, labels, info = render_example(7, plain_generated_config(20.0))
    write_audio(tmp_path / "groove.wav", audio, 44100)
    assert main(["transcribe", str(tmp_path / "groove.wav"), "--out", str(tmp_path / "out")]) == 0
    chart = read_midi(tmp_path / "out" / "groove" / "notes.mid")
    ref: dict[str, list[float]] = {}
    for lab in labels:
        c = FINE_TO_EVAL.get(lab.cls)
        if c:
            ref.setdefault(c, []).append(lab.time_s)
    classes = sorted(ref)
    scores = M.score_track({k: np.array(v) for k, v in ref.items()}, chart_events(chart), classes, 0.010)
    pooled = M.pooled([scores], classes)
    assert pooled["sum"].f >= 0.9, {c: round(pooled[c].f, 3) for c in classes + ["sum"]}
