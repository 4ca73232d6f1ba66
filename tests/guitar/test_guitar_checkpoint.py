"""Guitar checkpoints round-trip; damaged, truncated or foreign files are refused with one line."""
from __future__ import annotations

import pytest
import torch

from app.guitar.checkpoint import CheckpointError, load_guitar_model, save_guitar_model
from app.guitar.features import FeatureParams
from app.guitar.model import GuitarNoteNet

PARAMS = FeatureParams(n_mels=64, hop_length=256, n_fft=1024)


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = GuitarNoteNet(n_bands=64, channels=[8, 16], hidden=16).eval()
    path = tmp_path / "m.pt"
    save_guitar_model(path, model, PARAMS, {"epochs": 3})
    return path, model


def test_round_trip(saved) -> None:
    path, model = saved
    b = load_guitar_model(path)
    assert b.feature_params == PARAMS and b.training_summary == {"epochs": 3} and len(b.sha256) == 64
    x, n = torch.rand(2, 1, 64, 20), torch.tensor([20, 11])
    with torch.no_grad():
        assert torch.equal(b.model(x, n), model(x, n))


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _flip_weights(path):
    payload = torch.load(path, weights_only=True)
    payload["state_dict"]["stem.weight"][0, 0, 0, 0] += 1.0
    torch.save(payload, path)


def _foreign(path):
    torch.save({"hello": torch.zeros(2)}, path)


def _wrong_bands(path):
    payload = torch.load(path, weights_only=True)
    payload["feature_params"]["n_mels"] = 128
    torch.save(payload, path)


@pytest.mark.parametrize("damage, words", [(_truncate, "not a readable model checkpoint"),
                                           (_flip_weights, "weights are damaged"),
                                           (_foreign, "not a Chart Hero guitar note model"),
                                           (_wrong_bands, "the model expects 64 bands")])
def test_damaged_files_are_refused_with_one_line(saved, damage, words) -> None:
    path, _ = saved
    damage(path)
    with pytest.raises(CheckpointError) as info:
        load_guitar_model(path)
    assert words in str(info.value) and "\n" not in str(info.value) and str(path) in str(info.value)
