"""Checkpoint round trip and one-line refusals of damaged, foreign and mismatched files."""
from __future__ import annotations

import pytest
import torch

from app.io.errors import ChartFileError
from app.transcription.checkpoint import CheckpointError, file_sha256, load_checkpoint, save_checkpoint
from app.transcription.features import FeatureParams


def test_round_trip(tmp_path, tiny_model, feature_params):
    path = tmp_path / "m.pt"
    sha = save_checkpoint(path, tiny_model, feature_params, training_summary={"epochs": 3, "f": [0.5, 0.6]})
    assert sha == file_sha256(path)
    bundle = load_checkpoint(path)
    assert bundle.sha256 == sha
    assert bundle.feature_params == feature_params
    assert bundle.training_summary == {"epochs": 3, "f": [0.5, 0.6]}
    assert not bundle.model.training
    x = torch.randn(1, 2, 30, 84)
    torch.testing.assert_close(bundle.model.predict_activations(x)["probs"], tiny_model.predict_activations(x)["probs"])
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


def test_calibration_kept(tiny_bundle):
    assert tiny_bundle.calibration.thresholds == {"kick": 0.4, "crash": 0.5}
    assert tiny_bundle.calibration.timing_offsets_ms == {"kick": -3.0}


def _one_line_error(path) -> str:
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    assert isinstance(info.value, ChartFileError)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path))
    return msg


def test_refuses_truncated_and_garbage(tmp_path, tiny_checkpoint):
    data = tiny_checkpoint.read_bytes()
    trunc = tmp_path / "trunc.pt"
    trunc.write_bytes(data[: len(data) // 2])
    assert "damaged" in _one_line_error(trunc)
    noise = tmp_path / "noise.pt"
    noise.write_bytes(bytes(range(256)) * 40)
    _one_line_error(noise)
    text = tmp_path / "model.pt"
    text.write_text("this is not a model\n")
    _one_line_error(text)
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    _one_line_error(empty)
    assert "no such" in _one_line_error(tmp_path / "missing.pt")


def test_refuses_flipped_bits_in_the_weights(tmp_path, tiny_checkpoint, tiny_model):
    data = bytearray(tiny_checkpoint.read_bytes())
    raw = tiny_model.state_dict()["gru.weight_hh_l0"].numpy().tobytes()
    at = data.find(raw)
    assert at > 0
    data[at + len(raw) // 2] ^= 0x10
    rotten = tmp_path / "rotten.pt"
    rotten.write_bytes(bytes(data))
    assert "damaged" in _one_line_error(rotten)


def test_refuses_foreign_torch_files(tmp_path, tiny_model):
    bare = tmp_path / "state.pt"
    torch.save(tiny_model.state_dict(), bare)
    assert "foreign" in _one_line_error(bare)
    tensor = tmp_path / "tensor.pt"
    torch.save(torch.zeros(3), tensor)
    assert "foreign" in _one_line_error(tensor)


def _edited(tmp_path, tiny_checkpoint, name, **changes):
    payload = torch.load(tiny_checkpoint, weights_only=True)
    payload.update(changes)
    path = tmp_path / name
    torch.save(payload, path)
    return path


def test_refuses_wrong_class_list(tmp_path, tiny_checkpoint):
    assert "class list" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "a.pt", classes=["kick", "cowbell"]))
    assert "class list" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "b.pt", classes=["snare_head", "kick"]))
    assert "class list" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "c.pt", classes=["kick"]))


def test_refuses_wrong_architecture(tmp_path, tiny_checkpoint):
    payload = torch.load(tiny_checkpoint, weights_only=True)
    kwargs = dict(payload["model_kwargs"], gru_hidden=12)
    assert "architecture" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "w.pt", model_kwargs=kwargs))
    assert "model class" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "x.pt", model_class="Other"))
    assert "schema" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "y.pt", schema_version=99))
    bad_fp = dict(payload["feature_params"], n_ffts=[4096])
    assert "features" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "z.pt", feature_params=bad_fp))
    bad_cal = {"thresholds": {"kick": 1.5}, "timing_offsets_ms": {}}
    assert "threshold" in _one_line_error(_edited(tmp_path, tiny_checkpoint, "v.pt", calibration=bad_cal))


def test_subset_checkpoint(tmp_path, make_model):
    model = make_model(classes=("kick", "snare_head", "crash"))
    path = tmp_path / "s.pt"
    save_checkpoint(path, model, FeatureParams())
    assert load_checkpoint(path).classes == ("kick", "snare_head", "crash")


def test_float16_storage_halves_the_file_and_loads_as_float32(tmp_path, tiny_model, feature_params):
    full, half = tmp_path / "full.pt", tmp_path / "half.pt"
    save_checkpoint(full, tiny_model, feature_params)
    save_checkpoint(half, tiny_model, feature_params, float16=True)
    assert half.stat().st_size < 0.8 * full.stat().st_size  # a tiny model: metadata is a fixed share
    loaded = load_checkpoint(half).model
    for (name, ref), got in zip(tiny_model.state_dict().items(), loaded.state_dict().values()):
        assert got.dtype == ref.dtype, name
        if ref.is_floating_point():
            assert torch.allclose(got, ref.half().float()), name
        else:
            assert torch.equal(got, ref), name
