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


def test_extra_gm_kits_never_hold_the_held_out_kit() -> None:
    """The extra kits leave out FluidR3's Power kit and its variations (17-19 share its toms)."""
    from app.training.synth.dataset import HELD_OUT
    from app.training.synth.gm_kits import EXTRA_GM_KITS, FLUIDR3, split_gm_ident

    fluid = EXTRA_GM_KITS[FLUIDR3]
    assert not set(fluid) & ({17, 18, 19} | set(HELD_OUT["gm"]))
    assert not any("MuseScore" in path for path in EXTRA_GM_KITS)
    assert split_gm_ident(16) == (None, 16) and split_gm_ident(f"{FLUIDR3}:4") == (FLUIDR3, 4)


def test_extra_gm_kits_join_training_only(monkeypatch) -> None:
    """With gm_extra_kits the training catalogue gains them; the test split and the default stay as they were."""
    from app.training.synth import dataset, gm_kits

    monkeypatch.setattr(gm_kits, "gm_kit_programs", lambda: [0, 16, 24])
    monkeypatch.setattr(gm_kits, "extra_gm_kits", lambda: ["/x/TimGM6mb.sf2:0", "/x/TimGM6mb.sf2:25"])
    dataset._kit_catalogue.cache_clear()
    try:
        plain = dataset._kit_catalogue("train")["gm"]
        extra = dataset._kit_catalogue("train", True)["gm"]
        test = dataset._kit_catalogue("test", True)["gm"]
    finally:
        dataset._kit_catalogue.cache_clear()
    assert plain == [("gm", 0, False), ("gm", 24, True)]
    assert extra == plain + [("gm", "/x/TimGM6mb.sf2:0", False), ("gm", "/x/TimGM6mb.sf2:25", True)]
    assert test == [("gm", 16, False)]
