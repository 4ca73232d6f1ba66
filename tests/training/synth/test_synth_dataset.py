"""Examples are reproducible from a seed; shards and manifest round-trip; the held-out split."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.constants import DRUM_CLASSES
from app.training.synth.dataset import (HELD_OUT, SynthConfig, held_out_test_set, read_shard,
                                        render_example, write_shards)
from app.training.synth.render import labels_to_arrays

FAST = SynthConfig(duration_s=6.0, kit_weights={"procedural": 1.0}, p_mma=0.0, use_fluidsynth=False,
                   p_accompaniment=0.5)


def test_example_is_reproducible_from_its_seed() -> None:
    a1, l1, i1 = render_example(11, FAST)
    a2, l2, i2 = render_example(11, FAST)
    np.testing.assert_array_equal(a1, a2)
    assert l1 == l2 and i1 == i2
    assert a1.dtype == np.float32 and np.all(np.abs(a1) <= 1.0) and np.all(np.isfinite(a1))
    assert all(l.cls in DRUM_CLASSES for l in l1) and len(l1) > 5
    assert i1["kit"].startswith("procedural:") and i1["style"] not in HELD_OUT["styles"]
    a3, _, _ = render_example(12, FAST)
    assert len(a3) != len(a1) or not np.array_equal(a3, a1)


def test_shards_and_manifest_round_trip(tmp_path: Path) -> None:
    manifest = write_shards(tmp_path, 3, seed=5, config=FAST, per_shard=2)
    m = json.loads(manifest.read_text())
    assert m["n"] == 3 and [s["file"] for s in m["shards"]] == ["shard-00000.npz", "shard-00001.npz"]
    assert m["classes"] == list(DRUM_CLASSES) and m["held_out"]["styles"] == list(HELD_OUT["styles"])
    examples = read_shard(tmp_path / "shard-00000.npz") + read_shard(tmp_path / "shard-00001.npz")
    assert len(examples) == 3
    from app.training.synth.dataset import example_seed
    audio, labels, _ = render_example(example_seed(5, 2), FAST)
    got_audio, got_labels = examples[2]
    assert np.max(np.abs(got_audio - audio)) < 1e-4
    np.testing.assert_array_equal(got_labels["class_index"], labels_to_arrays(labels)["class_index"])


def test_held_out_split_uses_only_held_out_material() -> None:
    for audio, labels, info in held_out_test_set(2, seed=1, config=FAST):
        assert info["kit"] in {f"procedural:procedural-{s}" for s in HELD_OUT["procedural"]}
        assert info["style"] in HELD_OUT["styles"] and len(audio) > 0


def test_drop_parts_silences_a_group_over_a_stretch() -> None:
    """Some examples have an instrument sit out (a snare with no hat on it): hits and labels both go."""
    import numpy as np

    from app.training.synth.dataset import drop_parts
    from app.training.synth.grooves import generate_groove

    rng = np.random.default_rng(4)
    for _ in range(20):
        pattern = generate_groove(rng, "rock", duration_s=12.0)
        thinned = drop_parts(pattern, rng)
        t0, t1 = thinned.info["dropped_s"]
        dropped = set(thinned.info["dropped"])
        assert dropped and 0 <= t0 < t1
        assert not [h for h in thinned.hits if h.part in dropped and t0 <= h.time_s < t1]
        kept = [h for h in pattern.hits if not (h.part in dropped and t0 <= h.time_s < t1)]
        assert thinned.hits == kept and len(kept) < len(pattern.hits) or not [
            h for h in pattern.hits if h.part in dropped and t0 <= h.time_s < t1]


def test_blended_kits_take_whole_groups_from_donors() -> None:
    """A blended kit plays the donor's snare head and rim (one snare), the base's everything else swapped
    or kept group by group; every label stays with the instrument that plays it."""
    from app.training.synth.kit import BLEND_GROUPS, blend_kits
    from app.training.synth.procedural_kit import procedural_kit

    base, donor = procedural_kit(0), procedural_kit(1)
    seen_swap = False
    for seed in range(12):
        kit = blend_kits(base, [donor], np.random.default_rng(seed), p_swap=0.5)
        for group, classes in BLEND_GROUPS.items():
            owners = {("base" if any(i is j for j in base.instruments) else "donor")
                      for i in kit.instruments if i.label in classes}
            assert len(owners) <= 1, (group, owners)        # never half one kit's hi-hat, half another's
            seen_swap |= owners == {"donor"}
        assert sorted(kit.classes()) == sorted(set(base.classes()) | set(donor.classes()) & set(kit.classes()))
    assert seen_swap
    assert blend_kits(base, [donor], np.random.default_rng(0), p_swap=0.0) is base


def test_timbre_variety_options_render_reproducibly() -> None:
    """Kit blending, close-mic channel strips and vintage masters: seeded, finite, labels intact."""
    from dataclasses import replace

    config = replace(FAST, p_kit_blend=1.0, p_group_fx=1.0, p_vintage=1.0, p_accompaniment=0.0, p_augment=1.0)
    a1, l1, i1 = render_example(21, config)
    a2, l2, _ = render_example(21, config)
    np.testing.assert_array_equal(a1, a2)
    assert l1 == l2 and len(l1) > 5 and np.all(np.isfinite(a1))
    assert "[" in i1["kit"] and "vintage" in i1["augment"]


def test_snare_buzz_is_seeded_and_absent_at_zero() -> None:
    """p_snare_buzz: seeded, recorded in the info; at 0 the render is the one it always was (no random draw)."""
    from dataclasses import replace

    base = replace(FAST, p_accompaniment=0.0, p_augment=0.0, p_mic_mix=0.0)
    a0, _, i0 = render_example(5, base)
    np.testing.assert_array_equal(a0, render_example(5, replace(base, p_snare_buzz=0.0))[0])
    a1, _, i1 = render_example(5, replace(base, p_snare_buzz=1.0))
    np.testing.assert_array_equal(a1, render_example(5, replace(base, p_snare_buzz=1.0))[0])
    assert i0["snare_buzz_db"] is None and -32 <= i1["snare_buzz_db"] <= -12 and not np.array_equal(a0, a1)


def test_kick_click_adds_high_frequency_at_kicks_only_and_keeps_labels() -> None:
    """p_kick_click: seeded, labels unchanged, the added energy is above 2 kHz and sits at the kicks; at 0 the
    render is the one it always was (no random draw)."""
    from dataclasses import replace

    from app.training.synth.dataset import _kick_click
    from app.constants import SAMPLE_RATE

    base = replace(FAST, p_accompaniment=0.0, p_augment=0.0, p_mic_mix=0.0)
    a0, l0, _ = render_example(5, base)
    a1, l1, _ = render_example(5, replace(base, p_kick_click=1.0))
    a2, _, _ = render_example(5, replace(base, p_kick_click=1.0))
    np.testing.assert_array_equal(a1, a2)
    assert l0 == l1 and not np.array_equal(a0, a1)
    np.testing.assert_array_equal(a0, render_example(5, replace(base, p_kick_click=0.0))[0])

    x = np.zeros(SAMPLE_RATE, np.float32)  # one low thump at 0.5 s
    t = np.arange(4000) / SAMPLE_RATE
    x[22050:26050] = np.sin(2 * np.pi * 60 * t) * np.exp(-t / 0.05)
    y = _kick_click(np.random.default_rng(1))(x)
    diff = y - x
    spec = np.abs(np.fft.rfft(diff))
    freqs = np.fft.rfftfreq(len(diff), 1 / SAMPLE_RATE)
    assert spec[freqs > 2000].sum() > 4 * spec[freqs < 1000].sum()
    energy = diff ** 2
    assert energy[22050:22050 + 1500].sum() > 0.95 * energy.sum()


def test_cymbal_tilt_changes_brightness_and_keeps_labels() -> None:
    """p_cymbal_tilt: seeded, labels unchanged, recorded in info; a crash tilt with a positive gain raises the
    share of energy above its corner; at 0 the render is the one it always was (no random draw)."""
    from dataclasses import replace

    from app.constants import SAMPLE_RATE
    from app.training.synth.dataset import CYMBAL_TILT_DB, _cymbal_tilt

    base = replace(FAST, p_accompaniment=0.0, p_augment=0.0, p_mic_mix=0.0)
    a0, l0, i0 = render_example(5, base)
    a1, l1, i1 = render_example(5, replace(base, p_cymbal_tilt=1.0))
    np.testing.assert_array_equal(a1, render_example(5, replace(base, p_cymbal_tilt=1.0))[0])
    np.testing.assert_array_equal(a0, render_example(5, replace(base, p_cymbal_tilt=0.0))[0])
    assert l0 == l1 and "cymbal_tilt" not in i0
    assert set(i1["cymbal_tilt"]) == {"cymbals", "hihat"}
    for group, info in i1["cymbal_tilt"].items():
        assert CYMBAL_TILT_DB[group][0] <= info["gain_db"] <= CYMBAL_TILT_DB[group][1]

    noise = np.random.default_rng(0).standard_normal(SAMPLE_RATE).astype(np.float32)

    def high_share(x: np.ndarray) -> float:
        spec = np.abs(np.fft.rfft(x)) ** 2
        f = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
        return float(spec[f > 8000].sum() / spec.sum())

    seen = set()
    for seed in range(40):  # brightening and darkening draws each move the high band their way
        tilt, info = _cymbal_tilt(np.random.default_rng(seed), "cymbals")
        y = tilt(noise)
        assert y.dtype == np.float32 and y.shape == noise.shape
        if abs(info["gain_db"]) > 3:
            brighter = info["gain_db"] > 0
            assert (high_share(y) > high_share(noise)) == brighter
            seen.add(brighter)
    assert seen == {True, False}


def test_no_timekeeper_drops_every_hihat_and_ride_and_is_absent_at_zero() -> None:
    """p_no_timekeeper: the whole example loses hi-hat and ride, the rest stays; at 0 no random draw."""
    from dataclasses import replace

    base = replace(FAST, p_accompaniment=0.0, p_augment=0.0, p_drop_parts=0.0)
    a0, l0, _ = render_example(12, base)
    np.testing.assert_array_equal(a0, render_example(12, replace(base, p_no_timekeeper=0.0))[0])
    a1, l1, i1 = render_example(12, replace(base, p_no_timekeeper=1.0))
    timekeepers = ("hihat_closed", "hihat_open", "hihat_pedal", "ride_body", "ride_bell")
    assert any(l.cls in timekeepers for l in l0)
    assert not any(l.cls in timekeepers for l in l1) and any(l.cls == "kick" for l in l1)
    assert set(timekeepers) <= set(i1["dropped"])
