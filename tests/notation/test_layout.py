"""Bars, voices, note lengths, accents, ghosts, flams, tempo and rehearsal marks of a laid-out chart."""
from __future__ import annotations

from fractions import Fraction as F

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Section
from app.domain.song import Chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.notation.drum_key import DRUMS, FEET, HANDS, drum_for
from app.notation.layout import bar_spans, layout
from app.notation.sample_chart import SAMPLE_BARS, sample_chart

R = 480


def chart_of(notes, tempos=(TempoChange(0, 120.0),), sigs=(TimeSignature(0, 4, 4),), sections=()) -> Chart:
    c = Chart(tempo_map=TempoMap(list(tempos), list(sigs), R), sections=list(sections))
    c.drums.notes[Difficulty.EXPERT] = NoteList(notes)
    return c


def keys(event) -> list[str]:
    return [h.drum.key for h in event.hits]


def test_lane_map() -> None:
    assert drum_for(Note(0, Lane.KICK)).key == "kick"
    assert drum_for(Note(0, Lane.RED)).key == "snare"
    assert [drum_for(Note(0, lane, cymbal=True)).key for lane in (Lane.YELLOW, Lane.BLUE, Lane.GREEN)] == \
        ["hihat", "ride", "crash"]
    assert [drum_for(Note(0, lane)).key for lane in (Lane.YELLOW, Lane.BLUE, Lane.GREEN)] == \
        ["high_tom", "mid_tom", "floor_tom"]


def test_drum_key_positions() -> None:
    assert {k: DRUMS[k].display for k in ("kick", "snare", "high_tom", "mid_tom", "floor_tom", "hihat",
                                           "ride", "crash")} == {
        "kick": "F4", "snare": "C5", "high_tom": "E5", "mid_tom": "D5", "floor_tom": "A4",
        "hihat": "G5", "ride": "F5", "crash": "A5"}
    assert all(DRUMS[k].notehead == "x" for k in ("hihat", "ride", "crash", "hihat_open"))
    assert DRUMS["kick"].voice == FEET and DRUMS["snare"].voice == HANDS


def test_feet_and_hands_go_to_their_own_voices() -> None:
    bar = layout(chart_of([Note(0, Lane.KICK), Note(0, Lane.YELLOW, cymbal=True), Note(480, Lane.RED)]))[0]
    assert [keys(e) for e in bar.voices[HANDS] if e.hits] == [["hihat"], ["snare"]]
    assert [keys(e) for e in bar.voices[FEET] if e.hits] == [["kick"]]


def test_notes_last_to_the_next_onset_or_the_beat_end() -> None:
    notes = [Note(0, Lane.RED), Note(360, Lane.RED), Note(960, Lane.RED)]
    hands = layout(chart_of(notes))[0].voices[HANDS]
    assert [(e.offset, e.length, bool(e.hits)) for e in hands] == [
        (0, F(3, 4), True), (F(3, 4), F(1, 4), True),  # dotted 8th + 16th
        (1, 1, False),                                  # empty beat 2: quarter rest
        (2, 1, True), (3, 1, False)]                    # note on 3 lasts to the beat's end


def test_leading_rests_in_a_beat_are_not_dotted() -> None:
    hands = layout(chart_of([Note(360, Lane.RED)]))[0].voices[HANDS]
    assert [(e.offset, e.length, bool(e.hits)) for e in hands[:3]] == [
        (0, F(1, 2), False), (F(1, 2), F(1, 4), False), (F(3, 4), F(1, 4), True)]


def test_empty_bar_is_one_whole_bar_rest_and_empty_beats_pair_into_half_rests() -> None:
    bars = layout(chart_of([Note(0, Lane.RED), Note(2 * 1920, Lane.RED)]))
    assert [(e.offset, e.length) for e in bars[1].voices[HANDS]] == [(0, 4)]
    assert FEET not in bars[1].voices and FEET not in bars[0].voices  # an empty foot voice is left out
    assert [(e.offset, e.length) for e in bars[0].voices[HANDS]] == [(0, 1), (1, 1), (2, 2)]


def test_triplet_beats_carry_a_tuplet_and_straight_beats_do_not() -> None:
    bars = {b.number: b for b in layout(sample_chart())}
    hands = bars[4].voices[HANDS]
    assert {e.tuplet for e in hands if e.beat in (0, 1)} == {3}
    assert {e.tuplet for e in hands if e.beat == 2} == {6}
    assert {e.tuplet for e in hands if e.beat == 3} == {0}
    assert {e.length for e in hands if e.beat == 3} == {F(1, 8)}
    assert [e.tuplet for e in bars[4].voices[FEET]] == [0, 0, 0]  # a quarter kick under triplets


def test_accents_ghosts_and_flams() -> None:
    notes = [Note(0, Lane.RED, dynamic=Dynamic.ACCENT), Note(480, Lane.RED, dynamic=Dynamic.GHOST),
             Note(960, Lane.YELLOW, flam=True), Note(960, Lane.BLUE, cymbal=True)]
    hits = [e.hits for e in layout(chart_of(notes))[0].voices[HANDS] if e.hits]
    assert hits[0][0].accent and not hits[0][0].ghost
    assert hits[1][0].ghost and not hits[1][0].accent
    assert [(h.drum.key, h.flam) for h in hits[2]] == [("high_tom", True), ("ride", False)]


def test_time_signatures_shown_when_they_change_and_7_8_is_grouped_3_2_2() -> None:
    bars = layout(sample_chart())
    assert [b.start_tick for b in bars] == list(SAMPLE_BARS)
    assert [(b.numerator, b.denominator) for b in bars if b.show_time_signature] == [(4, 4), (7, 8), (4, 4)]
    assert bars[4].beats == [F(3, 2), 1, 1]


def test_a_time_signature_inside_a_bar_cuts_it_short() -> None:
    tm = TempoMap([], [TimeSignature(0, 4, 4), TimeSignature(1440, 4, 4)], R)
    assert bar_spans(tm, 1440) == [(0, 1440, 3, 4), (1440, 3360, 4, 4)]


def test_tempo_marks_where_the_tempo_changes_but_not_for_wobbles() -> None:
    tempos = [TempoChange(0, 120.0), TempoChange(480, 120.4), TempoChange(1920, 121.0),
              TempoChange(1920 + 960, 140.0)]
    bars = layout(chart_of([Note(1920 * 2, Lane.RED)], tempos=tempos))
    assert [(b.number, b.tempo_marks) for b in bars if b.tempo_marks] == [(1, [(0, 120.0)]), (2, [(2, 140.0)])]


def test_rehearsal_marks_from_sections() -> None:
    bars = layout(chart_of([Note(1920 * 2, Lane.RED)], sections=[
        Section(0, "Intro"), Section(1920, "Verse 1"), Section(1920, "Build"), Section(1920 + 480, "Hit")]))
    assert bars[0].rehearsal_marks == [(0, "Intro")]
    assert bars[1].rehearsal_marks == [(0, "Build / Verse 1"), (1, "Hit")]


def test_onsets_played_just_before_a_beat_land_on_it() -> None:
    bars = layout(chart_of([Note(1920 - 5, Lane.RED), Note(1920 * 2, Lane.RED)]))
    assert [e.offset for e in bars[1].voices[HANDS] if e.hits] == [0]
    assert all(e.is_rest for e in bars[0].voices[HANDS])
