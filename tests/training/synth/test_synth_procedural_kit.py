"""The procedural kit plays every class, deterministically, with per-seed variation."""
from __future__ import annotations

import numpy as np

from app.constants import DRUM_CLASSES
from app.training.synth.kit import ONSET_PREROLL
from app.training.synth.procedural_kit import procedural_kit


def test_plays_every_class_at_any_velocity() -> None:
    kit = procedural_kit(0)
    assert kit.classes() == list(DRUM_CLASSES)
    rng = np.random.default_rng(0)
    for cls in DRUM_CLASSES:
        inst = kit.pick(cls, rng)
        assert inst is not None and inst.label == cls
        for v in (0.0, 0.3, 0.7, 1.0):
            x = inst.sample(v, rng)
            assert x.dtype == np.float32 and np.all(np.isfinite(x)) and len(x) > 100
            peak = np.max(np.abs(x))
            assert np.max(np.abs(x[:ONSET_PREROLL])) < 0.04 * peak      # attack right after the preroll


def test_has_unlabelled_percussion_and_hat_choke_group() -> None:
    kit = procedural_kit(0)
    assert kit.pick("other", np.random.default_rng(0)).label is None
    assert {i.choke_group for i in kit.instruments if i.label and i.label.startswith("hihat")} == {"hihat"}


def test_deterministic_and_varied_by_seed() -> None:
    a, b = procedural_kit(3), procedural_kit.__wrapped__(3)
    c = procedural_kit(4)
    for ia, ib, ic in zip(a.instruments, b.instruments, c.instruments):
        np.testing.assert_array_equal(ia.layers[0].samples[0], ib.layers[0].samples[0])
    assert any(len(ia.layers[-1].samples[0]) != len(ic.layers[-1].samples[0])
               or not np.allclose(ia.layers[-1].samples[0][:500], ic.layers[-1].samples[0][:500])
               for ia, ic in zip(a.instruments, c.instruments))
