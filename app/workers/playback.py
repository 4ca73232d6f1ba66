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


def _cue_samples(sr: int) -> dict[str, np.ndarray]:
    from app.audio.hitsounds import hit_samples
    return {**hit_samples(sr), "hit": hit_samples(sr)["down"]}


def _frames(a: np.ndarray) -> np.ndarray:
    """(2, n) or (n,) -> contiguous (n, 2) float32."""
    a = np.asarray(a, dtype=np.float32)
    return np.ascontiguousarray(np.stack([a, a], 1) if a.ndim == 1 else a.T)


def _read(track: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Linear interpolation of (n, 2) `track` at fractional frame positions `pos` (zeros outside)."""
    i = np.floor(pos).astype(np.int64)
    frac = (pos - i)[:, None].astype(np.float32)
    n = len(track)
    valid = (i >= 0) & (i + 1 < n)
    out = np.zeros((len(pos), 2), dtype=np.float32)
    if n > 1 and valid.any():
        iv = i[valid]
        out[valid] = track[iv] * (1 - frac[valid]) + track[iv + 1] * frac[valid]
    return out


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
    """Plays song audio with speed (25-100 %), loop, metronome, per-lane hit sounds and drum-stem mute/solo.

    Speed: pitch is kept when a time-stretched copy for that speed was handed in (`set_stretched`,
    computed off the GUI thread); until then the audio is resampled (pitch drops). Cues (metronome,
    hit sounds) are shifted by `cue_offset_ms` (positive: later). Thread use: the device thread calls
    `_callback` (ring buffer only); everything else is the GUI thread. `pump()` must be called often
    (the transport's QTimer does, ~every 15 ms).
    """

    def __init__(self, stream_factory: Callable | None = None, probe: Callable[[], str | None] | None = None) -> None:
        self.sr = 44100
        self.audio = np.zeros((0, 2), dtype=np.float32)
        self.drums: np.ndarray | None = None   # (n, 2) drum stem inside `audio`, for mute/solo
        self.speed = 1.0
        self.keep_pitch = True
        self.loop: tuple[float, float] | None = None
        self.metronome = False
        self.metronome_volume = 0.6
        self.hit_volume = 0.0
        self.cue_offset_ms = 0.0
        self.muted: set[str] = set()
        self.soloed: set[str] = set()
        self._stretched: dict[float, dict[str, np.ndarray]] = {}
        self._beats = (np.zeros(0), np.zeros(0, dtype=bool))
        self._hits: dict[str, np.ndarray] = {}
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
        self._samples = _cue_samples(self.sr)

    @property
    def available(self) -> bool:
        return self.state is not PlaybackState.OFF

    # ---- content ------------------------------------------------------------------------------------
    def set_audio(self, stereo: np.ndarray | None, sr: int = 44100, drums: np.ndarray | None = None) -> None:
        """(2, n) or (n,) float32 audio; None removes it. `drums`: the drum stem's share of it, same shape."""
        self.stop()
        self.audio = _frames(stereo) if stereo is not None else np.zeros((0, 2), dtype=np.float32)
        self.drums = _frames(drums) if drums is not None else None
        if self.drums is not None and len(self.drums) != len(self.audio):
            pad = max(0, len(self.audio) - len(self.drums))
            self.drums = np.pad(self.drums, ((0, pad), (0, 0)))[:len(self.audio)]
        self._stretched.clear()
        if sr != self.sr:
            self.sr = int(sr)
            self._samples = _cue_samples(self.sr)
        if self.state is not PlaybackState.OFF:
            self.state = PlaybackState.STOPPED if len(self.audio) else PlaybackState.NO_AUDIO

    def tracks(self) -> dict[str, np.ndarray]:
        """What a time-stretch must cover: the mix, and the drum stem when there is one."""
        return {"mix": self.audio, **({"drums": self.drums} if self.drums is not None else {})}

    def needs_stretch(self) -> float | None:
        """The speed whose pitch-kept copy is missing (None when none is needed)."""
        if self.keep_pitch and self.speed < 1.0 and len(self.audio) and self.speed not in self._stretched:
            return self.speed
        return None

    def set_stretched(self, speed: float, tracks: dict[str, np.ndarray]) -> None:
        """A pitch-kept copy of `tracks()` at `speed` (each round(n / speed) frames); keeps the two latest."""
        pos = self.position_s()
        self._stretched[float(speed)] = tracks
        while len(self._stretched) > 2:
            self._stretched.pop(next(k for k in self._stretched if k != speed))
        if self.state is PlaybackState.PLAYING and speed == self.speed:
            self._restart_at(pos)

    @property
    def has_stems(self) -> bool:
        return self.drums is not None

    def set_muted(self, track: str, on: bool) -> None:
        """Mute "drums" or "rest" (everything but the drum stem)."""
        (self.muted.add if on else self.muted.discard)(track)

    def set_soloed(self, track: str, on: bool) -> None:
        (self.soloed.add if on else self.soloed.discard)(track)

    def gains(self) -> tuple[float, float]:
        """(drums, rest) gains from mute and solo: a soloed track plays alone; solo beats mute."""
        def gain(name: str) -> float:
            if self.soloed:
                return 1.0 if name in self.soloed else 0.0
            return 0.0 if name in self.muted else 1.0
        return gain("drums"), gain("rest")

    def set_beats(self, times_s: np.ndarray, downbeat: np.ndarray) -> None:
        self._beats = (np.asarray(times_s, dtype=np.float64), np.asarray(downbeat, dtype=bool))

    def set_hits(self, times_s: np.ndarray, sounds=None) -> None:
        """Note times (audio s) and, per note, a hit-sound name (app.audio.hitsounds); None: one click for all."""
        times = np.asarray(times_s, dtype=np.float64)
        names = np.asarray(["hit"] * len(times) if sounds is None else list(sounds), dtype=object)
        self._hits = {str(k): np.sort(times[names == k]) for k in set(names.tolist())}

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
        src = self._wrap_array(start_s * self.sr + np.arange(frames) * self.speed)  # source frame positions
        stretched = self._stretched.get(self.speed) if self.speed < 1.0 and self.keep_pitch else None
        tracks, scale = (stretched, 1.0 / self.speed) if stretched else (self.tracks(), 1.0)
        pos = src * scale
        out = _read(tracks["mix"], pos)
        g_drums, g_rest = self.gains()
        if "drums" in tracks and (g_drums, g_rest) != (1.0, 1.0):
            d = _read(tracks["drums"], pos)
            out = (out - d) * g_rest + d * g_drums
        t0, t1 = start_s, start_s + frames * self.speed / self.sr
        if self.metronome and self.metronome_volume > 0:
            times, down = self._beats
            for kind, sel in (("down", down), ("beat", ~down)):
                self._mix_cues(out, times[sel], self._samples[kind], t0, t1, self.metronome_volume)
        if self.hit_volume > 0:
            for name, times in self._hits.items():
                self._mix_cues(out, times, self._samples.get(name, self._samples["hit"]), t0, t1, self.hit_volume)
        return out

    def _mix_cues(self, out: np.ndarray, times: np.ndarray, sample: np.ndarray, t0: float, t1: float,
                  volume: float) -> None:
        """Mix `sample` at each cue time (shifted by cue_offset_ms, in wall time) that sounds in this block."""
        off_s = self.cue_offset_ms / 1000.0 * self.speed   # wall-clock offset as source time
        tail_s = len(sample) * self.speed / self.sr
        lo, hi = np.searchsorted(times, [t0 - off_s - tail_s, t1 - off_s])
        for t in times[lo:hi]:
            self._mix(out, sample, (t + off_s - t0) * self.sr / self.speed, volume)

    @staticmethod
    def _mix(out: np.ndarray, click: np.ndarray, offset: float, volume: float) -> None:
        k = int(np.floor(offset + 0.5))  # nearest frame: the same in every block split
        a = max(0, -k)
        m = min(len(click), len(out) - k)
        if m > a:
            out[k + a:k + m] += click[a:m, None] * volume

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
