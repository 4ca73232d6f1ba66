"""The guitar YAML presets load; unknown keys at any level are one clear error."""
from __future__ import annotations

import pytest

from app.guitar.config import ConfigError, load_config
from app.guitar.model import GuitarNoteNet
from tests.guitar.conftest import ROOT


@pytest.mark.parametrize("name", ["default.yaml", "tiny.yaml"])
def test_presets_load_and_build_a_model(name) -> None:
    c = load_config(ROOT / "resources" / "guitar" / name)
    GuitarNoteNet(n_bands=c.features.n_mels, **vars(c.model))
    assert c.features.sample_rate_hz == 22050


@pytest.mark.parametrize("text, words", [
    ("trainig: {lr: 0.1}\n", "unknown settings ['trainig']"),
    ("training: {learning_rate: 0.1}\n", "training: unknown settings ['learning_rate']"),
    ("features: {n_mel: 64}\n", "features: unknown settings ['n_mel']"),
    ("splits: {train: 0.9, val: 0.2, test: 0.1}\n", "sum to 1"),
    ("features: {kind: chroma}\n", "not mel or cqt"),
    ("training: [1, 2]\n", "expected a mapping"),
])
def test_bad_settings_are_one_line_errors(tmp_path, text, words) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert words in str(info.value) and "\n" not in str(info.value) and str(path) in str(info.value)


def test_overrides_and_relative_metadata(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("data: {metadata: data/meta.csv}\n")
    c = load_config(path, {"training.run_dir": "/tmp/x", "model.channels": [4, 8]})
    assert c.data.metadata == str(tmp_path / "data" / "meta.csv")
    assert c.training.run_dir == "/tmp/x" and c.model.channels == [4, 8]
