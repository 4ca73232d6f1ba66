"""The onnxruntime twin: export parity with torch, what a twin refuses, and inference chunking."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from app.domain.progress import Cancelled
from app.transcription.chunking import ChunkParams
from app.transcription.inference import compute_activations
from app.transcription.onnx_export import PARITY_TOLERANCE, export_twin, parity_audio, twin_max_abs_diff
from app.transcription.onnx_twin import TwinUnusable, compute_activations_onnx, read_twin, twin_beside


@pytest.fixture
def twin_path(tiny_bundle, tmp_path):
    return export_twin(tiny_bundle, tmp_path / "tiny.onnx.zip")


def test_twin_matches_torch_on_a_clip_of_several_windows(tiny_bundle, twin_path) -> None:
    twin = read_twin(twin_path, tiny_bundle.sha256, tiny_bundle.path)
    audio = parity_audio(seconds=9.0, seed=3)
    chunks = ChunkParams(core_s=2.0, context_s=1.0, batch_windows=3)
    ref = compute_activations(audio, tiny_bundle, chunks=chunks)
    got = compute_activations_onnx(audio, twin, chunks=chunks)
    assert got.probs.shape == ref.probs.shape and got.classes == ref.classes
    for a, b in ((got.probs, ref.probs), (got.onset, ref.onset), (got.velocity, ref.velocity),
                 (got.offset_frames, ref.offset_frames)):
        assert np.abs(a - b).max() < PARITY_TOLERANCE / 4
    assert twin.meta["parity_max_abs_diff"] < PARITY_TOLERANCE
    assert twin.calibration.thresholds == tiny_bundle.calibration.thresholds
    assert twin.calibration.timing_offsets_ms == tiny_bundle.calibration.timing_offsets_ms
    assert twin.training_summary == tiny_bundle.training_summary


def test_twin_result_does_not_depend_on_workers_or_blocks(tiny_bundle, twin_path) -> None:
    from dataclasses import replace
    twin = read_twin(twin_path, tiny_bundle.sha256)
    audio = parity_audio(seconds=7.0, seed=5)
    one = compute_activations_onnx(audio, twin, workers=1)
    twin.feature_params = replace(twin.feature_params, block_frames=97)  # many blocks with margins
    two = compute_activations_onnx(audio, twin, chunks=ChunkParams(core_s=1.5, context_s=1.0, batch_windows=2),
                                   workers=2)
    assert np.abs(one.probs - two.probs).max() < 1e-4


def test_a_twin_of_another_checkpoint_or_version_is_refused(tiny_bundle, twin_path, tmp_path) -> None:
    with pytest.raises(TwinUnusable, match="another checkpoint"):
        read_twin(twin_path, "0" * 64)
    with zipfile.ZipFile(twin_path) as zf:
        meta = json.loads(zf.read("meta.json"))
        parts = {n: zf.read(n) for n in ("front.onnx", "sequence.onnx")}
    meta["twin_version"] = 999
    old = tmp_path / "old.onnx.zip"
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr("meta.json", json.dumps(meta))
        for n, b in parts.items():
            zf.writestr(n, b)
    with pytest.raises(TwinUnusable, match="version"):
        read_twin(old, tiny_bundle.sha256)


@pytest.mark.parametrize("damage", ["truncate", "garbage_graph", "not_zip"])
def test_a_damaged_twin_is_refused(tiny_bundle, twin_path, tmp_path, damage) -> None:
    bad = tmp_path / "bad.onnx.zip"
    if damage == "truncate":
        bad.write_bytes(twin_path.read_bytes()[:5000])
    elif damage == "not_zip":
        bad.write_bytes(b"hello")
    else:
        with zipfile.ZipFile(twin_path) as zf, zipfile.ZipFile(bad, "w") as out:
            out.writestr("meta.json", zf.read("meta.json"))
            out.writestr("front.onnx", b"\x08\x01garbage")
            out.writestr("sequence.onnx", zf.read("sequence.onnx"))
    with pytest.raises(TwinUnusable, match="damaged|another"):
        read_twin(bad, tiny_bundle.sha256)


def test_twin_reports_progress_and_cancels(tiny_bundle, twin_path) -> None:
    twin = read_twin(twin_path, tiny_bundle.sha256)
    audio = parity_audio(seconds=8.0)
    seen = []
    compute_activations_onnx(audio, twin, lambda f, m="": seen.append(f),
                             chunks=ChunkParams(core_s=1.0, context_s=0.5, batch_windows=1))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    calls = []

    def cancel_after_first_piece() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        compute_activations_onnx(audio, twin, should_cancel=cancel_after_first_piece,
                                 chunks=ChunkParams(core_s=1.0, context_s=0.5, batch_windows=1))


def test_parity_is_measured_against_torch(tiny_bundle, twin_path, make_model) -> None:
    """A twin of other weights is caught by the parity check (the check can fail)."""
    from app.transcription.checkpoint import ModelBundle
    twin = read_twin(twin_path, tiny_bundle.sha256)
    other = ModelBundle(make_model(seed=7), tiny_bundle.feature_params, tiny_bundle.classes, tiny_bundle.calibration,
                        {}, 0.0, None, "x")
    assert twin_max_abs_diff(other, twin) > 10 * PARITY_TOLERANCE
    assert twin_max_abs_diff(tiny_bundle, twin) < PARITY_TOLERANCE


def test_twin_beside_names_the_shipped_file(tmp_path) -> None:
    assert twin_beside(tmp_path / "drums.pt").name == "drums.onnx.zip"
