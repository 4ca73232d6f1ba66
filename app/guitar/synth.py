"""Synthetic guitar recordings for tests and demos: plucked notes, natural harmonics and dead notes, with metadata."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

from app.guitar.labels import CLASSES
from app.guitar.metadata import write_metadata_csv

OPEN_STRINGS_MIDI = (40, 45, 50, 55, 59, 64)
"""E2 A2 D3 G3 B3 E4, string 6 (low E) to string 1."""
HARMONIC_NODES = {12: 2, 7: 3, 5: 4}
"""Fret of a natural-harmonic node -> which partial of the open string sounds."""
RELEASE_S = 0.03


def midi_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def karplus_strong(rng: np.random.Generator, f0_hz: float, t60_s: float, brightness: float, n: int,
                   sr: int) -> np.ndarray:
    """Plucked string: a filtered noise burst circulating in a delay line of one period (vectorised IIR).

    brightness in (0, 1): 1 keeps the burst's highs and a light loop filter, 0 dulls both.
    """
    delay = max(2, int(round(sr / f0_hz)))
    burst = rng.uniform(-1, 1, delay)
    pole = 0.9 * (1.0 - brightness)
    burst = lfilter([1 - pole], [1, -pole], burst)
    excitation = np.zeros(n)
    excitation[:delay] = burst - burst.mean()
    gain = 10.0 ** (-3.0 / (t60_s * f0_hz))  # -60 dB after t60_s
    s = 0.5 + 0.45 * brightness  # loop filter: s*y[n-N] + (1-s)*y[n-N-1]
    a = np.zeros(delay + 2)
    a[0], a[delay], a[delay + 1] = 1.0, -gain * s, -gain * (1 - s)
    y = lfilter([1.0], a, excitation)
    return y / (np.max(np.abs(y)) + 1e-12)


def _release(y: np.ndarray, held: int, sr: int) -> np.ndarray:
    fade = int(RELEASE_S * sr)
    out = y[:held + fade].copy()
    out[held:] *= np.linspace(1.0, 0.0, len(out) - held)
    return out


@dataclass(frozen=True)
class SynthNote:
    label: str
    audio: np.ndarray
    duration_s: float  # onset to annotated offset
    pitch_midi: int
    string_number: int
    fret_number: int


def general_note(rng: np.random.Generator, sr: int, bright: float) -> SynthNote:
    string = int(rng.integers(1, 7))
    fret = int(rng.integers(0, 16))
    midi = OPEN_STRINGS_MIDI[6 - string] + fret
    held_s = float(rng.uniform(0.35, 2.0))
    t60 = float(rng.uniform(0.8, 3.5))
    b = float(np.clip(bright + rng.normal(0, 0.12), 0.05, 0.95))
    y = karplus_strong(rng, midi_hz(midi), t60, b, int((held_s + RELEASE_S) * sr) + 1, sr)
    return SynthNote("general_note", _release(y, int(held_s * sr), sr), held_s, midi, string, fret)


def harmonic_note(rng: np.random.Generator, sr: int, bright: float) -> SynthNote:
    """Natural harmonic: the open string's fundamental suppressed, a few partials of the node's tone, slow decay."""
    string = int(rng.integers(1, 7))
    fret = int(rng.choice(list(HARMONIC_NODES)))
    k = HARMONIC_NODES[fret]
    open_midi = OPEN_STRINGS_MIDI[6 - string]
    f_h = midi_hz(open_midi) * k
    held_s = float(rng.uniform(0.9, 3.5))
    n = int((held_s + RELEASE_S) * sr) + 1
    t = np.arange(n) / sr
    y = np.zeros(n)
    for j in range(1, int(rng.integers(2, 5)) + 1):
        if f_h * j >= sr / 2 * 0.9:
            break
        amp = (1.0 if j == 1 else rng.uniform(0.1, 0.6) / j) * (0.6 + 0.8 * bright if j > 1 else 1.0)
        t60 = rng.uniform(2.0, 6.0) / j ** 0.5
        y += amp * np.sin(2 * np.pi * f_h * j * t + rng.uniform(0, 2 * np.pi)) * 10.0 ** (-3.0 * t / t60)
    attack = int(0.004 * sr)
    y[:attack] *= np.linspace(0, 1, attack)
    tick = rng.standard_normal(int(0.006 * sr)) * np.exp(-np.arange(int(0.006 * sr)) / (0.0015 * sr))
    y[:len(tick)] += 0.05 * tick
    y += 10.0 ** (rng.uniform(-40, -30) / 20) * karplus_strong(rng, midi_hz(open_midi), 1.0, bright, n, sr)
    y /= np.max(np.abs(y)) + 1e-12
    pitch = int(round(open_midi + 12 * np.log2(k)))
    return SynthNote("harmonic", _release(y, int(held_s * sr), sr), held_s, pitch, string, fret)


def dead_note(rng: np.random.Generator, sr: int, bright: float) -> SynthNote:
    """Dead (muted) note: a short damped noisy burst with a faint, quickly dying pitched component."""
    string = int(rng.integers(1, 7))
    fret = int(rng.integers(0, 13))
    midi = OPEN_STRINGS_MIDI[6 - string] + fret
    held_s = float(rng.uniform(0.08, 0.35))
    n = int((held_s + RELEASE_S) * sr) + 1
    centre = float(rng.uniform(250, 2500))
    sos = butter(2, [centre / 1.6, min(centre * 1.6, sr / 2 * 0.95)], btype="band", fs=sr, output="sos")
    burst = sosfilt(sos, rng.standard_normal(n)) * np.exp(-np.arange(n) / (rng.uniform(0.01, 0.04) * sr))
    burst /= np.max(np.abs(burst)) + 1e-12
    pitched = karplus_strong(rng, midi_hz(midi), float(rng.uniform(0.04, 0.15)), bright * 0.5, n, sr)
    y = burst + 10.0 ** (rng.uniform(-14, -6) / 20) * pitched
    y /= np.max(np.abs(y)) + 1e-12
    return SynthNote("dead_note", _release(y, int(held_s * sr), sr), held_s, midi, string, fret)


RENDERERS = {"harmonic": harmonic_note, "dead_note": dead_note, "general_note": general_note}
STYLES = {"harmonic": "HA", "dead_note": "DN", "general_note": "NO"}


def render_recording(rng: np.random.Generator, n_notes: int, sr: int) -> tuple[np.ndarray, list[dict]]:
    """One "recording": n_notes notes of mixed classes, one after another, with its own tone, level and noise floor."""
    bright = float(rng.uniform(0.2, 0.8))
    level_db = float(rng.uniform(-14, -4))
    mix = rng.dirichlet([3.0, 3.0, 3.0])
    labels = list(CLASSES) + list(rng.choice(CLASSES, size=max(n_notes - 3, 0), p=mix))
    rng.shuffle(labels)
    pieces, rows, t = [np.zeros(int(0.2 * sr))], [], 0.2
    for i, label in enumerate(labels[:n_notes]):
        note = RENDERERS[label](rng, sr, bright)
        gain = 10.0 ** ((level_db + rng.uniform(-6, 6) - (4 if label == "dead_note" else 0)) / 20)
        pieces.append(note.audio * gain)
        gap = np.zeros(int(rng.uniform(0.12, 0.5) * sr))
        pieces.append(gap)
        rows.append({"event_index": i, "onset_sec": round(t, 6), "offset_sec": round(t + note.duration_s, 6),
                     "duration_sec": round(note.duration_s, 6), "pitch_midi": note.pitch_midi,
                     "string_number": note.string_number, "fret_number": note.fret_number,
                     "excitation_style": "MU" if label == "dead_note" else "PK",
                     "expression_style": STYLES[label], "label_category": label,
                     **{f"is_{c}": c == label for c in CLASSES}})
        t += (len(note.audio) + len(gap)) / sr
    audio = np.concatenate(pieces)
    audio += 10.0 ** (rng.uniform(-75, -60) / 20) * rng.standard_normal(len(audio))
    return audio.astype(np.float32), rows


def generate_dataset(out_dir: str | Path, n_recordings: int = 10, notes_per_recording: int = 30, seed: int = 0,
                     sample_rate_hz: int = 44100) -> Path:
    """Write n_recordings WAV files and metadata.csv (relative source_audio paths) into out_dir; return the table."""
    from app.audio.decode import write_audio

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in range(n_recordings):
        audio, notes = render_recording(np.random.default_rng([seed, r]), notes_per_recording, sample_rate_hz)
        name = f"synth_{r:03d}.wav"
        write_audio(out / name, audio, sample_rate_hz)
        rows += [{"subset_id": f"synth{r:03d}", "source_audio": name, "source_annotation": "", **n} for n in notes]
    return write_metadata_csv(out / "metadata.csv", rows)
