"""Benchmark: render 60 s of drums with a Hydrogen kit (falls back to the procedural kit)."""
from __future__ import annotations

import time

import numpy as np

from app.constants import SAMPLE_RATE
from app.training.synth.grooves import generate_groove
from app.training.synth.hydrogen_kits import hydrogen_kit_folders, load_hydrogen_kit
from app.training.synth.procedural_kit import procedural_kit
from app.training.synth.render import MixSettings, render

DURATION_S = 60.0


def main() -> None:
    folders = hydrogen_kit_folders()
    t0 = time.perf_counter()
    kit = load_hydrogen_kit(next((f for f in folders if f.name == "GMRockKit"), folders[0])) if folders \
        else procedural_kit(0)
    load_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    for label, mix in (("dry", MixSettings.dry()), ("mic mix + room", MixSettings.random(rng))):
        pattern = generate_groove(np.random.default_rng(1), "rock", bpm=120, duration_s=DURATION_S)
        t0 = time.perf_counter()
        audio, labels = render(pattern, kit, rng, mix)
        wall = time.perf_counter() - t0
        secs = len(audio) / SAMPLE_RATE
        print(f"{kit.key} ({label}): {secs:.1f} s audio, {len(labels)} labels in {wall:.3f} s "
              f"-> {secs / wall:.0f} s of audio per wall second (kit load {load_s:.2f} s)")


if __name__ == "__main__":
    main()
