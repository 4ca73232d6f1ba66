"""Seeded audio augmentations as plain functions of (audio float32 mono 44.1 kHz, parameters)."""
from __future__ import annotations

import io

import numpy as np
from scipy import ndimage, signal

from app.constants import SAMPLE_RATE

SR = SAMPLE_RATE


def _f32(x: np.ndarray) -> np.ndarray:
    return np.nan_to_num(np.asarray(x, np.float32), nan=0.0, posinf=0.0, neginf=0.0)


def gain_db(x: np.ndarray, db: float) -> np.ndarray:
    return _f32(x * 10 ** (db / 20))


def biquad(kind: str, hz: float, gain_db_: float = 0.0, q: float = 0.707) -> tuple[np.ndarray, np.ndarray]:
    """RBJ cookbook biquad (b, a): kind in lowshelf, highshelf, peak, highpass, lowpass."""
    a_ = 10 ** (gain_db_ / 40)
    w = 2 * np.pi * min(hz, SR * 0.45) / SR
    cw, alpha = np.cos(w), np.sin(w) / (2 * q)
    if kind == "peak":
        b = [1 + alpha * a_, -2 * cw, 1 - alpha * a_]
        a = [1 + alpha / a_, -2 * cw, 1 - alpha / a_]
    elif kind in ("lowshelf", "highshelf"):
        s = 1 if kind == "lowshelf" else -1
        sq = 2 * np.sqrt(a_) * alpha
        b = [a_ * ((a_ + 1) - s * (a_ - 1) * cw + sq), s * 2 * a_ * ((a_ - 1) - s * (a_ + 1) * cw),
             a_ * ((a_ + 1) - s * (a_ - 1) * cw - sq)]
        a = [(a_ + 1) + s * (a_ - 1) * cw + sq, -s * 2 * ((a_ - 1) + s * (a_ + 1) * cw),
             (a_ + 1) + s * (a_ - 1) * cw - sq]
    elif kind == "highpass":
        b = [(1 + cw) / 2, -(1 + cw), (1 + cw) / 2]
        a = [1 + alpha, -2 * cw, 1 - alpha]
    else:
        b = [(1 - cw) / 2, 1 - cw, (1 - cw) / 2]
        a = [1 + alpha, -2 * cw, 1 - alpha]
    return np.array(b) / a[0], np.array(a) / a[0]


def apply_filter(x: np.ndarray, kind: str, hz: float, gain_db_: float = 0.0, q: float = 0.707) -> np.ndarray:
    b, a = biquad(kind, hz, gain_db_, q)
    return _f32(signal.lfilter(b, a, x))


def random_eq(x: np.ndarray, rng: np.random.Generator, max_db: float = 8.0) -> np.ndarray:
    """Low shelf, high shelf and one peak with random frequencies and gains."""
    x = apply_filter(x, "lowshelf", rng.uniform(60, 300), rng.uniform(-max_db, max_db))
    x = apply_filter(x, "highshelf", rng.uniform(2000, 10000), rng.uniform(-max_db, max_db))
    return apply_filter(x, "peak", np.exp(rng.uniform(np.log(150), np.log(8000))),
                        rng.uniform(-max_db, max_db), rng.uniform(0.5, 3))


def compress(x: np.ndarray, threshold_db: float = -20.0, ratio: float = 4.0, attack_s: float = 0.003,
             release_s: float = 0.1, makeup_db: float = 0.0) -> np.ndarray:
    """Feed-forward compressor: peak-held envelope (attack window), one-pole release."""
    env = ndimage.maximum_filter1d(np.abs(x), max(1, int(attack_s * SR)), origin=0)
    k = np.exp(-1 / (release_s * SR))
    env = signal.lfilter([1 - k], [1, -k], env)
    env = np.maximum(env, 1e-9)
    thr = 10 ** (threshold_db / 20)
    g = np.where(env > thr, (env / thr) ** (1 / ratio - 1), 1.0)
    return _f32(x * g * 10 ** (makeup_db / 20))


def reverb_ir(rng: np.random.Generator, rt_s: float, predelay_s: float = 0.01, damping: float = 0.5) -> np.ndarray:
    """Synthetic room impulse response: sparse early reflections + exponentially decaying noise
    tail that darkens with time (RT60 = rt_s). Direct sound excluded (index 0 is the first reflection)."""
    n = int((rt_s * 1.2 + predelay_s) * SR)
    t = np.arange(n) / SR
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt_s)
    dark = signal.lfilter(*biquad("lowpass", 2500), tail)
    mix = np.clip(t / max(rt_s, 1e-3) * (1 + damping), 0, 1)
    ir = (1 - mix) * tail + mix * dark
    for _ in range(int(rng.integers(4, 12))):
        i = int(rng.uniform(0.002, 0.04) * SR)
        if i < n:
            ir[i] += rng.uniform(-1, 1) * 3
    ir[: int(predelay_s * SR)] = 0
    return _f32(ir / (np.sqrt(np.sum(ir ** 2)) + 1e-9))


def reverb(x: np.ndarray, rng: np.random.Generator, rt_s: float | None = None, wet_db: float | None = None) -> np.ndarray:
    """Room reverb (RT 0.15-1.5 s) added under the dry signal: onsets stay where they were."""
    rt_s = float(rt_s if rt_s is not None else rng.uniform(0.15, 1.5))
    wet_db = float(wet_db if wet_db is not None else rng.uniform(-18, -4))
    ir = reverb_ir(rng, rt_s, rng.uniform(0.002, 0.025))
    wet = signal.oaconvolve(x, ir)[: len(x)]
    return _f32(x + wet * 10 ** (wet_db / 20))


def gated_reverb(x: np.ndarray, rng: np.random.Generator, gate_s: float | None = None,
                 wet_db: float | None = None) -> np.ndarray:
    """1980s gated reverb: a dense, flat tail cut abruptly after `gate_s` (snare stems)."""
    gate_s = float(gate_s if gate_s is not None else rng.uniform(0.12, 0.4))
    wet_db = float(wet_db if wet_db is not None else rng.uniform(-6, 3))
    n = int(gate_s * SR)
    t = np.arange(n) / SR
    env = np.exp(-t / (gate_s * 2)) * np.clip((gate_s - t) / 0.01, 0, 1)
    ir = signal.lfilter(*biquad("highpass", 300), rng.standard_normal(n)) * env
    ir[: int(0.003 * SR)] = 0
    ir /= np.sqrt(np.sum(ir ** 2)) + 1e-9
    return _f32(x + signal.oaconvolve(x, ir)[: len(x)] * 10 ** (wet_db / 20))


def pitch_shift(x: np.ndarray, semitones: float) -> np.ndarray:
    """Resample a one-shot so it plays `semitones` higher (and shorter); attack stays at the start."""
    if abs(semitones) < 1e-3:
        return x
    import soxr

    return _f32(soxr.resample(x, SR * 2 ** (semitones / 12), SR))


def saturate(x: np.ndarray, drive_db: float = 6.0) -> np.ndarray:
    """tanh saturation at `drive_db` input gain, output peak level kept."""
    d = 10 ** (drive_db / 20)
    peak = float(np.max(np.abs(x))) + 1e-9
    return _f32(np.tanh(x * d / peak) / np.tanh(d) * peak)


def add_noise(x: np.ndarray, rng: np.random.Generator, snr_db: float = 40.0, color: str = "pink") -> np.ndarray:
    """White or pink noise at `snr_db` below the signal's RMS."""
    n = rng.standard_normal(len(x))
    if color == "pink":
        n = signal.lfilter([0.049922, -0.095993, 0.050612, -0.004408], [1, -2.494956, 2.017265, -0.522189], n)
    rms = np.sqrt(np.mean(x ** 2)) + 1e-9
    n *= rms * 10 ** (-snr_db / 20) / (np.sqrt(np.mean(n ** 2)) + 1e-12)
    return _f32(x + n)


def codec_roundtrip(x: np.ndarray, fmt: str = "ogg", quality: float = 0.3) -> np.ndarray:
    """Encode and decode through a lossy codec (ogg vorbis, or mp3 with its delay removed)."""
    import soundfile as sf

    buf = io.BytesIO()
    fmt_ = "OGG" if fmt == "ogg" else "MP3"
    sub = "VORBIS" if fmt == "ogg" else "MPEG_LAYER_III"
    from app.audio.decode import write_chunked
    write_chunked(buf, np.clip(x, -1, 1).astype(np.float32), SR, format=fmt_, subtype=sub,
                  compression_level=float(np.clip(1 - quality, 0, 1)))
    buf.seek(0)
    y, _ = sf.read(buf, dtype="float32")
    y = y.reshape(len(y), -1).mean(axis=1)
    if fmt != "ogg":
        y = y[MP3_DELAY:]
    out = np.zeros(len(x), np.float32)
    out[: min(len(x), len(y))] = y[: len(x)]
    return out


MP3_DELAY = 0
"""Samples by which libsndfile's mp3 round trip delays audio (measured in the tests)."""


def normalize_loudness(x: np.ndarray, target_db: float = -20.0, peak_db: float = -1.0) -> np.ndarray:
    """Scale to a gated RMS of `target_db` dBFS (400 ms blocks, quiet blocks ignored), peak-limited."""
    block = int(0.4 * SR)
    if len(x) >= block:
        rms = np.sqrt(np.mean(x[: len(x) // block * block].reshape(-1, block) ** 2, axis=1))
        loud = rms[rms > rms.max() * 0.1] if rms.max() > 0 else rms
        level = float(np.sqrt(np.mean(loud ** 2)))
    else:
        level = float(np.sqrt(np.mean(x ** 2)))
    if level <= 0:
        return _f32(x)
    y = x * 10 ** (target_db / 20) / level
    peak = float(np.max(np.abs(y)))
    limit = 10 ** (peak_db / 20)
    return _f32(y * (limit / peak if peak > limit else 1.0))


def vintage(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """A 1960s-style record: narrow band (high-pass 60-150 Hz, low-pass 5-9 kHz), tape saturation, hiss."""
    kw = {"highpass_hz": float(rng.uniform(60, 150)), "lowpass_hz": float(rng.uniform(5000, 9000)),
          "saturate_db": float(rng.uniform(4, 14)), "hiss_snr_db": float(rng.uniform(30, 50))}
    x = apply_filter(x, "highpass", kw["highpass_hz"])
    x = apply_filter(apply_filter(x, "lowpass", kw["lowpass_hz"]), "lowpass", kw["lowpass_hz"])
    x = saturate(x, kw["saturate_db"])
    return add_noise(x, rng, kw["hiss_snr_db"], "white"), kw


def random_chain(x: np.ndarray, rng: np.random.Generator, strength: float = 1.0,
                 p_vintage: float = 0.0) -> tuple[np.ndarray, dict]:
    """A random mix-bus chain (each step with some probability); returns audio and what was applied.
    `p_vintage` > 0 adds a chance of `vintage` first (no draw at 0, so older seeds render as before)."""
    info: dict = {}
    if p_vintage > 0 and rng.random() < p_vintage:
        x, info["vintage"] = vintage(x, rng)
    if rng.random() < 0.6 * strength:
        x = random_eq(x, rng)
        info["eq"] = True
    if rng.random() < 0.2 * strength:  # band-limited masters (old recordings, lossy encodes cut at 11-17 kHz)
        info["lowpass_hz"] = float(rng.uniform(11000, 17000))
        x = apply_filter(apply_filter(x, "lowpass", info["lowpass_hz"]), "lowpass", info["lowpass_hz"])
    if rng.random() < 0.4 * strength:
        kw = dict(threshold_db=float(rng.uniform(-30, -10)), ratio=float(rng.uniform(2, 8)),
                  attack_s=float(rng.uniform(0.001, 0.02)), release_s=float(rng.uniform(0.05, 0.3)))
        x = compress(x / (np.max(np.abs(x)) + 1e-9), **kw)
        info["compress"] = kw
    if rng.random() < 0.5 * strength:
        info["reverb_rt_s"] = float(rng.uniform(0.15, 1.5))
        x = reverb(x, rng, info["reverb_rt_s"])
    if rng.random() < 0.25 * strength:
        info["saturate_db"] = float(rng.uniform(2, 12))
        x = saturate(x, info["saturate_db"])
    if rng.random() < 0.3 * strength:
        info["noise_snr_db"] = float(rng.uniform(25, 60))
        x = add_noise(x, rng, info["noise_snr_db"], "pink" if rng.random() < 0.5 else "white")
    x = normalize_loudness(x, float(rng.uniform(-26, -14)))
    if rng.random() < 0.15 * strength:
        info["codec"] = "ogg"
        x = codec_roundtrip(x, "ogg", float(rng.uniform(0.1, 0.6)))
    return x, info
