"""Playback extras: pitch-kept time-stretch, per-lane hit sounds with a latency offset, drum-stem mute/solo."""
from __future__ import annotations

import numpy as np
import pytest

from app.audio.hitsounds import LANE_SOUND, SOUNDS, hit_samples, sound_for
from app.audio.timestretch import time_stretch
from app.domain.lanes import Lane
from app.workers.playback import PlaybackEngine

SR = 22050


def _dominant_hz(x: np.ndarray, sr: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / sr)[np.argmax(spec)])


@pytest.mark.parametrize("speed", [0.5, 0.75])
def test_time_stretch_keeps_length_ratio_and_pitch(speed):
    t = np.arange(int(1.0 * SR)) / SR
    sine = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    out = time_stretch(np.stack([sine, sine], 1), speed)
    assert out.shape == (round(len(sine) / speed), 2)
    mid = out[len(out) // 4: 3 * len(out) // 4, 0]
    assert _dominant_hz(mid, SR) == pytest.approx(440.0, rel=0.02)


def test_time_stretch_can_be_cancelled():
    from app.domain.progress import Cancelled
    with pytest.raises(Cancelled):
        time_stretch(np.zeros((1000, 2), np.float32), 0.5, should_cancel=lambda: True)


def _engine(seconds=2.0, drums=None):
    eng = PlaybackEngine(stream_factory=lambda sr, cb: None)
    mix = np.zeros((2, int(seconds * 44100)), np.float32)
    eng.set_audio(mix if drums is None else mix + drums, 44100, drums=drums)
    return eng


def test_stretched_copy_is_used_at_slow_speed():
    t = np.arange(44100) / 44100
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    eng = PlaybackEngine(stream_factory=lambda sr, cb: None)
    eng.set_audio(np.stack([tone, tone]), 44100)
    eng.set_speed(0.5)
    assert eng.needs_stretch() == 0.5
    resampled = eng.render(0.2, 8192)[:, 0]
    assert _dominant_hz(resampled, 44100) == pytest.approx(220, rel=0.03)  # pitch drops until stretched
    eng.set_stretched(0.5, {k: time_stretch(v, 0.5) for k, v in eng.tracks().items()})
    assert eng.needs_stretch() is None
    kept = eng.render(0.2, 8192)[:, 0]
    assert _dominant_hz(kept, 44100) == pytest.approx(440, rel=0.02)


def test_hit_sounds_are_distinct_per_lane():
    samples = hit_samples(44100)
    assert set(LANE_SOUND.values()) == set(SOUNDS)
    assert sound_for(Lane.KICK, False) == "kick" and sound_for(Lane.GREEN, True) == "crash"
    assert sound_for(Lane.RED, True) == "snare"  # a red 'cymbal' cannot exist: snare
    spectra = {n: _dominant_hz(np.pad(samples[n], (0, 8192 - len(samples[n]) % 8192)), 44100) for n in SOUNDS}
    assert spectra["kick"] < 200 < spectra["hihat"] and spectra["tom_floor"] < spectra["tom_high"]
    assert len({s.tobytes() for s in samples.values()}) == len(samples)


@pytest.mark.parametrize("offset_ms", [0.0, 30.0, -20.0])
def test_hit_sounds_mixed_at_note_times_with_latency_offset(offset_ms):
    eng = _engine()
    eng.hit_volume = 1.0
    eng.cue_offset_ms = offset_ms
    eng.set_hits(np.array([0.5, 1.0]), ["kick", "snare"])
    out = eng.render(0.0, 44100 * 2)[:, 0]
    onsets = np.flatnonzero(np.abs(out) > 1e-3)
    first = onsets[0]
    second = onsets[onsets > 0.75 * 44100][0]
    shift = int(round(offset_ms / 1000 * 44100))
    assert abs(first - (22050 + shift)) <= 2 and abs(second - (44100 + shift)) <= 2
    kick = hit_samples(44100)["kick"]
    assert np.allclose(out[first:first + 100], kick[:100], atol=1e-4) or abs(first - 22050 - shift) <= 2


def test_hit_sound_tail_crosses_block_boundaries():
    eng = _engine()
    eng.hit_volume = 1.0
    eng.set_hits(np.array([0.5]), ["crash"])
    whole = eng.render(0.0, 44100)
    blocks = np.concatenate([eng.render(k * 1024 / 44100, 1024) for k in range(44100 // 1024 + 1)])[:44100]
    assert np.allclose(whole, blocks, atol=1e-4)


def test_mute_and_solo_of_drum_stem():
    n = 44100
    drums = np.full((2, n), 0.25, np.float32)
    eng = PlaybackEngine(stream_factory=lambda sr, cb: None)
    eng.set_audio(drums + 0.5, 44100, drums=drums)  # rest = 0.5, drums = 0.25
    assert eng.has_stems
    level = lambda: float(eng.render(0.1, 256)[:, 0].mean())  # noqa: E731
    assert level() == pytest.approx(0.75)
    eng.set_muted("drums", True)
    assert level() == pytest.approx(0.5)
    eng.set_soloed("drums", True)  # solo wins over mute
    assert level() == pytest.approx(0.25)
    eng.set_soloed("drums", False)
    eng.set_muted("drums", False)
    eng.set_muted("rest", True)
    assert level() == pytest.approx(0.25)
    eng.set_soloed("rest", True)
    assert level() == pytest.approx(0.5)


def test_no_stems_means_no_mute_controls(qtbot):
    from app.ui.mix_controls import MixControls
    eng = PlaybackEngine(probe=lambda: "no audio device (test)")
    eng.set_audio(np.zeros((2, 1000), np.float32))
    mix = MixControls(eng)
    qtbot.addWidget(mix)
    assert not any(b.isEnabled() for b in mix.buttons.values())
    eng.set_audio(np.zeros((2, 1000), np.float32), drums=np.zeros((2, 1000), np.float32))
    mix.refresh()
    assert all(b.isEnabled() for b in mix.buttons.values())
    mix.buttons[("drums", "solo")].setChecked(True)
    assert eng.soloed == {"drums"}


def test_stretch_controller_fills_engine_off_thread(qtbot):
    from app.ui.mix_controls import StretchController
    eng = PlaybackEngine(stream_factory=lambda sr, cb: None)
    eng.set_audio(np.zeros((2, 4410), np.float32), 44100, drums=np.zeros((2, 4410), np.float32))
    eng.set_speed(0.25)
    ctl = StretchController(eng)
    with qtbot.waitSignal(ctl.ready, timeout=20000):
        assert ctl.request()
    assert eng.needs_stretch() is None and set(eng._stretched[0.25]) == {"mix", "drums"}
    assert len(eng._stretched[0.25]["mix"]) == 4410 * 4
