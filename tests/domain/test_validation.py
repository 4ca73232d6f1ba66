"""Chart validation: each check, firing and not firing, on a chart that is otherwise clean."""
from __future__ import annotations

import pytest

from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section
from app.domain.song import Chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.domain.validation import (ColourConflict, Finding, find_colour_conflicts, format_finding, has_errors,
                                   validate)

R = 480
E, H, M, EZ = Difficulty.EXPERT, Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY
K, S, Y, B, G = Lane.KICK, Lane.RED, Lane.YELLOW, Lane.BLUE, Lane.GREEN
BAR = 4 * R
MS_PER_TICK = 60_000 / (100 * R)   # 1.25 ms at 100 BPM


def beat(bars: int, start: int = BAR) -> list[Note]:
    out = []
    for b in range(bars):
        t = start + b * BAR
        out += [Note(t, K), Note(t, G, cymbal=True), Note(t + R, S), Note(t + 2 * R, K), Note(t + 3 * R, S)]
    return out


def clean() -> Chart:
    """100 BPM 4/4, a section, notes from bar 2 (2.4 s) for four bars, Expert only."""
    c = Chart(tempo_map=TempoMap([TempoChange(0, 100.0)], [TimeSignature(0, 4, 4)], R))
    c.drums.notes[E] = NoteList(beat(4))
    c.sections.append(Section(0, "Intro"))
    return c


def add(d: Difficulty, *notes: Note):
    def f(c: Chart) -> None:
        for n in notes:
            c.drums.notes[d].put(n)
    return f


def phrase(p: Phrase):
    return lambda c: c.drums.add_phrase(p)


def sigs(*ts: TimeSignature):
    def f(c: Chart) -> None:
        c.tempo_map = c.tempo_map.replace(time_signatures=list(ts))
    return f


def tempo(*tempos: TempoChange, ts=(TimeSignature(0, 4, 4),)):
    def f(c: Chart) -> None:
        c.tempo_map = TempoMap(list(tempos), list(ts), R)
    return f


def setattr_(name, value):
    return lambda c: setattr(c, name, value)


def both(*fs):
    def f(c: Chart) -> None:
        for g in fs:
            g(c)
    return f


def long_song(with_fill: bool):
    def f(c: Chart) -> None:
        c.drums.notes[E] = NoteList(beat(30))          # 150 chords over 72 s
        c.drums.add_phrase(Phrase(BAR, BAR, PhraseKind.STAR_POWER))
        if with_fill:
            c.drums.add_phrase(Phrase(3 * BAR, BAR, PhraseKind.FILL))
    return f


def copy_expert_to(d: Difficulty, bars: int):
    def f(c: Chart) -> None:
        c.drums.notes[E] = NoteList(beat(bars))
        c.drums.notes[d] = NoteList(beat(bars))
    return f


def empty_chart(c: Chart) -> None:
    c.drums.notes[E] = NoteList()


CASES = [
    # (id, mutation, code, fires, difficulty)
    ("broken-12-ticks", add(E, Note(BAR + R + 12, Y, cymbal=True)), "brokenNote", True, E),
    ("broken-13-ticks", add(E, Note(BAR + R + 13, Y, cymbal=True)), "brokenNote", False, None),
    ("broken-same-tick", add(E, Note(BAR + R, Y, cymbal=True)), "brokenNote", False, None),
    ("three-pads", add(E, Note(BAR + R, Y, cymbal=True), Note(BAR + R, B)), "invalidChord", True, E),
    ("two-pads-kick", add(E, Note(BAR + R, Y, cymbal=True), Note(BAR + R, K)), "invalidChord", False, None),
    ("2x-on-hard", add(H, Note(BAR, K, double_kick=True)), "difficultyForbiddenNote", True, H),
    ("2x-on-expert", add(E, Note(BAR + R // 2, K, double_kick=True)), "difficultyForbiddenNote", False, None),
    ("easy-2pads-kick", add(EZ, Note(BAR, K), Note(BAR, S), Note(BAR, G, cymbal=True)),
     "difficultyForbiddenNote", True, EZ),
    ("easy-pad-kick", add(EZ, Note(BAR, K), Note(BAR, S)), "difficultyForbiddenNote", False, None),
    ("medium-2pads-kick", add(M, Note(BAR, K), Note(BAR, S), Note(BAR, G, cymbal=True)),
     "difficultyForbiddenNote", False, None),
    ("empty-sp", phrase(Phrase(6 * BAR, R, PhraseKind.STAR_POWER)), "emptyStarPower", True, E),
    ("sp-with-notes", phrase(Phrase(BAR, R, PhraseKind.STAR_POWER)), "emptyStarPower", False, None),
    ("sp-empty-on-hard", both(add(H, Note(3 * BAR, K)), phrase(Phrase(BAR, R, PhraseKind.STAR_POWER))),
     "emptyStarPower", True, H),
    ("sp-end-exclusive", phrase(Phrase(BAR - R, R, PhraseKind.STAR_POWER)), "emptyStarPower", True, E),
    ("empty-roll", phrase(Phrase(BAR + R // 4, R // 2, PhraseKind.ROLL)), "emptyFlexLane", True, E),
    ("roll-with-notes", phrase(Phrase(BAR, R // 2, PhraseKind.DOUBLE_ROLL)), "emptyFlexLane", False, None),
    ("roll-not-reaching-hard", both(add(H, Note(3 * BAR, K)),
                                    phrase(Phrase(BAR, R // 2, PhraseKind.ROLL, min_difficulty=E))),
     "emptyFlexLane", False, None),
    ("roll-reaching-hard", both(add(H, Note(3 * BAR, K)),
                                phrase(Phrase(BAR, R // 2, PhraseKind.ROLL, min_difficulty=H))),
     "emptyFlexLane", True, H),
    ("empty-solo", phrase(Phrase(6 * BAR, BAR, PhraseKind.SOLO)), "emptySoloSection", True, E),
    ("solo-with-notes", phrase(Phrase(BAR, BAR, PhraseKind.SOLO)), "emptySoloSection", False, None),
    ("empty-fill", phrase(Phrase(6 * BAR, BAR, PhraseKind.FILL)), "emptyFill", True, E),
    ("fill-ends-on-note", phrase(Phrase(BAR + R, BAR, PhraseKind.FILL)), "fillEndNotOnNote", False, None),
    ("fill-end-includes-last-tick", phrase(Phrase(BAR + R, BAR, PhraseKind.FILL)), "emptyFill", False, None),
    ("fill-ends-off-note", phrase(Phrase(BAR + R, BAR - R // 4, PhraseKind.FILL)), "fillEndNotOnNote", True, E),
    ("no-sections", setattr_("sections", []), "noSections", True, None),
    ("sections", lambda c: None, "noSections", False, None),
    ("ts-mid-bar", sigs(TimeSignature(0, 4, 4), TimeSignature(2 * R, 3, 4)), "misalignedTimeSignature", True, None),
    ("ts-on-bar", sigs(TimeSignature(0, 4, 4), TimeSignature(BAR, 3, 4)), "misalignedTimeSignature", False, None),
    ("ts-after-3-4", sigs(TimeSignature(0, 3, 4), TimeSignature(BAR, 4, 4)), "misalignedTimeSignature", True, None),
    ("ts-after-7-8", sigs(TimeSignature(0, 7, 8), TimeSignature(7 * R, 4, 4)), "misalignedTimeSignature", False, None),
    ("note-at-0.5s", add(E, Note(400, K)), "smallLeadingSilence", True, E),
    ("note-at-1.0s", add(E, Note(800, K)), "smallLeadingSilence", False, None),
    ("end-before-last", setattr_("end_tick", BAR), "badEndEvent", True, None),
    ("end-after-last", setattr_("end_tick", 6 * BAR), "badEndEvent", False, None),
    ("no-end", setattr_("end_tick", None), "badEndEvent", False, None),
    ("default-bpm", tempo(TempoChange(0, 120.0)), "isDefaultBPM", True, None),
    ("120-in-3-4", tempo(TempoChange(0, 120.0), ts=(TimeSignature(0, 3, 4),)), "isDefaultBPM", False, None),
    ("two-tempos", tempo(TempoChange(0, 120.0), TempoChange(BAR, 120.0)), "isDefaultBPM", False, None),
    ("no-notes", empty_chart, "noNotes", True, None),
    ("notes", lambda c: None, "noNotes", False, None),
    ("no-expert", both(empty_chart, add(H, Note(BAR, K))), "noExpert", True, None),
    ("expert", add(H, Note(BAR, K)), "noExpert", False, None),
    ("hard-equals-expert-21-chords", copy_expert_to(H, 6), "difficultyNotReduced", True, H),
    ("hard-equals-expert-20-chords", copy_expert_to(H, 5), "difficultyNotReduced", False, None),
    ("sp-no-fills-long", long_song(False), "noDrumActivationLanes", True, None),
    ("sp-fills-long", long_song(True), "noDrumActivationLanes", False, None),
    ("sp-no-fills-short", phrase(Phrase(BAR, R, PhraseKind.STAR_POWER)), "noDrumActivationLanes", False, None),
]


def test_clean_chart_has_no_findings() -> None:
    assert validate(clean()) == []


@pytest.mark.parametrize("mutate, code, fires, difficulty", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check(mutate, code, fires, difficulty) -> None:
    c = clean()
    mutate(c)
    found = [f for f in validate(c, audio_length_s=60.0) if f.code == code]
    assert bool(found) == fires, found
    if fires:
        assert found[0].difficulty == difficulty
        assert (found[0].tick is None) == (found[0].time_s is None)


@pytest.mark.parametrize("audio_s, fires", [(None, False), (30.0, False), (10.0, True)])
def test_end_event_after_audio(audio_s, fires) -> None:
    c = clean()
    c.end_tick = 6 * BAR                                    # 14.4 s
    assert any(f.code == "badEndEvent" for f in validate(c, audio_s)) == fires


def test_end_event_compares_audio_time_with_delay() -> None:
    c = clean()
    c.end_tick = 6 * BAR                                    # 14.4 s of chart time
    c.metadata.delay_ms = 1000
    assert any(f.code == "badEndEvent" for f in validate(c, 15.0))


def test_misaligned_signature_is_skipped_like_scan_chart() -> None:
    """After a misaligned 3/4 the bar lines continue in 4/4, so 4/4 at bar 3 is fine."""
    c = clean()
    sigs(TimeSignature(0, 4, 4), TimeSignature(R, 3, 4), TimeSignature(2 * BAR, 4, 4))(c)
    found = [f for f in validate(c) if f.code == "misalignedTimeSignature"]
    assert [f.tick for f in found] == [R]


def test_severities_and_has_errors() -> None:
    c = clean()
    c.sections = []
    findings = validate(c)
    assert [f.severity for f in findings] == ["warning"] and not has_errors(findings)
    add(E, Note(BAR + R, Y, cymbal=True), Note(BAR + R, B))(c)
    assert has_errors(validate(c))


def test_findings_are_sorted_by_time() -> None:
    c = clean()
    add(E, Note(3 * BAR + 5, K), Note(BAR + 5, K))(c)
    ticks = [f.tick for f in validate(c) if f.tick is not None]
    assert ticks == sorted(ticks) and len(ticks) == 2


@pytest.mark.parametrize("finding, text", [
    (Finding("error", "brokenNote", "too close", 100, 83.25, E), "[1:23.250] Expert: too close"),
    (Finding("warning", "x", "no time", None, None, EZ), "Easy: no time"),
    (Finding("warning", "noSections", "no sections"), "no sections"),
    (Finding("info", "x", "late", 0, 3725.001, None), "[62:05.001] late"),
])
def test_format_finding(finding, text) -> None:
    assert format_finding(finding) == text


@pytest.mark.parametrize("hits, expected", [
    ([(0, Y, True), (0, Y, False)], [ColourConflict(0, Y)]),
    ([(0, Y, True), (0, B, False), (0, G, True), (0, G, True)], []),
    ([(5, G, False), (5, G, True), (0, B, True), (0, B, False), (1, S, False), (1, S, True)],
     [ColourConflict(0, B), ColourConflict(5, G)]),
    ([], []),
])
def test_find_colour_conflicts(hits, expected) -> None:
    assert find_colour_conflicts(hits) == expected
