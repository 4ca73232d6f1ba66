"""Playback engine without a device: ring buffer, rendering, position, loop and the 'off' state."""
from __future__ import annotations

import numpy as np
import pytest

from app.workers.playback import BLOCK, PlaybackEngine, PlaybackState, RingBuffer


class FakeStream:
    """Stands in for sounddevice.OutputStream: the test pulls blocks through the callback."""

    def __init__(self, sr, callback):
        self.callback, self.started = callback, False

    def start(self):
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        pass

    def pull(self, frames=BLOCK):
        out = np.zeros((frames, 2), dtype=np.float32)
        self.callback(out, frames, None, None)
        return out


def _engine():
    streams = []
    eng = PlaybackEngine(stream_factory=lambda sr, cb: streams.append(FakeStream(sr, cb)) or streams[-1])
    ramp = np.linspace(0, 1, 44100 * 4, dtype=np.float32)
    eng.set_audio(np.stack([ramp, ramp]), 44100)
    return eng, streams


def test_no_device_means_off():
    eng = PlaybackEngine(probe=lambda: "no audio device (test)")
    eng.set_audio(np.zeros((2, 100), np.float32))
    assert eng.state is PlaybackState.OFF and not eng.play()
    assert eng.reason == "playback off: no audio device (test)"


def test_ring_buffer_wraps():
    rb = RingBuffer(8)
    assert rb.write(np.ones((6, 2), np.float32)) == 6
    out = np.zeros((4, 2), np.float32)
    assert rb.read_into(out) == 4
    assert rb.write(np.full((6, 2), 2, np.float32)) == 6
    out = np.zeros((8, 2), np.float32)
    assert rb.read_into(out) == 8 and out[:2, 0].tolist() == [1, 1] and out[2:, 0].tolist() == [2] * 6


def test_play_position_follows_the_consumed_frames():
    eng, streams = _engine()
    eng.seek(1.0)
    assert eng.play() and streams[0].started
    first = streams[0].pull()
    assert first[0, 0] == pytest.approx(0.25, abs=1e-3)  # the ramp at 1 s of 4 s
    assert eng.position_s() == pytest.approx(1.0 + BLOCK / 44100, abs=1e-6)
    eng.pause()
    assert eng.state is PlaybackState.PAUSED


def test_half_speed_and_loop():
    eng, streams = _engine()
    eng.set_speed(0.5)
    eng.set_loop((1.0, 1.02))
    eng.seek(1.0)
    eng.play()
    for _ in range(3):
        streams[0].pull()
        eng.pump()
    assert 1.0 <= eng.position_s() < 1.02


def test_metronome_clicks_are_mixed_in():
    eng, _ = _engine()
    eng.set_audio(np.zeros((2, 44100), np.float32))
    eng.set_beats(np.array([0.01]), np.array([True]))
    eng.metronome = True
    block = eng.render(0.0, 2048)
    assert np.abs(block[441:441 + 200]).max() > 0.1 and np.abs(block[:400]).max() == 0
