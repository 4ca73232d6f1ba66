"""The synthetic guitar generator: the seed's columns, mixed classes per recording, class-typical spectra."""
from __future__ import annotations

import csv

import numpy as np

from app.guitar.labels import CLASSES
from app.guitar.metadata import COLUMNS, read_metadata
from app.guitar.synth import OPEN_STRINGS_MIDI, dead_note, general_note, harmonic_note, midi_hz


def test_table_and_recordings(synth_table) -> None:
    header = next(csv.reader(open(synth_table)))
    assert tuple(header) == COLUMNS
    meta = read_metadata(synth_table)
    assert not meta.problems and len(meta.events) == 300
    recordings = {e.recording for e in meta.events}
    assert len(recordings) == 10
    for r in recordings:
        assert {e.label for e in meta.events if e.recording == r} == set(CLASSES)


def _band_energy(y: np.ndarray, sr: int, f_hz: float) -> float:
    spec = np.abs(np.fft.rfft(y[: sr // 2] * np.hanning(sr // 2)))
    freqs = np.fft.rfftfreq(sr // 2, 1 / sr)
    return float(spec[(freqs > f_hz * 0.97) & (freqs < f_hz * 1.03)].max())


def test_harmonics_suppress_the_open_string_fundamental() -> None:
    sr = 22050
    for seed in range(5):
        rng = np.random.default_rng(seed)
        note = harmonic_note(rng, sr, 0.5)
        f_open = midi_hz(OPEN_STRINGS_MIDI[6 - note.string_number])
        f_node = midi_hz(note.pitch_midi)
        assert _band_energy(note.audio, sr, f_node) > 10 * _band_energy(note.audio, sr, f_open)
        assert note.duration_s >= 0.9


def test_dead_notes_are_short_and_general_notes_ring() -> None:
    rng = np.random.default_rng(1)
    for _ in range(5):
        d, g = dead_note(rng, 22050, 0.5), general_note(rng, 22050, 0.5)
        assert d.duration_s <= 0.35 < g.duration_s
        assert np.abs(d.audio).max() == np.float64(np.abs(d.audio).max()) and np.isfinite(g.audio).all()
