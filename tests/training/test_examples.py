"""Which kit supplied each group of a rendered example, and leaving examples out by kit."""
from __future__ import annotations

import numpy as np
import pytest

from app.training.examples import Example, uses_kit, without_kits
from app.training.synth.kit import kit_sources

BLENDED = "hydrogen:Forzee Stereo Drumkit[hihat=ElectricEmpireKit+toms=FluidR3_GM Jazz]"


def _example(kit: str | None) -> Example:
    info = {} if kit is None else {"kit": kit}
    return Example(np.zeros((2, 4, 3), np.float16), np.zeros(0), np.zeros(0, int), np.zeros(0), info)


def test_kit_sources_of_plain_and_blended_kits() -> None:
    assert set(kit_sources("gm:FluidR3_GM Room").values()) == {"FluidR3_GM Room"}
    s = kit_sources(BLENDED)
    assert s["hihat"] == "ElectricEmpireKit" and s["toms"] == "FluidR3_GM Jazz"
    assert s["kick"] == s["snare"] == s["cymbals"] == "Forzee Stereo Drumkit"


def test_uses_kit_by_name_or_by_group() -> None:
    assert uses_kit(BLENDED, "ElectricEmpireKit") and uses_kit(BLENDED, "hihat=ElectricEmpireKit")
    assert not uses_kit(BLENDED, "kick=ElectricEmpireKit")
    assert uses_kit(BLENDED, "kick=Forzee Stereo Drumkit") and not uses_kit(BLENDED, "toms=Forzee Stereo Drumkit")
    assert not uses_kit(BLENDED, "Forzee")  # whole names only
    with pytest.raises(ValueError, match="group must be one of"):
        uses_kit(BLENDED, "cowbell=ElectricEmpireKit")


def test_without_kits_keeps_examples_that_name_no_kit() -> None:
    exs = [_example(BLENDED), _example("hydrogen:ElectricEmpireKit"), _example("gm:FluidR3_GM Room"), _example(None)]
    kept = without_kits(exs, ["hihat=ElectricEmpireKit"])
    assert [e.info.get("kit") for e in kept] == ["gm:FluidR3_GM Room", None]
    assert without_kits(exs, []) == exs
