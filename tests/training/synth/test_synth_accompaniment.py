"""Accompaniment: MMA arrangements are seeded, so a full-mix render is the same every time."""
from __future__ import annotations

import subprocess

import numpy as np

from app.training.synth import accompaniment


def test_mma_source_carries_a_seed_fixed_by_the_song(monkeypatch) -> None:
    sources: list[str] = []

    def fake_run(cmd, **kwargs):
        sources.append(open(cmd[-1]).read())
        raise subprocess.SubprocessError("no MMA in this test")
    monkeypatch.setattr(accompaniment.shutil, "which", lambda name: "/usr/bin/mma")
    monkeypatch.setattr(accompaniment.subprocess, "run", fake_run)
    for seed in (3, 3, 4):
        assert accompaniment.mma_midi_notes("50sRock", 120.0, 8, np.random.default_rng(seed), 0.5) == []
    assert all(s.startswith("RndSeed ") for s in sources)
    assert sources[0] == sources[1] != sources[2]
