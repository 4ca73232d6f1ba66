"""Band parts: the rhythm guitar strikes on the song's grid, the singer's consonants are hi-hat-like noise, both seeded."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.constants import SAMPLE_RATE
from app.training.synth.band_parts import rhythm_guitar_notes, synth_vocal
from app.training.synth.dataset import SynthConfig, render_example
from app.training.synth.pattern import Hit, Pattern

FAST = SynthConfig(duration_s=6.0, kit_weights={"procedural": 1.0}, p_mma=0.0, use_fluidsynth=False,
                   p_accompaniment=1.0, p_augment=0.0, p_mic_mix=0.0)


def _pattern(bpm: float = 120.0, duration_s: float = 8.0) -> Pattern:
    return Pattern(hits=[Hit(0.5, "kick", 0.9)], bpm=bpm, meter=(4, 4), duration_s=duration_s, style="rock",
                   source="test")


def test_rhythm_guitar_strikes_power_chords_on_the_grid() -> None:
    notes = rhythm_guitar_notes(np.random.default_rng(3), _pattern())
    assert len(notes) >= 3 * 8 and len(notes) % 3 == 0
    starts = sorted({round(n.start_s, 3) for n in notes})
    eighth_s = 0.25
    offsets = [((s - 0.5) / (eighth_s / 2)) % 1 for s in starts]    # within 16th-note slots
    assert all(min(o, 1 - o) < 0.15 for o in offsets)
    chord = sorted(n.pitch for n in notes if round(n.start_s, 3) == starts[0])
    assert chord[1] - chord[0] == 7 and chord[2] - chord[0] == 12


def test_vocal_is_seeded_and_has_hihat_band_consonants() -> None:
    v1 = synth_vocal(np.random.default_rng(7), _pattern())
    v2 = synth_vocal(np.random.default_rng(7), _pattern())
    np.testing.assert_array_equal(v1, v2)
    assert len(v1) == 8 * SAMPLE_RATE and np.all(np.isfinite(v1)) and np.abs(v1).max() > 0.01
    spec = np.abs(np.fft.rfft(v1))
    freqs = np.fft.rfftfreq(len(v1), 1 / SAMPLE_RATE)
    assert spec[(freqs > 4500) & (freqs < 11000)].sum() > 0.01 * spec.sum()   # sibilants are there


def test_band_parts_change_only_the_music_and_vanish_at_zero() -> None:
    a0, l0, i0 = render_example(9, FAST)
    np.testing.assert_array_equal(a0, render_example(9, replace(FAST, p_band=0.0))[0])
    a1, l1, i1 = render_example(9, replace(FAST, p_band=1.0))
    np.testing.assert_array_equal(a1, render_example(9, replace(FAST, p_band=1.0))[0])
    assert l1 == l0 and not np.array_equal(a0, a1)
    assert "+vocal" in i1["accompaniment"]["how"] or "+guitar" in i1["accompaniment"]["how"]
    assert "+" not in i0["accompaniment"]["how"]
