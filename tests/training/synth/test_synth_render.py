"""Rendering: labels at the audible attack, hi-hat choke, unlabelled percussion, snare buzz, determinism."""
from __future__ import annotations

import numpy as np
import pytest

from app.constants import DRUM_CLASSES, SAMPLE_RATE
from app.training.synth.pattern import Hit, Pattern
from app.training.synth.procedural_kit import procedural_kit
from app.training.synth.render import MixSettings, arrays_to_labels, labels_to_arrays, render

SR = SAMPLE_RATE


def _pattern(hits: list[Hit], duration_s: float = 2.0) -> Pattern:
    return Pattern(hits, 120.0, (4, 4), duration_s, "test", "test")


def _energy_onset_s(audio: np.ndarray, around_s: float) -> float:
    """First sample within 20 dB of the local peak, searching from 20 ms before `around_s`."""
    lo = int((around_s - 0.02) * SR)
    seg = np.abs(audio[lo: lo + int(0.08 * SR)])
    return (lo + int(np.argmax(seg >= 0.1 * seg.max()))) / SR


@pytest.mark.parametrize("mix", ["dry", "mics"])
@pytest.mark.parametrize("cls", DRUM_CLASSES)
def test_label_is_within_2_ms_of_the_energy_onset(cls: str, mix: str) -> None:
    rng = np.random.default_rng(0)
    settings = MixSettings.dry() if mix == "dry" else MixSettings.random(np.random.default_rng(1))
    t = 0.3137
    audio, labels = render(_pattern([Hit(t, cls, 0.9)], 1.5), procedural_kit(0), rng, settings)
    assert [l.cls for l in labels] == [cls]
    assert abs(_energy_onset_s(audio, labels[0].time_s) - labels[0].time_s) < 0.002


def test_hihat_is_choked_by_the_next_hihat() -> None:
    kit, rng = procedural_kit(0), np.random.default_rng(0)
    ring, _ = render(_pattern([Hit(0.2, "hihat_open", 1.0)]), kit, rng)
    choked, labels = render(_pattern([Hit(0.2, "hihat_open", 1.0), Hit(0.5, "hihat_pedal", 0.5)]), kit, rng)
    assert [l.cls for l in labels] == ["hihat_open", "hihat_pedal"]
    late = slice(int(0.7 * SR), int(1.2 * SR))
    assert np.sqrt(np.mean(choked[late] ** 2)) < 0.1 * np.sqrt(np.mean(ring[late] ** 2))


def test_other_percussion_sounds_but_is_unlabelled_and_side_stick_is_snare_rim() -> None:
    audio, labels = render(_pattern([Hit(0.2, "other", 1.0), Hit(1.0, "snare_rim", 1.0)]),
                           procedural_kit(0), np.random.default_rng(0))
    assert np.max(np.abs(audio[int(0.2 * SR): int(0.4 * SR)])) > 0.05
    assert [l.cls for l in labels] == ["snare_rim"]


def test_render_is_deterministic_and_label_arrays_round_trip() -> None:
    hits = [Hit(0.1 + 0.11 * i, DRUM_CLASSES[i % 12], 0.2 + 0.06 * i) for i in range(12)]
    a1, l1 = render(_pattern(hits), procedural_kit(0), np.random.default_rng(9), MixSettings.random(np.random.default_rng(2)))
    a2, l2 = render(_pattern(hits), procedural_kit(0), np.random.default_rng(9), MixSettings.random(np.random.default_rng(2)))
    np.testing.assert_array_equal(a1, a2)
    assert l1 == l2 and a1.dtype == np.float32 and len(a1) == 2 * SR
    back = arrays_to_labels(labels_to_arrays(l1))
    assert [(round(l.time_s, 9), l.cls) for l in back] == [(round(l.time_s, 9), l.cls) for l in l1]


def test_velocity_changes_level() -> None:
    kit = procedural_kit(0)
    soft, _ = render(_pattern([Hit(0.2, "snare_head", 0.2)]), kit, np.random.default_rng(0))
    loud, _ = render(_pattern([Hit(0.2, "snare_head", 1.0)]), kit, np.random.default_rng(0))
    assert np.max(np.abs(loud)) > 2 * np.max(np.abs(soft))


def test_pitched_groups_play_each_hits_own_instrument() -> None:
    """With a group retuned, every hit still sounds its own instrument (a cache once keyed on a temporary
    array's id() played another tom's pitched sample when the allocator reused the address)."""
    from app.training.synth.kit import Instrument, Kit, Layer
    from app.training.synth.render import render_stems

    t = np.arange(int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE
    tone = {"tom_high": 400.0, "tom_floor": 100.0}
    kit = Kit("two-toms", "test", [Instrument(c, c, [Layer(0.0, 1.0, [np.sin(2 * np.pi * f * t).astype(np.float32)])])
                                   for c, f in tone.items()])
    hits = [Hit(0.5 + 0.5 * i, "tom_high" if i % 2 else "tom_floor", 0.8) for i in range(12)]
    pattern = Pattern(hits, 120.0, (4, 4), 7.0, "test", "test")
    mix = MixSettings(group_pitch_st={"toms": 2.0}, soft_darken=False)
    stems, labels = render_stems(pattern, kit, np.random.default_rng(0), mix)
    freqs = np.fft.rfftfreq(4096, 1 / SAMPLE_RATE)
    for lab in labels:
        seg = stems["toms"][int(lab.time_s * SAMPLE_RATE) + 500:][:4096]
        peak_hz = freqs[int(np.argmax(np.abs(np.fft.rfft(seg))))]
        want = tone[lab.cls] * 2 ** (2 / 12)
        assert abs(peak_hz - want) < 0.1 * want, (lab.cls, peak_hz, want)


def test_distant_mics_label_the_onset_where_the_overheads_hear_it() -> None:
    """A 1960s-style kit (close mics far down, full-range overheads): labels move by the overhead delay."""
    from app.training.synth.render import label_offset_s

    mix = MixSettings.distant(np.random.default_rng(3))
    assert mix.close_db <= -10 and mix.overhead_hp_hz <= 120
    assert label_offset_s("kick", mix) == mix.overhead_delay_s > 0
    close = MixSettings(close_db=0.0, overhead_db=-3.0, overhead_delay_s=0.002)
    assert label_offset_s("kick", close) == 0.0 and label_offset_s("crash", close) == 0.002
    assert label_offset_s("kick", MixSettings.dry()) == 0.0


def test_audibility_is_zero_db_alone_and_low_for_a_ghost_under_a_kick_and_snare() -> None:
    kit = procedural_kit(0)
    _, alone = render(_pattern([Hit(0.3, "snare_head", 0.9)]), kit, np.random.default_rng(0))
    assert alone[0].audible_db == pytest.approx(0.0, abs=0.01)
    hits = [Hit(0.3, "kick", 1.0), Hit(0.3, "snare_head", 1.0), Hit(0.3, "tom_floor", 0.02)]
    _, labels = render(_pattern(hits), kit, np.random.default_rng(0))
    by_cls = {l.cls: l.audible_db for l in labels}
    assert by_cls["tom_floor"] < -15.0          # a whisper (-34 dB) under two full strokes
    assert by_cls["snare_head"] > -3.0          # the loudest sound in its upper bands


def test_a_quiet_hihat_under_a_kick_stays_audible_in_its_own_band() -> None:
    hits = [Hit(0.3, "kick", 1.0), Hit(0.3, "hihat_closed", 0.3)]
    _, labels = render(_pattern(hits), procedural_kit(0), np.random.default_rng(0))
    assert {l.cls: l.audible_db for l in labels}["hihat_closed"] > -6.0


def test_snare_buzz_rattles_the_snare_stem_under_kicks_and_is_never_labelled() -> None:
    """SnareBuzz: the snare stem (only) gains high-passed sound at each kick, scaled to the kick, and the
    labels and every other stem are what they are without it (the buzz draws from its own generator)."""
    from app.training.synth.render import SnareBuzz, render_stems

    kit = procedural_kit(0)
    hits = [Hit(0.5, "kick", 1.0), Hit(1.0, "kick", 0.5), Hit(1.5, "snare_head", 0.8)]
    pattern = _pattern(hits, 2.5)
    buzz = SnareBuzz(level_db=-20.0, highpass_hz=3000.0, fade_in_s=0.005, decay_s=0.08, from_toms=False)
    plain, l0 = render_stems(pattern, kit, np.random.default_rng(4), MixSettings.dry())
    rattled, l1 = render_stems(pattern, kit, np.random.default_rng(4), MixSettings.dry(), buzz, np.random.default_rng(9))
    assert [(l.time_s, l.cls) for l in l0] == [(l.time_s, l.cls) for l in l1]
    for g in plain:
        if g != "snare":
            np.testing.assert_array_equal(plain[g], rattled[g])
    diff = rattled["snare"] - plain["snare"]
    spec = np.abs(np.fft.rfft(diff))
    freqs = np.fft.rfftfreq(len(diff), 1 / SR)
    assert spec[freqs > 2000].sum() > 4 * spec[freqs < 1000].sum()
    e = diff ** 2
    first, second = e[int(0.49 * SR):int(0.9 * SR)].sum(), e[int(0.99 * SR):int(1.4 * SR)].sum()
    assert first + second > 0.99 * e.sum() and first > 2 * second > 0   # at the kicks, louder under the louder one
    kick_peak = np.max(np.abs(plain["kick"][int(0.49 * SR):int(0.9 * SR)]))
    assert 10 ** (-26 / 20) < np.max(np.abs(diff)) / kick_peak < 10 ** (-14 / 20)
