"""notes.mid: hand-written edge cases and malformed files (the property test is in test_round_trip.py)."""
from __future__ import annotations

import io

import mido
import pytest

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.song import empty_chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.errors import ChartFileError
from app.io.midi_file import midi_bytes, parse_midi_bytes, read_midi, write_midi


def _chart():
    c = empty_chart("Edge Song", "Band")
    c.tempo_map = TempoMap([TempoChange(0, 60e6 / 500_000), TempoChange(1920, 60e6 / 400_000)],
                           [TimeSignature(0, 4, 4), TimeSignature(3840, 7, 8)])
    ex = c.drums.expert
    ex.put(Note(0, Lane.KICK))
    ex.put(Note(0, Lane.YELLOW, cymbal=True))
    ex.put(Note(120, Lane.KICK, double_kick=True))
    ex.put(Note(240, Lane.YELLOW, cymbal=False))  # yellow tom
    ex.put(Note(240, Lane.BLUE, cymbal=True))
    ex.put(Note(480, Lane.RED, dynamic=Dynamic.ACCENT, flam=True))
    ex.put(Note(720, Lane.RED, dynamic=Dynamic.GHOST))
    ex.put(Note(730, Lane.RED))  # 10 ticks later: note lengths must not overlap
    ex.put(Note(960, Lane.GREEN, cymbal=False))
    ex.put(Note(1920, Lane.GREEN, cymbal=True))
    c.drums.notes[Difficulty.HARD].put(Note(0, Lane.YELLOW, cymbal=True))
    c.drums.authored = {Difficulty.EXPERT, Difficulty.HARD}
    c.drums.phrases = sorted([Phrase(0, 960, PhraseKind.STAR_POWER), Phrase(480, 1440, PhraseKind.FILL),
                              Phrase(700, 100, PhraseKind.ROLL, Difficulty.HARD),
                              Phrase(900, 200, PhraseKind.DOUBLE_ROLL, Difficulty.EXPERT),
                              Phrase(0, 800, PhraseKind.SOLO)])
    c.drums.local_events = [TextEvent(1920, "[mix 3 drums0d]")]
    c.sections = [Section(0, "Intro"), Section(1920, "Verse 1")]
    c.events = [TextEvent(960, "[crowd_clap]")]
    c.end_tick = 4000
    return c


def _file(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data))


def test_edge_cases_round_trip(tmp_path) -> None:
    c = _chart()
    warnings = write_midi(c, tmp_path / "notes.mid")
    assert warnings == []
    back = read_midi(tmp_path / "notes.mid")
    assert back.tempo_map == c.tempo_map
    for d in Difficulty:
        assert list(back.drums.notes[d]) == list(c.drums.notes[d]), d
    assert back.drums.phrases == c.drums.phrases
    assert back.drums.local_events == c.drums.local_events
    assert back.sections == c.sections and back.events == c.events and back.end_tick == 4000
    assert back.drums.authored == c.drums.authored
    assert back.metadata.name == "Edge Song"


def test_layout_is_what_clone_hero_reads() -> None:
    data, _ = midi_bytes(_chart())
    mid = _file(data)
    assert mid.type == 1 and mid.ticks_per_beat == 480
    names = [next(m.name for m in t if m.type == "track_name") for t in mid.tracks]
    assert names == ["Edge Song", "PART DRUMS", "EVENTS"]
    assert any(m.type == "set_tempo" for m in mid.tracks[0])
    assert not any(m.type == "set_tempo" for t in mid.tracks[1:] for m in t)
    drums = mid.tracks[1]
    assert drums[0].type == "track_name" and drums[1].type == "text" and drums[1].text == "[ENABLE_CHART_DYNAMICS]"
    pitches = {m.note for m in drums if m.type == "note_on"}
    assert {95, 96, 97, 98, 99, 100, 110, 112, 109, 116, 120, 121, 122, 123, 124, 126, 127, 103, 86} <= pitches
    vel = {m.velocity for m in drums if m.type == "note_on" and m.note == 97}
    assert vel == {127, 1, 100}
    roll_vel = {m.note: m.velocity for m in drums if m.type == "note_on" and m.note in (126, 127)}
    assert roll_vel == {126: 45, 127: 100}
    events = [m.text for m in mid.tracks[2] if m.type == "text"]
    assert events[0] == "[section Intro]" and events[-1] == "[end]"


def test_note_off_before_note_on_and_no_zero_lengths() -> None:
    data, _ = midi_bytes(_chart())
    for track in _file(data).tracks:
        tick, open_notes = 0, {}
        for m in track:
            tick += m.time
            if m.type == "note_on" and m.velocity:
                assert m.note not in open_notes, f"overlapping note {m.note} at {tick}"
                open_notes[m.note] = tick
            elif m.type in ("note_off", "note_on"):
                assert tick > open_notes.pop(m.note), "zero-length note"
        assert not open_notes


def test_no_dynamics_marker_without_dynamics() -> None:
    c = empty_chart("x")
    c.drums.expert.put(Note(0, Lane.RED))
    data, _ = midi_bytes(c)
    texts = [m.text for t in _file(data).tracks for m in t if m.type == "text"]
    assert "[ENABLE_CHART_DYNAMICS]" not in texts


def test_velocities_ignored_without_dynamics_marker() -> None:
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name="PART DRUMS"),
                                      mido.Message("note_on", note=97, velocity=127),
                                      mido.Message("note_off", note=97, velocity=0, time=60)]))
    buf = io.BytesIO()
    mid.save(file=buf)
    chart = parse_midi_bytes(buf.getvalue()).chart
    assert list(chart.drums.expert) == [Note(0, Lane.RED)]


def test_other_resolution_is_rescaled_to_480_on_write() -> None:
    c = empty_chart("x", resolution=192)
    c.drums.expert.put(Note(192, Lane.RED))
    c.drums.expert.put(Note(96, Lane.KICK))
    back = parse_midi_bytes(midi_bytes(c)[0]).chart
    assert back.resolution == 480
    assert [(n.tick, n.lane) for n in back.drums.expert] == [(240, Lane.KICK), (480, Lane.RED)]


def test_reads_any_resolution_and_prc_sections() -> None:
    mid = mido.MidiFile(type=1, ticks_per_beat=192)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=600000)]))
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name="EVENTS"),
                                      mido.MetaMessage("text", text="[prc_chorus]", time=192)]))
    buf = io.BytesIO()
    mid.save(file=buf)
    chart = parse_midi_bytes(buf.getvalue()).chart
    assert chart.resolution == 192 and chart.sections == [Section(192, "chorus")]
    assert chart.tempo_map.tick_to_s(192) == pytest.approx(0.6)


def _bad_midis():
    good, _ = midi_bytes(_chart())
    fmt0 = mido.MidiFile(type=0, ticks_per_beat=480)
    fmt0.tracks.append(mido.MidiTrack([mido.Message("note_on", note=96)]))
    buf = io.BytesIO()
    fmt0.save(file=buf)
    return {
        "truncated": (good[: len(good) // 2], "truncated"),
        "format 0": (buf.getvalue(), "format 0"),
        "not midi": (b"RIFF....WAVEfmt ", "not a MIDI file"),
        "empty": (b"", "not a MIDI file"),
        "header only": (good[:14], "no tracks|truncated|damaged"),
    }


@pytest.mark.parametrize("name", sorted(_bad_midis()))
def test_malformed_files_give_one_line_errors(tmp_path, name: str) -> None:
    data, expected = _bad_midis()[name]
    path = tmp_path / "notes.mid"
    path.write_bytes(data)
    with pytest.raises(ChartFileError, match=expected) as info:
        read_midi(path)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg


def test_failed_write_leaves_existing_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "notes.mid"
    path.write_bytes(b"old")

    def boom(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr("app.io.midi_file.midi_bytes", boom)
    with pytest.raises(RuntimeError):
        write_midi(_chart(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.mid"]
