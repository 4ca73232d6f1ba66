"""General MIDI drum kits: one-shots rendered from a SoundFont by the fluidsynth CLI, cached."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.constants import SAMPLE_RATE
from app.io.atomic import atomic_path
from app.training.synth.gm_drums import GM_DRUMS, RENDERED_NOTES
from app.training.synth.kit import Instrument, Kit, Layer, load_mono, trim_sample

FLUIDR3 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SOUNDFONT_PATHS = (Path(FLUIDR3), Path("/usr/share/sounds/sf2/default-GM.sf2"))

GM_KIT_PROGRAMS: dict[int, str] = {
    0: "Standard", 8: "Room", 16: "Power", 24: "Electronic", 25: "TR-808", 32: "Jazz", 40: "Brush",
}
"""GM drum-kit program (bank 128 on channel 10) -> kit name."""
ELECTRONIC_PROGRAMS = {24, 25}

EXTRA_GM_KITS: dict[str, tuple[int, ...]] = {
    # FluidR3's variation kits whose kick or snare is a sample no base kit uses (measured: one-shots at
    # velocity 127 whose best cross-correlation with every base kit's is under 0.97). Its "Power 1-3"
    # (17-19) share their toms with the held-out Power kit and are never used; 3, 5, 13 and 35 only
    # repeat base samples.
    FLUIDR3: (1, 2, 4, 6, 7, 9, 10, 11, 12, 14, 15, 33, 34, 36, 41, 42),
    # TimGM6mb (Debian timgm6mb-soundfont, GPL-2): its own samples, none of them FluidR3's.
    "/usr/share/sounds/sf2/TimGM6mb.sf2": (0, 8, 16, 24, 25, 32, 40),
}
"""More GM kits for training (SynthConfig.gm_extra_kits): SoundFont path -> drum-kit programs.
MuseScore_General is not used: its Power kit is FluidR3's (the held-out test kit)."""

_VARIATION_NAMES = {**{p: f"Standard {p}" for p in range(1, 8)}, **{p: f"Room {p - 8}" for p in range(9, 16)},
                    **{p: f"Jazz {p - 32}" for p in range(33, 37)}, **{p: f"Brush {p - 40}" for p in range(41, 43)}}

VELOCITIES = (35, 65, 95, 127)
"""MIDI velocities rendered per note; each becomes a velocity layer."""
SLOT_S = 3.0
"""Seconds between rendered notes (cymbals ring that long at most before the cut)."""
CACHE_VERSION = 2


def find_soundfont() -> Path | None:
    """The first installed GM SoundFont, or None."""
    return next((p for p in SOUNDFONT_PATHS if p.is_file()), None)


def fluidsynth_available() -> bool:
    return shutil.which("fluidsynth") is not None


def cache_dir() -> Path:
    """User cache folder of rendered one-shots (~/.cache/chart-hero/gm-oneshots on Linux, app.paths)."""
    from app.paths import gm_oneshot_cache_dir  # issue 7: one list of user folders
    return gm_oneshot_cache_dir()


def _cache_path(sf2: Path, program: int) -> Path:
    st = sf2.stat()
    tag = hashlib.sha1(f"{sf2.resolve()}:{st.st_size}:{CACHE_VERSION}".encode()).hexdigest()[:10]
    return cache_dir() / f"{sf2.stem}-{tag}" / f"prog{program:03d}.npz"


def write_oneshot_midi(path: Path, program: int, notes=RENDERED_NOTES, velocities=VELOCITIES) -> None:
    """A MIDI file playing each (note, velocity) once on channel 10, SLOT_S apart."""
    import mido

    tpb, bpm = 480, 120.0
    slot_ticks = int(SLOT_S * bpm / 60 * tpb)
    mid = mido.MidiFile(ticks_per_beat=tpb)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.Message("program_change", channel=9, program=program, time=0))
    first = True
    for note in notes:
        for vel in velocities:
            track.append(mido.Message("note_on", channel=9, note=note, velocity=vel, time=0 if first else 10))
            track.append(mido.Message("note_off", channel=9, note=note, velocity=0, time=slot_ticks - 10))
            first = False
    mid.save(str(path))


def render_midi_file(midi: Path, wav: Path, sf2: Path, gain: float = 0.6) -> None:
    """Render a MIDI file to a 44.1 kHz wav with the fluidsynth CLI (reverb and chorus off)."""
    cmd = ["fluidsynth", "-ni", "-g", str(gain), "-r", str(SAMPLE_RATE), "-R", "0", "-C", "0",
           "-F", str(wav), str(sf2), str(midi)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def render_oneshots(sf2: Path, program: int) -> dict[tuple[int, int], np.ndarray]:
    """(note, velocity) -> trimmed one-shot, rendered by fluidsynth (not cached)."""
    with tempfile.TemporaryDirectory() as tmp:
        mid, wav = Path(tmp) / "oneshots.mid", Path(tmp) / "oneshots.wav"
        write_oneshot_midi(mid, program)
        render_midi_file(mid, wav, sf2)
        audio = load_mono(wav)
    slot = int(SLOT_S * SAMPLE_RATE)
    out, i = {}, 0
    for note in RENDERED_NOTES:
        for vel in VELOCITIES:
            seg = audio[i * slot:(i + 1) * slot]
            i += 1
            if seg.size and np.max(np.abs(seg)) > 1e-4:
                out[(note, vel)] = trim_sample(seg)
    return out


def load_oneshots(sf2: Path, program: int) -> dict[tuple[int, int], np.ndarray]:
    """One-shots from the cache, rendering and caching them on first use."""
    path = _cache_path(sf2, program)
    if path.is_file():
        with np.load(path) as z:
            return {(int(k.split("_")[0]), int(k.split("_")[1])): z[k].astype(np.float32) for k in z.files}
    shots = render_oneshots(sf2, program)
    # A unique temporary per writer: parallel renders may cache the same program at once.
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **{f"{n}_{v}": x.astype(np.float16) for (n, v), x in shots.items()})
    return shots


def kit_from_oneshots(name: str, shots: dict[tuple[int, int], np.ndarray], electronic: bool = False) -> Kit:
    """A Kit from (note, velocity) one-shots: one instrument per GM note, a layer per velocity."""
    instruments = []
    for note in sorted({n for n, _ in shots}):
        vels = sorted(v for n, v in shots if n == note)
        edges = [0.0] + [(a + b) / 2 / 127 for a, b in zip(vels, vels[1:])] + [1.0]
        layers = [Layer(edges[i], edges[i + 1], [shots[(note, v)]]) for i, v in enumerate(vels)]
        gm_name, label = GM_DRUMS[note]
        instruments.append(Instrument(f"{note} {gm_name}", label, layers))
    return Kit(name, "gm", instruments, electronic=electronic)


@lru_cache(maxsize=16)
def load_gm_kit(program: int, sf2: str | None = None) -> Kit:
    """The GM drum kit `program` of a SoundFont (default: the installed FluidR3_GM)."""
    path = Path(sf2) if sf2 else find_soundfont()
    if path is None or not fluidsynth_available() and not _cache_path(path, program).is_file():
        raise FileNotFoundError("needs fluidsynth and a GM SoundFont (apt install fluidsynth fluid-soundfont-gm)")
    name = f"{path.stem} {GM_KIT_PROGRAMS.get(program) or _VARIATION_NAMES.get(program, f'prog{program}')}"
    return kit_from_oneshots(name, load_oneshots(path, program), electronic=program in ELECTRONIC_PROGRAMS)


def gm_kit_programs() -> list[int]:
    """Programs loadable here (empty when fluidsynth or the SoundFont is missing)."""
    sf2 = find_soundfont()
    if sf2 is None or not (fluidsynth_available() or any(_cache_path(sf2, p).is_file() for p in GM_KIT_PROGRAMS)):
        return []
    return sorted(GM_KIT_PROGRAMS)


def extra_gm_kits() -> list[str]:
    """Loadable extra kits as "soundfont-path:program" idents (load with `load_gm_ident`)."""
    if not fluidsynth_available():
        return []
    return [f"{sf2}:{p}" for sf2, programs in EXTRA_GM_KITS.items() if Path(sf2).is_file() for p in programs]


def split_gm_ident(ident) -> tuple[str | None, int]:
    """A catalogue ident -> (SoundFont path, or None for the default one; program)."""
    if isinstance(ident, str) and ":" in ident:
        path, program = ident.rsplit(":", 1)
        return path, int(program)
    return None, int(ident)


def load_gm_ident(ident) -> Kit:
    """A GM kit from a catalogue ident: a program of the default SoundFont (int) or "path:program"."""
    path, program = split_gm_ident(ident)
    return load_gm_kit(program, path)
