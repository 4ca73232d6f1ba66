"""The MusicXML of the sample chart parses back with music21 to the chart's onsets, drum by drum."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from fractions import Fraction

import pytest

music21 = pytest.importorskip("music21")
from music21 import articulations, converter, percussion  # noqa: E402

from app.domain.lanes import Difficulty  # noqa: E402
from app.notation import notation_musicxml  # noqa: E402
from app.notation.drum_key import DRUM_KEY, drum_at, drum_for  # noqa: E402
from app.notation.sample_chart import sample_chart  # noqa: E402


@pytest.fixture(scope="module")
def xml() -> bytes:
    return notation_musicxml(sample_chart())


@pytest.fixture(scope="module")
def part(xml):
    return converter.parseData(xml.decode("utf-8"), format="musicxml").parts[0]


def parsed_notes(part):
    """(onset in quarter notes, Unpitched, chord or note) for every written (non-grace) note."""
    out = []
    for el in part.flatten().notes:
        if el.duration.isGrace:
            continue
        members = list(el.notes) if isinstance(el, percussion.PercussionChord) else [el]
        for n in members:
            out.append((Fraction(el.offset).limit_denominator(96), n, el))
    return out


def drum_of(n) -> str:
    opened = any(isinstance(a, articulations.OpenString) for a in n.articulations)
    return drum_at(n.displayStep, n.displayOctave, opened).key


def test_onsets_per_instrument_match_the_chart(part) -> None:
    chart = sample_chart()
    want = Counter((drum_for(n).key, Fraction(n.tick, chart.resolution)) for n in chart.drums.expert)
    got = Counter((drum_of(n), t) for t, n, _ in parsed_notes(part))
    assert got == want


def test_measures_and_time_signatures(part) -> None:
    measures = list(part.getElementsByClass("Measure"))
    assert [m.offset for m in measures] == [0, 4, 8, 12, 16, 19.5, 23.5, 27.5]
    assert [(m.number, m.timeSignature.ratioString) for m in measures if m.timeSignature] == [
        (1, "4/4"), (5, "7/8"), (6, "4/4")]
    for m in measures:  # every voice fills its bar exactly
        for v in m.voices:
            assert v.duration.quarterLength == m.barDuration.quarterLength


def test_stems_up_for_hands_down_for_feet(part) -> None:
    for _, n, el in parsed_notes(part):
        want = "down" if drum_of(n) == "kick" else "up"
        assert n.stemDirection == want or el.stemDirection == want


def test_noteheads_accents_and_ghosts(part) -> None:
    notes = parsed_notes(part)
    assert {drum_of(n) for _, n, _ in notes if n.notehead == "x"} == {"hihat", "ride", "crash"}
    ghosts = sorted(t for t, n, _ in notes if n.noteheadParenthesis)
    assert ghosts == [Fraction(19, 4), Fraction(29, 4), Fraction(31, 4)]
    accented = {t for t, n, el in notes
                if any(isinstance(a, articulations.Accent) for a in list(n.articulations) + list(el.articulations))}
    assert {0 + 1, 2, 3, 8 + 3} <= accented and Fraction(1, 2) not in accented


def test_flams_are_slashed_grace_notes_before_the_note(part) -> None:
    graces = [el for el in part.flatten().notes if el.duration.isGrace]
    assert len(graces) == 1
    assert graces[0].offset == 11 and graces[0].displayName == "C5" and graces[0].duration.slash


def test_tempo_and_rehearsal_marks(part) -> None:
    marks = [(x.getOffsetInHierarchy(part), x.number) for x in part.recurse().getElementsByClass("MetronomeMark")]
    assert marks == [(0, 120), (19.5, 150)]
    reh = [(x.getOffsetInHierarchy(part), x.content) for x in part.recurse().getElementsByClass("RehearsalMark")]
    assert reh == [(0, "Intro"), (8, "Fill"), (16, "Odd bar"), (19.5, "Verse")]


def test_triplets_are_written_as_tuplets(part) -> None:
    m4 = part.measure(4)
    tup = Counter((el.duration.tuplets[0].numberNotesActual if el.duration.tuplets else 0)
                  for v in m4.voices for el in v.notesAndRests)
    assert tup[3] == 6 and tup[6] == 6


def test_percussion_instrument_list_with_midi_unpitched(xml) -> None:
    root = ET.fromstring(xml)
    sp = root.find("part-list/score-part")
    assert [si.findtext("instrument-name") for si in sp.findall("score-instrument")] == [d.name for d in DRUM_KEY]
    unpitched = {mi.get("id"): int(mi.findtext("midi-unpitched")) for mi in sp.findall("midi-instrument")}
    assert unpitched["P1-I37"] == 37 and unpitched["P1-I39"] == 39  # GM 36 kick, 38 snare (1-based)
    notes = [n for n in root.iter("note") if n.find("unpitched") is not None]
    assert all(n.find("instrument") is not None for n in notes)
    assert root.find("part/measure/attributes/clef/sign").text == "percussion"


def test_lower_difficulty_is_generated_when_not_charted() -> None:
    xml = notation_musicxml(sample_chart(), Difficulty.EASY)
    part = converter.parseData(xml.decode("utf-8"), format="musicxml").parts[0]
    assert 0 < len(parsed_notes(part)) < len(sample_chart().drums.expert)
