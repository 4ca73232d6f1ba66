"""Band parts that real mixes have and plain accompaniment lacks: a rhythm guitar and a synthetic singer (44.1 kHz)."""
from __future__ import annotations

import numpy as np
from scipy.signal import butter, fftconvolve, sosfilt

from app.constants import SAMPLE_RATE
from app.training.synth.accompaniment import Note, rms
from app.training.synth.pattern import Pattern

SR = SAMPLE_RATE
GUITAR_PROGRAMS = (29, 30, 30, 29, 27, 25, 28)
"""GM overdriven and distortion guitar (most of them), clean electric, steel acoustic, muted guitar."""
VOWEL_FORMANTS_HZ = {"a": (800, 1150, 2900), "e": (400, 2000, 2700), "i": (300, 2300, 3000),
                     "o": (450, 800, 2830), "u": (325, 700, 2530)}
CONSONANTS = {            # band (Hz), length (ms): noise the tongue and lips make between vowels
    "s": ((4500, 11000), (70, 190)), "sh": ((2000, 7000), (80, 200)), "f": ((1200, 9000), (50, 120)),
    "t": ((2500, 9000), (8, 25)), "k": ((1300, 5000), (12, 30)), "p": ((150, 1500), (8, 20)),
    "ch": ((2500, 8000), (40, 90))}


def _grid_s(pattern: Pattern) -> tuple[float, float, float]:
    """(beat length, bar length, first downbeat) in seconds."""
    beat_s = 60.0 / pattern.bpm
    return beat_s, beat_s * pattern.meter[0] * 4 / pattern.meter[1], pattern.hits[0].time_s if pattern.hits else 0.0


def rhythm_guitar_notes(rng: np.random.Generator, pattern: Pattern) -> list[Note]:
    """Power chords struck on a grid (8ths mostly, palm-muted or ringing), a new chord each bar."""
    beat_s, bar_s, t0 = _grid_s(pattern)
    program = int(rng.choice(GUITAR_PROGRAMS))
    step_beats = float(rng.choice([0.5, 0.5, 0.25, 1.0], p=[0.45, 0.15, 0.25, 0.15]))
    keep = float(rng.uniform(0.6, 1.0))                   # share of grid slots struck
    length = float(rng.uniform(0.3, 0.6) if rng.random() < 0.6 else rng.uniform(0.85, 1.0))
    root, notes, t = int(rng.integers(40, 52)), [], t0
    while t < pattern.duration_s - 1.0:
        chord = root + int(rng.choice([0, 5, 7, 3, 10, -2]))
        mask = rng.random(int(round(bar_s / beat_s / step_beats))) < keep
        mask[0] = True
        for i, on in enumerate(mask):
            if on:
                start = t + i * step_beats * beat_s + float(rng.normal(0, 0.006))
                vel = int(np.clip(rng.normal(100 if i % 2 == 0 else 85, 10), 40, 127))
                for p in (0, 7, 12):
                    notes.append(Note(max(0.0, start), length * step_beats * beat_s, chord + p, vel, program, 3))
        t += bar_s
    return notes


def _band_noise(rng: np.random.Generator, n: int, band_hz: tuple[float, float]) -> np.ndarray:
    hi = min(band_hz[1], SR / 2 * 0.95)
    return sosfilt(butter(4, (band_hz[0], hi), "bandpass", fs=SR, output="sos"), rng.standard_normal(n)).astype(np.float32)


def _vowel(rng: np.random.Generator, f0_hz: np.ndarray, vowel: str, breath: float) -> np.ndarray:
    """A sung vowel on the pitch curve `f0_hz` (one value a sample): a tilted sawtooth through three formants."""
    phase = np.cumsum(f0_hz / SR)
    saw = (2 * (phase % 1.0) - 1).astype(np.float32)
    src = sosfilt(butter(1, 1500, "lowpass", fs=SR, output="sos"), saw) + breath * rng.standard_normal(len(saw))
    out = np.zeros(len(saw), np.float32)
    for f, gain in zip(VOWEL_FORMANTS_HZ[vowel], (1.0, 0.6, 0.35)):
        f = f * float(rng.uniform(0.92, 1.08))
        out += gain * sosfilt(butter(2, (f / 1.15, f * 1.15), "bandpass", fs=SR, output="sos"), src)
    return out


def _consonant(rng: np.random.Generator, peak: float) -> np.ndarray:
    """One consonant of CONSONANTS (drawn), `peak` high: a fricative swells and fades, a stop decays at once."""
    band, (lo_ms, hi_ms) = CONSONANTS[str(rng.choice(list(CONSONANTS)))]
    m = int(float(rng.uniform(lo_ms, hi_ms)) / 1000 * SR)
    burst = _band_noise(rng, m, band)
    k = np.arange(m) / m
    burst *= np.minimum(1, k / 0.2) * np.minimum(1, (1 - k) / 0.3) if m > 2000 else np.exp(-k * 5)
    return burst * peak / (float(np.max(np.abs(burst))) + 1e-9)


def _sing_syllable(rng: np.random.Generator, out: np.ndarray, i0: int, dur_s: float, pitch: int, breath: float,
                   sib_db: float) -> None:
    """Add one sung syllable at sample `i0` to `out`: a vowel with vibrato and a scoop, maybe a consonant before
    it (onset) and after it (coda), `sib_db` against the vowel's peak."""
    n = int(dur_s * SR)
    tt = np.arange(n) / SR
    semis = pitch + float(rng.uniform(0, 0.5)) * np.sin(2 * np.pi * float(rng.uniform(4.5, 6.5)) * tt)
    semis = semis - float(rng.uniform(0, 1.0)) * np.exp(-tt / 0.04)      # scoop into the note
    voice = _vowel(rng, 440 * 2 ** ((semis - 69) / 12), str(rng.choice(list(VOWEL_FORMANTS_HZ))), breath)
    env = np.minimum(1, tt / float(rng.uniform(0.015, 0.05))) * np.clip((dur_s - tt) / 0.06, 0, 1)
    seg = voice * env * float(rng.uniform(0.6, 1.0))
    out[i0:i0 + n] += seg[: max(0, len(out) - i0)]
    peak = float(np.max(np.abs(seg))) + 1e-9
    for where in ("onset", "coda"):
        if rng.random() < (0.55 if where == "onset" else 0.25):
            burst = _consonant(rng, peak * 10 ** (sib_db / 20))
            m = len(burst)
            j = i0 - m if where == "onset" else i0 + n - m // 2
            if 0 <= j < len(out) - m:
                out[j:j + m] += burst


def synth_vocal(rng: np.random.Generator, pattern: Pattern) -> np.ndarray:
    """A singer: phrases of syllables on the song's 8th/quarter grid (pentatonic pitches, vibrato, glides), with
    the sibilants, stops and fricatives between them that sound like hi-hats and snares; a little reverb."""
    beat_s, bar_s, t0 = _grid_s(pattern)
    n_total = int(pattern.duration_s * SR)
    out = np.zeros(n_total + SR, np.float32)
    base = int(rng.integers(50, 64))
    scale = [0, 2, 4, 7, 9, 12, 14]
    breath = float(rng.uniform(0.02, 0.12))
    sib_db = float(rng.uniform(-12, 0))                  # consonant loudness against the vowels
    t = t0 + float(rng.integers(0, 2)) * bar_s
    while t < pattern.duration_s - 1.0:
        phrase_end = min(t + int(rng.integers(1, 4)) * bar_s, pattern.duration_s - 0.5)
        while t < phrase_end:
            dur = float(rng.choice([0.5, 0.5, 1.0, 1.0, 1.5, 2.0])) * beat_s
            start = t + float(rng.normal(0, 0.015))
            n = int(dur * SR)
            if n > 200 and start > 0:
                _sing_syllable(rng, out, int(start * SR), dur, base + int(rng.choice(scale)), breath, sib_db)
            t += dur
        t = phrase_end + float(rng.integers(1, 3)) * bar_s * float(rng.choice([0.5, 1.0]))
    if rng.random() < 0.8:                                 # plate-like tail
        m = int(float(rng.uniform(0.3, 1.5)) * SR)
        ir = rng.standard_normal(m).astype(np.float32) * np.exp(-np.arange(m) / (m / 6.9)).astype(np.float32)
        wet = fftconvolve(out, ir)[: len(out)].astype(np.float32)
        wet *= 10 ** (float(rng.uniform(-14, -6)) / 20) * (rms(out) / rms(wet))
        out = out + wet
    return out[:n_total]
