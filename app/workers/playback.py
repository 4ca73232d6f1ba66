"""Audio playback, Friture style: the device callback only copies from a ring buffer; the GUI pumps
rendered audio into the buffer and polls the play position on a timer. Qt-free."""
from __future__ import annotations

import threading
from collections import deque
from enum import Enum
from typing import Callable

import numpy as np

BLOCK = 1024          # frames rendered per pump step
AHEAD_S = 0.25        # audio kept ready in the ring buffer
CLICK_S = 0.012


class PlaybackState(Enum):
    OFF = "off"          # no audio device (or no sounddevice): the editor still works
    NO_AUDIO = "no audio"
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class RingBuffer:
    """Single-producer single-consumer ring of stereo float32 frames."""

    def __init__(self, capacity: int) -> None:
        self.data = np.zeros((capacity, 2), dtype=np.float32)
        self.capacity = capacity
        self.written = 0   # total frames written (producer)
        self.read = 0      # total frames read (consumer)

    @property
    def available(self) -> int:
        return self.written - self.read

    def write(self, frames: np.ndarray) -> int:
        n = min(len(frames), self.capacity - self.available)
        start = self.written % self.capacity
        first = min(n, self.capacity - start)
        self.data[start:start + first] = frames[:first]
        self.data[:n - first] = frames[first:n]
        self.written += n
        return n

    def read_into(self, out: np.ndarray) -> int:
        n = min(len(out), self.available)
        start = self.read % self.capacity
        first = min(n, self.capacity - start)
        out[:first] = self.data[start:start + first]
        out[first:n] = self.data[:n - first]
        self.read += n
        return n

    def clear(self) -> None:
        self.read = self.written


def _click(sr: int, freq: float) -> np.ndarray:
    t = np.arange(int(CLICK_S * sr)) / sr
    return (np.sin(2 * np.pi * freq * t) * np.exp(-t * 350)).astype(np.float32)


def _default_stream_factory(sr: int, callback: Callable):
    import sounddevice as sd
    return sd.OutputStream(samplerate=sr, channels=2, dtype="float32", blocksize=BLOCK, callback=callback)


def probe_output_device() -> str | None:
    """None when an output device is there, else why playback is off."""
    try:
        import sounddevice as sd
        sd.query_devices(kind="output")
    except Exception as exc:  # OSError (no PortAudio), PortAudioError / ValueError (no device)
        return f"no audio device ({type(exc).__name__})"
    return None


class PlaybackEngine:
    """Plays song audio with speed (25-100 %, resampled: pitch drops), loop, metronome and hit sounds.

    Thread use: the device thread calls `_callback` (ring buffer only); everything else is the GUI
    thread. `pump()` must be called often (the transport's QTimer does, ~every 15 ms).
    """

    def __init__(self, stream_factory: Callable | None = None, probe: Callable[[], str | None] | None = None) -> None:
        self.sr = 44100
        self.audio = np.zeros((0, 2), dtype=np.float32)
        self.speed = 1.0
        self.loop: tuple[float, float] | None = None
        self.metronome = False
        self.metronome_volume = 0.6
        self.hit_volume = 0.0
        self._beats = (np.zeros(0), np.zeros(0, dtype=bool))
        self._hits = np.zeros(0)
        self._ring = RingBuffer(int(self.sr * 2))
        self._marks: deque[tuple[int, float, float]] = deque()  # (ring frame, source s, speed)
        self._render_s = 0.0
        self._paused_at = 0.0
        self._lock = threading.Lock()
        self._stream = None
        self._stream_factory = stream_factory or _default_stream_factory
        problem = (probe or probe_output_device)() if stream_factory is None else None
        self.reason = f"playback off: {problem}" if problem else ""
        self.state = PlaybackState.OFF if problem else PlaybackState.NO_AUDIO
        self._clicks = {"down": _click(self.sr, 1760.0), "beat": _click(self.sr, 1175.0), "hit": _click(self.sr, 2400.0)}

    @property
    def available(self) -> bool:
        return self.state is not PlaybackState.OFF

    # ---- content ------------------------------------------------------------------------------------
    def set_audio(self, stereo: np.ndarray | None, sr: int = 44100) -> None:
        """(2, n) or (n,) float32 audio; None removes it."""
        self.stop()
        if stereo is None:
            self.audio = np.zeros((0, 2), dtype=np.float32)
        else:
            a = np.asarray(stereo, dtype=np.float32)
            self.audio = np.ascontiguousarray(np.stack([a, a], 1) if a.ndim == 1 else a.T)
        if sr != self.sr:
            self.sr = int(sr)
            self._clicks = {k: _click(self.sr, f) for k, f in (("down", 1760.0), ("beat", 1175.0), ("hit", 2400.0))}
        if self.state is not PlaybackState.OFF:
            self.state = PlaybackState.STOPPED if len(self.audio) else PlaybackState.NO_AUDIO

    def set_beats(self, times_s: np.ndarray, downbeat: np.ndarray) -> None:
        self._beats = (np.asarray(times_s, dtype=np.float64), np.asarray(downbeat, dtype=bool))

    def set_hits(self, times_s: np.ndarray) -> None:
        self._hits = np.asarray(times_s, dtype=np.float64)

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sr

    # ---- transport ----------------------------------------------------------------------------------
    def play(self) -> bool:
        if self.state not in (PlaybackState.STOPPED, PlaybackState.PAUSED):
            return False
        self._restart_at(self._paused_at)
        if self._stream is None:
            try:
                self._stream = self._stream_factory(self.sr, self._callback)
            except Exception as exc:
                self.state, self.reason = PlaybackState.OFF, f"playback off: {exc}"
                return False
        self.pump()
        self._stream.start()
        self.state = PlaybackState.PLAYING
        return True

    def pause(self) -> None:
        if self.state is PlaybackState.PLAYING:
            self._paused_at = self.position_s()
            self._stop_stream()
            self.state = PlaybackState.PAUSED

    def stop(self) -> None:
        if self.state in (PlaybackState.PLAYING, PlaybackState.PAUSED):
            self._stop_stream()
            self.state = PlaybackState.STOPPED

    def seek(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        self._paused_at = seconds
        if self.state is PlaybackState.PLAYING:
            self._restart_at(seconds)

    def set_speed(self, speed: float) -> None:
        pos = self.position_s()
        self.speed = float(min(1.0, max(0.25, speed)))
        if self.state is PlaybackState.PLAYING:
            self._restart_at(pos)

    def set_loop(self, loop: tuple[float, float] | None) -> None:
        self.loop = loop

    def position_s(self) -> float:
        """Source time of the frame the device is playing now."""
        if self.state is not PlaybackState.PLAYING:
            return self._paused_at
        with self._lock:
            consumed = self._ring.read
            mark = None
            for m in self._marks:
                if m[0] <= consumed:
                    mark = m
                else:
                    break
        if mark is None:
            return self._paused_at
        return self._wrap(mark[1] + (consumed - mark[0]) * mark[2] / self.sr)

    def close(self) -> None:
        self._stop_stream()
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:
                pass
            self._stream = None

    # ---- rendering (GUI thread) ------------------------------------------------------------------------
    def pump(self) -> None:
        """Render audio ahead into the ring buffer (call often while playing)."""
        while self._ring.available < AHEAD_S * self.sr and self._ring.capacity - self._ring.available >= BLOCK:
            block = self.render(self._render_s, BLOCK)
            with self._lock:
                self._marks.append((self._ring.written, self._render_s, self.speed))
                while len(self._marks) > 64 and self._marks[1][0] <= self._ring.read:
                    self._marks.popleft()
            self._ring.write(block)
            self._render_s = self._wrap(self._render_s + BLOCK * self.speed / self.sr)
        if self.state is PlaybackState.PLAYING and not self.loop and self.position_s() >= self.duration_s:
            self.pause()
            self._paused_at = self.duration_s

    def render(self, start_s: float, frames: int) -> np.ndarray:
        """`frames` output frames from source time `start_s` at the current speed, with cues mixed in."""
        pos = self._wrap_array(start_s * self.sr + np.arange(frames) * self.speed)
        i = np.floor(pos).astype(np.int64)
        frac = (pos - i)[:, None].astype(np.float32)
        n = len(self.audio)
        valid = (i >= 0) & (i + 1 < n)
        out = np.zeros((frames, 2), dtype=np.float32)
        if n > 1 and valid.any():
            iv = i[valid]
            out[valid] = self.audio[iv] * (1 - frac[valid]) + self.audio[iv + 1] * frac[valid]
        t0, t1 = start_s, start_s + frames * self.speed / self.sr
        if self.metronome and self.metronome_volume > 0:
            times, down = self._beats
            sel = (times >= t0) & (times < t1)
            for t, d in zip(times[sel], down[sel]):
                self._mix(out, self._clicks["down" if d else "beat"], (t - t0) * self.sr / self.speed,
                          self.metronome_volume)
        if self.hit_volume > 0:
            for t in self._hits[(self._hits >= t0) & (self._hits < t1)]:
                self._mix(out, self._clicks["hit"], (t - t0) * self.sr / self.speed, self.hit_volume)
        return out

    @staticmethod
    def _mix(out: np.ndarray, click: np.ndarray, offset: float, volume: float) -> None:
        k = int(offset)
        m = min(len(click), len(out) - k)
        if m > 0:
            out[k:k + m] += click[:m, None] * volume

    def _wrap(self, s: float) -> float:
        if self.loop and s >= self.loop[1]:
            a, b = self.loop
            return a + (s - a) % (b - a)
        return s

    def _wrap_array(self, samples: np.ndarray) -> np.ndarray:
        if not self.loop:
            return samples
        a, b = self.loop[0] * self.sr, self.loop[1] * self.sr
        return np.where(samples >= b, a + (samples - a) % (b - a), samples)

    def _restart_at(self, seconds: float) -> None:
        with self._lock:
            self._ring.clear()
            self._marks.clear()
            self._render_s = seconds
            self._paused_at = seconds

    def _stop_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
            except Exception:
                pass

    # ---- device thread ------------------------------------------------------------------------------------
    def _callback(self, outdata, frames, _time, _status) -> None:
        n = self._ring.read_into(outdata)
        if n < frames:
            outdata[n:] = 0.0
