"""Full-mix material: bass, chords and lead under the drums (fluidsynth GM, MMA, or a numpy synth)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.constants import SAMPLE_RATE
from app.training.synth.pattern import Pattern

SR = SAMPLE_RATE
PROGRESSIONS = ((0, 5, 7, 0), (0, 9, 5, 7), (0, 7, 9, 5), (2, 7, 0, 0), (0, 3, 10, 5), (9, 5, 0, 7))
"""Chord roots in semitones above the key, one chord a bar (minor when root is 2, 4 or 9)."""
BASS_PROGRAMS, CHORD_PROGRAMS, LEAD_PROGRAMS = (33, 34, 38, 32), (0, 4, 16, 24, 27, 29, 48, 61), (56, 65, 73, 80, 30, 26)


@dataclass(frozen=True)
class Note:
    start_s: float
    dur_s: float
    pitch: int
    velocity: int
    program: int
    channel: int


def generate_parts(rng: np.random.Generator, pattern: Pattern) -> list[Note]:
    """Bass on the beats, chords per bar and a sparse pentatonic lead, in time with the pattern."""
    beat_s = 60.0 / pattern.bpm
    bar_beats = pattern.meter[0] * 4 / pattern.meter[1]
    lead_in = pattern.hits[0].time_s if pattern.hits else 0.0
    key = int(rng.integers(0, 12))
    prog = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    progs = [int(rng.choice(p)) for p in (BASS_PROGRAMS, CHORD_PROGRAMS, LEAD_PROGRAMS)]
    notes, bar, t = [], 0, lead_in
    end = pattern.duration_s - 1.0
    while t < end:
        root = key + prog[bar % len(prog)]
        third = 3 if prog[bar % len(prog)] in (2, 4, 9) else 4
        for b in np.arange(0, bar_beats, 1.0 if rng.random() < 0.6 else 0.5):
            notes.append(Note(t + b * beat_s, 0.9 * beat_s, 36 + root % 12, int(rng.integers(80, 110)), progs[0], 0))
        for p in (0, third, 7):
            notes.append(Note(t, bar_beats * beat_s * 0.95, 60 + (root + p) % 12, int(rng.integers(50, 80)), progs[1], 1))
        for b in np.arange(0, bar_beats, 0.5):
            if rng.random() < 0.3:
                pitch = 72 + (key + int(rng.choice([0, 2, 4, 7, 9]))) % 12
                notes.append(Note(t + b * beat_s, 0.45 * beat_s, pitch, int(rng.integers(60, 100)), progs[2], 2))
        bar, t = bar + 1, t + bar_beats * beat_s
    return notes


def synth_numpy(notes: list[Note], duration_s: float, rng: np.random.Generator) -> np.ndarray:
    """A plain additive synth (no fluidsynth): plucked bass, soft pads, a square-ish lead."""
    out = np.zeros(int(duration_s * SR), np.float32)
    for n in notes:
        k = int(n.dur_s * SR)
        t = np.arange(k) / SR
        f = 440 * 2 ** ((n.pitch - 69) / 12)
        harm = (1, 2, 3, 4, 5) if n.channel != 1 else (1, 2, 3)
        wave = sum(np.sin(2 * np.pi * f * h * t) / h ** (1.2 if n.channel == 2 else 1.8) for h in harm)
        env = np.exp(-t / (0.25 if n.channel == 0 else 1.5)) * np.minimum(1, t / 0.005)
        env *= np.clip((n.dur_s - t) / 0.02, 0, 1)
        i = int(n.start_s * SR)
        seg = (wave * env * n.velocity / 127 * (0.5 if n.channel == 1 else 1.0)).astype(np.float32)
        seg = seg[: max(0, len(out) - i)]
        out[i: i + len(seg)] += seg
    return out


def write_midi(notes: list[Note], path: Path) -> None:
    import mido

    tpb, tempo = 480, 500000                       # 120 bpm: 960 ticks per second
    mid = mido.MidiFile(ticks_per_beat=tpb)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    events = [(0, mido.Message("program_change", channel=c, program=p)) for c, p in {(n.channel, n.program) for n in notes}]
    for n in notes:
        events.append((int(n.start_s * 960), mido.Message("note_on", channel=n.channel, note=n.pitch, velocity=n.velocity)))
        events.append((int((n.start_s + n.dur_s) * 960), mido.Message("note_off", channel=n.channel, note=n.pitch)))
    now = 0
    for tick, msg in sorted(events, key=lambda e: (e[0], e[1].type != "program_change", e[1].type == "note_on")):
        track.append(msg.copy(time=tick - now))
        now = tick
    mid.save(str(path))


def render_fluidsynth(notes: list[Note], duration_s: float) -> np.ndarray | None:
    """The notes through fluidsynth and the GM SoundFont; None when either is missing."""
    from app.training.synth.gm_kits import find_soundfont, fluidsynth_available, render_midi_file
    from app.training.synth.kit import load_mono

    sf2 = find_soundfont()
    if sf2 is None or not fluidsynth_available():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        mid, wav = Path(tmp) / "acc.mid", Path(tmp) / "acc.wav"
        write_midi(notes, mid)
        render_midi_file(mid, wav, sf2, gain=0.5)
        x = load_mono(wav)
    out = np.zeros(int(duration_s * SR), np.float32)
    out[: min(len(out), len(x))] = x[: len(out)]
    return out


def mma_midi_notes(groove: str, bpm: float, n_bars: int, rng: np.random.Generator, lead_in_s: float) -> list[Note]:
    """Non-drum notes of an MMA arrangement (`mma` CLI) of groove `groove` over random chords."""
    import mido

    if shutil.which("mma") is None:
        return []
    chords = ["C", "Am", "F", "G", "Dm", "Em", "G7", "C7", "Bb", "Eb"]
    body = "".join(f"{i + 1} {chords[int(rng.integers(len(chords)))]}\n" for i in range(n_bars))
    with tempfile.TemporaryDirectory() as tmp:
        src, mid = Path(tmp) / "song.mma", Path(tmp) / "song.mid"
        song = f"Tempo {bpm:.2f}\nGroove {groove}\n{body}"
        # MMA humanises with its own random generator: seed it from the song text (no draw from `rng`, so
        # the other parts of older seeds render as before) to make the render reproducible
        src.write_text(f"RndSeed {zlib.crc32(song.encode())}\n{song}")
        try:
            subprocess.run(["mma", "-f", str(mid), str(src)], check=True, capture_output=True, timeout=60)
            m = mido.MidiFile(str(mid))
        except (subprocess.SubprocessError, OSError, ValueError):
            return []
    notes, t, on, programs = [], 0.0, {}, {}
    for msg in m:
        t += msg.time
        if msg.type == "program_change":
            programs[msg.channel] = msg.program
        elif msg.type in ("note_on", "note_off") and msg.channel != 9:
            key = (msg.channel, msg.note)
            if msg.type == "note_on" and msg.velocity > 0:
                on[key] = (t, msg.velocity)
            elif key in on:
                t0, v = on.pop(key)
                notes.append(Note(t0 + lead_in_s, max(0.02, t - t0), msg.note, v, programs.get(msg.channel, 0),
                                  msg.channel))
    return notes


def accompaniment(rng: np.random.Generator, pattern: Pattern, mma_groove: str | None = None,
                  use_fluidsynth: bool = True, band_rng: np.random.Generator | None = None) -> tuple[np.ndarray, str]:
    """Accompaniment audio for `pattern` and how it was made ('mma', 'fluidsynth', 'numpy'; with `band_rng`, a
    rhythm guitar and/or a singer join, drawn from that generator alone, and '+guitar' / '+vocal' say so)."""
    from app.training.synth.band_parts import rhythm_guitar_notes, synth_vocal

    lead_in = pattern.hits[0].time_s if pattern.hits else 0.0
    notes, how = [], "numpy"
    if mma_groove and use_fluidsynth:
        bar_s = 60.0 / pattern.bpm * pattern.meter[0] * 4 / pattern.meter[1]
        notes = mma_midi_notes(mma_groove, pattern.bpm, int(pattern.duration_s / bar_s) + 1, rng, lead_in)
        how = "mma"
    if not notes:
        notes, how = generate_parts(rng, pattern), "numpy"
    guitar = band_rng is not None and band_rng.random() < 0.75
    vocal = band_rng is not None and (not guitar or band_rng.random() < 0.75)
    if guitar:
        notes = notes + rhythm_guitar_notes(band_rng, pattern)
    audio = render_fluidsynth(notes, pattern.duration_s) if use_fluidsynth else None
    if audio is None:
        audio, how = synth_numpy(notes, pattern.duration_s, rng), "numpy"
    elif how != "mma":
        how = "fluidsynth"
    if vocal:
        voice = synth_vocal(band_rng, pattern)[: len(audio)]
        audio[: len(voice)] += voice * (rms(audio) / rms(voice) * 10 ** (float(band_rng.uniform(-4, 4)) / 20))
    return audio, how + ("+guitar" if guitar else "") + ("+vocal" if vocal else "")


def rms(x: np.ndarray) -> float:
    """Root mean square level (never 0)."""
    return float(np.sqrt(np.mean(x ** 2))) + 1e-9


def mix_under(drums: np.ndarray, music: np.ndarray, drums_rel_db: float) -> np.ndarray:
    """Drums at `drums_rel_db` (0 to -12) relative to the music's RMS; float32, same length."""
    music = music[: len(drums)] if len(music) >= len(drums) else np.pad(music, (0, len(drums) - len(music)))
    scale = rms(drums) / rms(music) * 10 ** (-drums_rel_db / 20)
    return (drums + music * scale).astype(np.float32)
