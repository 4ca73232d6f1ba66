"""General MIDI drum files: round trips, the mapping table, conflicts, flams and malformed files."""
from __future__ import annotations

import io
from pathlib import Path

import mido
import pytest

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Section
from app.domain.song import Chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.io.errors import ChartFileError
from app.io.gm_midi import gm_midi_bytes, read_gm_midi, write_gm_midi

R = 480
E = Difficulty.EXPERT
K, S, Y, B, G = Lane.KICK, Lane.RED, Lane.YELLOW, Lane.BLUE, Lane.GREEN


def sample_chart(res: int = R) -> Chart:
    tm = TempoMap([TempoChange(0, 100.0), TempoChange(8 * res, 150.0)],
                  [TimeSignature(0, 4, 4), TimeSignature(4 * res, 7, 8)], res)
    c = Chart(tempo_map=tm)
    c.metadata.name = "Song"
    q = res
    c.drums.notes[E] = NoteList([
        Note(0, K), Note(0, G, cymbal=True, dynamic=Dynamic.ACCENT),
        Note(q // 4, K, double_kick=True), Note(q // 2, K),
        Note(q, S, dynamic=Dynamic.GHOST), Note(q, Y, cymbal=True),
        Note(2 * q, S, flam=True), Note(2 * q, B, cymbal=True, dynamic=Dynamic.GHOST),
        Note(3 * q, Y), Note(3 * q, B), Note(3 * q + q // 4, G), Note(3 * q + q // 2, S, dynamic=Dynamic.ACCENT,
                                                                          flam=True),
        Note(4 * q, G, cymbal=True), Note(4 * q, K), Note(9 * q, B, cymbal=True), Note(9 * q, S),
    ])
    c.sections = [Section(0, "Intro"), Section(4 * q, "Verse")]
    return c


def gm_file(tmp_path: Path, events, ticks_per_beat=R, file_type=1, extra_tracks=()) -> Path:
    """A GM file from (tick, channel, note, velocity) note-ons, each 30 ticks long."""
    mid = mido.MidiFile(type=file_type, ticks_per_beat=ticks_per_beat)
    msgs = []
    for tick, ch, note, vel in events:
        msgs.append((tick, 1, mido.Message("note_on", channel=ch, note=note, velocity=vel)))
        msgs.append((tick + 30, 0, mido.Message("note_off", channel=ch, note=note, velocity=0)))
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(90), time=0)])
    now = 0
    for tick, _, m in sorted(msgs, key=lambda x: (x[0], x[1])):
        track.append(m.copy(time=tick - now))
        now = tick
    mid.tracks.append(track)
    mid.tracks.extend(extra_tracks)
    p = tmp_path / "drums.mid"
    mid.save(p)
    return p


@pytest.mark.parametrize("res", [480, 192, 96])
def test_round_trip_keeps_expert_notes(tmp_path, res) -> None:
    c = sample_chart(res)
    path = tmp_path / "out.mid"
    write_gm_midi(c, path)
    back, warnings = read_gm_midi(path)
    assert warnings == []
    assert list(back.drums.expert) == list(c.drums.expert)
    assert back.resolution == res
    assert [(t.tick, round(t.bpm, 3)) for t in back.tempo_map.tempos] == [(0, 100.0), (8 * res, 150.0)]
    assert back.tempo_map.time_signatures == c.tempo_map.time_signatures
    assert back.sections == c.sections
    assert back.drums.authored == {E}


def test_export_layout(tmp_path) -> None:
    mid = mido.MidiFile(file=io.BytesIO(gm_midi_bytes(sample_chart())))
    assert mid.type == 1 and mid.ticks_per_beat == R and len(mid.tracks) == 2
    assert {m.type for m in mid.tracks[0]} >= {"set_tempo", "time_signature", "marker"}
    notes = [m for m in mid.tracks[1] if m.type in ("note_on", "note_off")]
    assert notes and all(m.channel == 9 for m in notes)
    tick, spans, open_ = 0, [], {}
    for m in mid.tracks[1]:
        tick += m.time
        if m.type == "note_on" and m.velocity:
            assert m.note not in open_                       # never two open notes of one pitch
            open_[m.note] = (tick, m.velocity)
        elif m.type in ("note_off", "note_on"):
            on, vel = open_.pop(m.note)
            spans.append((on, tick - on, m.note, vel))
    assert all(0 < length <= R // 8 for _, length, _, _ in spans)
    by = {(on, note): vel for on, _, note, vel in spans}
    assert by[(0, 36)] == 96 and by[(0, 49)] == 127 and by[(R // 4, 35)] == 96
    assert by[(R, 38)] == 30 and by[(R, 42)] == 96 and by[(3 * R, 48)] == 96 and by[(3 * R, 45)] == 96
    assert by[(3 * R + R // 4, 41)] == 96 and by[(2 * R - R // 16, 38)] == 76    # the flam's grace note


@pytest.mark.parametrize("gm_note, lane, cymbal", [
    (36, K, False), (38, S, False), (40, S, False), (42, Y, True), (44, Y, True), (46, Y, True),
    (49, G, True), (57, G, True), (52, G, True), (55, G, True), (51, B, True), (59, B, True), (53, B, True),
    (48, Y, False), (50, Y, False), (45, B, False), (47, B, False), (41, G, False), (43, G, False),
    (35, K, False),   # alone, 35 is an ordinary kick
])
def test_import_mapping(tmp_path, gm_note, lane, cymbal) -> None:
    chart, warnings = read_gm_midi(gm_file(tmp_path, [(R, 9, gm_note, 100)]))
    assert list(chart.drums.expert) == [Note(R, lane, cymbal=cymbal)] and warnings == []


def test_35_is_a_2x_kick_when_36_is_used(tmp_path) -> None:
    chart, _ = read_gm_midi(gm_file(tmp_path, [(0, 9, 36, 100), (R, 9, 35, 100), (2 * R, 9, 35, 100),
                                               (2 * R, 9, 36, 100)]))
    assert list(chart.drums.expert) == [Note(0, K), Note(R, K, double_kick=True), Note(2 * R, K)]


@pytest.mark.parametrize("velocity, dynamic", [(127, Dynamic.ACCENT), (118, Dynamic.ACCENT), (117, Dynamic.NORMAL),
                                               (41, Dynamic.NORMAL), (40, Dynamic.GHOST), (1, Dynamic.GHOST)])
def test_velocity_thresholds(tmp_path, velocity, dynamic) -> None:
    chart, _ = read_gm_midi(gm_file(tmp_path, [(0, 9, 38, velocity), (0, 9, 36, velocity)]))
    assert list(chart.drums.expert) == [Note(0, K), Note(0, S, dynamic=dynamic)]


def test_velocity_thresholds_are_parameters(tmp_path) -> None:
    chart, _ = read_gm_midi(gm_file(tmp_path, [(0, 9, 38, 100), (R, 9, 38, 60)]), accent_velocity=100,
                            ghost_velocity=60)
    assert [n.dynamic for n in chart.drums.expert] == [Dynamic.ACCENT, Dynamic.GHOST]


def test_other_channels_side_stick_and_unmapped_notes(tmp_path) -> None:
    p = gm_file(tmp_path, [(0, 9, 36, 100), (0, 0, 38, 100), (R, 9, 37, 100), (R, 9, 56, 100), (R, 9, 39, 90),
                           (2 * R, 9, 39, 90)])
    chart, warnings = read_gm_midi(p)
    assert list(chart.drums.expert) == [Note(0, K)]
    assert len(warnings) == 1 and "37 (1x)" in warnings[0] and "39 (2x)" in warnings[0]
    chart, _ = read_gm_midi(p, side_stick=True)
    assert list(chart.drums.expert) == [Note(0, K), Note(R, S)]


def test_same_lane_hits_merge_louder_wins(tmp_path) -> None:
    chart, warnings = read_gm_midi(gm_file(tmp_path, [(0, 9, 42, 30), (0, 9, 46, 127)]))
    assert list(chart.drums.expert) == [Note(0, Y, cymbal=True, dynamic=Dynamic.ACCENT)] and warnings == []


@pytest.mark.parametrize("hits, expected, n_warnings", [
    # hi-hat + high tom: the tom moves to blue
    ([(0, 42), (0, 48)], [Note(0, Y, cymbal=True), Note(0, B)], 1),
    # hi-hat + high tom + ride: blue is taken, the tom goes to green
    ([(0, 42), (0, 48), (0, 51)], [Note(0, Y, cymbal=True), Note(0, B, cymbal=True), Note(0, G)], 1),
    # crash + floor tom with yellow and blue in use: the cymbal wins
    ([(0, 49), (0, 41), (0, 42), (0, 45)], [Note(0, Y, cymbal=True), Note(0, B), Note(0, G, cymbal=True)], 1),
    # ride + mid tom: the tom goes to green first
    ([(0, 51), (0, 47)], [Note(0, B, cymbal=True), Note(0, G)], 1),
    # no conflict
    ([(0, 42), (0, 45)], [Note(0, Y, cymbal=True), Note(0, B)], 0),
])
def test_colour_conflicts(tmp_path, hits, expected, n_warnings) -> None:
    chart, warnings = read_gm_midi(gm_file(tmp_path, [(t, 9, n, 100) for t, n in hits]))
    assert list(chart.drums.expert) == expected
    assert len(warnings) == n_warnings
    if warnings:
        assert warnings[0].startswith("[0:00.000] Expert:")


def test_flam_grace_detection(tmp_path) -> None:
    chart, _ = read_gm_midi(gm_file(tmp_path, [(R - 30, 9, 38, 60), (R, 9, 38, 100),     # grace + hit: flam
                                               (2 * R, 9, 38, 100), (2 * R + 30, 9, 38, 100)]))  # equal: two notes
    assert list(chart.drums.expert) == [Note(R, S, flam=True), Note(2 * R, S), Note(2 * R + 30, S)]


def test_format_0_file_reads(tmp_path) -> None:
    chart, _ = read_gm_midi(gm_file(tmp_path, [(0, 9, 36, 100)], file_type=0))
    assert list(chart.drums.expert) == [Note(0, K)] and round(chart.tempo_map.tempos[0].bpm) == 90


def test_tempo_in_another_track(tmp_path) -> None:
    extra = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=3, denominator=4, time=R)])
    chart, _ = read_gm_midi(gm_file(tmp_path, [(0, 9, 36, 100)], extra_tracks=[extra]))
    assert chart.tempo_map.time_signatures[-1] == TimeSignature(R, 3, 4)


def _bytes_of(tmp_path) -> bytes:
    return gm_file(tmp_path, [(0, 9, 36, 100), (R, 9, 38, 100)]).read_bytes()


@pytest.mark.parametrize("make, problem", [
    (lambda tp: b"RIFF not a midi file", "not a MIDI file"),
    (lambda tp: _bytes_of(tp)[:30], "truncated"),
    (lambda tp: b"", "not a MIDI file"),
    (lambda tp: gm_file(tp, [(0, 0, 36, 100)]).read_bytes(), "channel 10"),
    (lambda tp: _bytes_of(tp)[:12] + b"\xe7\x28" + _bytes_of(tp)[14:], "SMPTE"),
    (lambda tp: gm_file(tp, [(0, 9, 36, 100)], file_type=2).read_bytes(), "format 2"),
])
def test_malformed_files(tmp_path, make, problem) -> None:
    data = make(tmp_path)
    p = tmp_path / "bad.mid"
    p.write_bytes(data)
    with pytest.raises(ChartFileError) as err:
        read_gm_midi(p)
    assert problem in str(err.value) and "\n" not in str(err.value) and str(p) in str(err.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ChartFileError, match="cannot read"):
        read_gm_midi(tmp_path / "nope.mid")


def test_write_is_atomic_and_exports_other_difficulties(tmp_path) -> None:
    c = sample_chart()
    c.drums.notes[Difficulty.EASY] = NoteList([Note(0, K), Note(R, S)])
    path = tmp_path / "easy.mid"
    path.write_bytes(b"old")
    write_gm_midi(c, path, Difficulty.EASY)
    back, _ = read_gm_midi(path)
    assert list(back.drums.expert) == [Note(0, K), Note(R, S)]
    assert [p.name for p in tmp_path.iterdir()] == ["easy.mid"]
