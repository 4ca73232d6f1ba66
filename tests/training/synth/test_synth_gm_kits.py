"""GM one-shot kits: the kit built from one-shots, and fluidsynth rendering when installed."""
from __future__ import annotations

import numpy as np
import pytest

from app.training.synth.gm_kits import find_soundfont, fluidsynth_available, kit_from_oneshots, load_gm_kit


def test_kit_from_oneshots_layers_by_velocity() -> None:
    x = np.ones(100, np.float32)
    kit = kit_from_oneshots("t", {(36, 40): x * 0.3, (36, 120): x, (37, 100): x, (54, 100): x})
    rng = np.random.default_rng(0)
    kick = kit.pick("kick", rng)
    assert kick.sample(0.1, rng)[0] == pytest.approx(0.3) and kick.sample(0.95, rng)[0] == pytest.approx(1.0)
    assert kit.pick("snare_rim", rng).label == "snare_rim"
    assert kit.pick("other", rng).label is None


def test_fluidsynth_standard_kit() -> None:
    if find_soundfont() is None or not fluidsynth_available():
        pytest.skip("fluidsynth / fluid-soundfont-gm not installed")
    kit = load_gm_kit(0)
    assert {"kick", "snare_head", "hihat_closed", "crash", "ride_body"} <= set(kit.classes())
