"""Generating Hard, Medium and Easy from Expert: one table per rule, plus invariants."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind
from app.domain.reduction import (RULES, fill_missing_difficulties, position_strength, reduce_chord,
                                  reduce_difficulty)
from app.domain.song import Chart
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.domain.validation import validate

R = 480
E, H, M, EZ = Difficulty.EXPERT, Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY
K, S = Lane.KICK, Lane.RED


def hat(t, **kw):
    return Note(t, Lane.YELLOW, cymbal=True, **kw)


def crash(t):
    return Note(t, Lane.GREEN, cymbal=True)


def ride(t):
    return Note(t, Lane.BLUE, cymbal=True)


def tom(t, lane):
    return Note(t, lane)


def chart_of(notes, bpm=120.0, sigs=(), phrases=()) -> Chart:
    c = Chart(tempo_map=TempoMap([TempoChange(0, bpm)], list(sigs), R))
    c.drums.notes[E] = NoteList(notes)
    for p in phrases:
        c.drums.add_phrase(p)
    return c


def rock_beat(bars=2):
    """8th hats, kick on 1 and 3, snare on 2 and 4, crash instead of the hat on bar 1."""
    out = []
    for b in range(bars):
        base = b * 4 * R
        for i in range(8):
            t = base + i * R // 2
            out.append(crash(t) if (b == 0 and i == 0) else hat(t))
        out += [Note(base, K), Note(base + 2 * R, K), Note(base + R, S), Note(base + 3 * R, S)]
    return out


def keys(nl):
    return [(n.tick, n.lane.name, n.cymbal) for n in nl]


def chord_map(nl):
    out: dict[int, set] = {}
    for n in nl:
        out.setdefault(n.tick, set()).add((n.lane, n.cymbal))
    return out


# ---- the rock beat at 120 BPM through every difficulty ------------------------------------------

def test_rock_beat_hard_is_unchanged() -> None:
    c = chart_of(rock_beat())
    assert reduce_difficulty(c, H) == c.drums.expert


def test_rock_beat_medium_keeps_eighths_and_one_pad_with_kick() -> None:
    c = chart_of(rock_beat(1))
    got = chord_map(reduce_difficulty(c, M))
    assert sorted(got) == [i * R // 2 for i in range(8)]
    assert got[0] == {(K, False), (Lane.GREEN, True)}            # kick + crash
    assert got[R] == {(S, False), (Lane.YELLOW, True)}            # two pads, no kick
    assert got[2 * R] == {(K, False), (Lane.YELLOW, True)}


def test_rock_beat_easy_is_one_gem_per_quarter() -> None:
    c = chart_of(rock_beat(1))
    got = chord_map(reduce_difficulty(c, EZ))
    assert got == {0: {(Lane.GREEN, True)}, R: {(S, False)}, 2 * R: {(K, False)}, 3 * R: {(S, False)}}


# ---- fast runs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bpm, expect_every", [
    (180.0, 2),   # 16ths at 180 BPM are 83 ms apart: Hard keeps every other (8ths)
    (100.0, 1),   # 16ths at 100 BPM are 150 ms apart: Hard keeps them all
])
def test_hard_thins_sixteenth_hats_by_tempo(bpm, expect_every) -> None:
    c = chart_of([hat(i * R // 4) for i in range(16)] + [Note(0, K), Note(R, S)], bpm=bpm)
    ticks = sorted(chord_map(reduce_difficulty(c, H)))
    assert ticks == [i * R // 4 for i in range(0, 16, expect_every)]


def test_hard_keeps_every_other_of_thirty_seconds_on_the_strong_side() -> None:
    c = chart_of([Note(R // 8 + i * R // 8, S) for i in range(8)], bpm=100.0)  # starts off the 16th grid
    ticks = sorted(chord_map(reduce_difficulty(c, H)))
    assert ticks == [R // 4 + i * R // 4 for i in range(4)]       # the 16th positions survive


@pytest.mark.parametrize("difficulty, expected", [
    (H, [0, R // 3, 2 * R // 3, R, 4 * R // 3, 5 * R // 3]),       # triplet 8ths at 100 BPM: 200 ms, kept
    (M, [0, R]),                                                  # off the 8th grid: only the beats
    (EZ, [0, R]),
])
def test_triplets(difficulty, expected) -> None:
    c = chart_of([hat(i * R // 3) for i in range(6)], bpm=100.0)
    assert sorted(chord_map(reduce_difficulty(c, difficulty))) == expected


def test_hard_thins_sextuplets_to_triplet_eighths() -> None:
    c = chart_of([Note(i * R // 6, S) for i in range(12)], bpm=100.0)   # 100 ms apart, < a 16th
    assert sorted(chord_map(reduce_difficulty(c, H))) == [i * R // 3 for i in range(6)]


# ---- kicks --------------------------------------------------------------------------------------

def two_x_run():
    """16th kicks at 100 BPM; the in-between ones are Expert+ 2x kicks."""
    return [Note(i * R // 4, K, double_kick=bool(i % 2)) for i in range(16)] + [hat(i * R) for i in range(4)]


@pytest.mark.parametrize("difficulty, kick_ticks", [
    (H, [i * R // 2 for i in range(8)]),   # 2x kicks dropped, the 8th kicks stay
    (M, [0, R, 2 * R, 3 * R]),             # one kick per beat
    (EZ, [0, R, 2 * R, 3 * R]),            # one gem per quarter: the kick wins over a hi-hat
])
def test_two_x_kicks_are_dropped_not_converted(difficulty, kick_ticks) -> None:
    got = reduce_difficulty(chart_of(two_x_run()), difficulty)
    assert not any(n.double_kick for n in got)
    assert [n.tick for n in got if n.lane is K] == kick_ticks


def test_medium_limits_kicks_to_one_per_beat() -> None:
    notes = [Note(0, K), Note(R // 2, K), Note(R, S), Note(2 * R, K), Note(5 * R // 2, K), Note(3 * R, S)]
    got = reduce_difficulty(chart_of(notes), M)
    assert [n.tick for n in got if n.lane is K] == [0, 2 * R]


# ---- chords -------------------------------------------------------------------------------------

@pytest.mark.parametrize("chord, hard, medium, easy", [
    ([Note(0, S), hat(0), crash(0)], {S, Lane.GREEN}, {S, Lane.GREEN}, {S}),
    ([Note(0, K), Note(0, S), hat(0), crash(0)], {K, S, Lane.GREEN}, {K, S}, {S}),
    ([hat(0), ride(0), crash(0)], {Lane.GREEN, Lane.BLUE}, {Lane.GREEN, Lane.BLUE}, {Lane.GREEN}),
    ([tom(0, Lane.YELLOW), tom(0, Lane.BLUE), tom(0, Lane.GREEN)], {Lane.YELLOW, Lane.BLUE},
     {Lane.YELLOW, Lane.BLUE}, {Lane.YELLOW}),
    ([Note(0, K), hat(0)], {K, Lane.YELLOW}, {K, Lane.YELLOW}, {K}),
    ([Note(0, K), crash(0)], {K, Lane.GREEN}, {K, Lane.GREEN}, {Lane.GREEN}),
    ([Note(0, K), tom(0, Lane.BLUE)], {K, Lane.BLUE}, {K, Lane.BLUE}, {K}),
])
def test_chord_limits(chord, hard, medium, easy) -> None:
    for difficulty, expected in ((H, hard), (M, medium), (EZ, easy)):
        r = RULES[difficulty]
        got = reduce_chord(chord, r.max_pads, r.max_pads_with_kick, r.max_gems)
        assert {n.lane for n in got} == expected, difficulty


def test_expert_three_pad_chords_keep_the_two_most_important() -> None:
    c = chart_of([Note(0, K), Note(0, S), hat(0), crash(0), hat(R), tom(R, Lane.BLUE), tom(R, Lane.GREEN)])
    assert keys(reduce_difficulty(c, E)) == [(0, "KICK", False), (0, "RED", False), (0, "GREEN", True),
                                             (R, "YELLOW", True), (R, "BLUE", False)]


# ---- flags --------------------------------------------------------------------------------------

def test_flags_below_expert() -> None:
    notes = [Note(0, S, dynamic=Dynamic.ACCENT, flam=True), Note(R, S, dynamic=Dynamic.GHOST),
             Note(2 * R, Lane.BLUE, cymbal=True), Note(3 * R, Lane.BLUE)]
    for d in (H, M, EZ):
        got = reduce_difficulty(chart_of(notes), d)
        assert [n for n in got] == [Note(0, S, dynamic=Dynamic.ACCENT), Note(2 * R, Lane.BLUE, cymbal=True),
                                    Note(3 * R, Lane.BLUE)], d


@pytest.mark.parametrize("tick, strength", [(0, 4), (R, 3), (R // 2, 2), (R // 4, 1), (R // 3, 1), (R // 8, 0),
                                            (4 * R, 4)])
def test_position_strength(tick, strength) -> None:
    assert position_strength(TempoMap(resolution=R), tick) == strength


def test_position_strength_follows_time_signatures() -> None:
    tm = TempoMap([], [TimeSignature(0, 3, 4), TimeSignature(3 * R, 7, 8)], R)
    assert position_strength(tm, 3 * R) == 4 and position_strength(tm, 3 * R + R // 2) == 3
    assert position_strength(tm, 3 * R + 7 * R // 2) == 4


# ---- guards -------------------------------------------------------------------------------------

def test_fill_end_chord_survives_every_difficulty() -> None:
    end = R + R // 4                                                   # a 16th: off Easy's grid
    notes = [Note(0, K), hat(0), Note(R, S), Note(end, K), crash(end)]
    c = chart_of(notes, phrases=[Phrase(R // 2, end - R // 2, PhraseKind.FILL)])
    for d in (H, M, EZ):
        got = reduce_difficulty(c, d)
        assert any(n.tick == end for n in got), d
        assert all(n.tick != R for n in got) or d is H                 # too close: the neighbour goes


def test_star_power_keeps_a_note_on_easy() -> None:
    notes = [Note(0, K), Note(R // 4 + 4 * R, S), Note(8 * R, S)]
    c = chart_of(notes, phrases=[Phrase(4 * R, R, PhraseKind.STAR_POWER)])
    assert [n.tick for n in reduce_difficulty(c, EZ)] == [0, 4 * R + R // 4, 8 * R]


# ---- fill_missing_difficulties ------------------------------------------------------------------

def test_fill_missing_difficulties_regenerates_only_unauthored_and_undoes() -> None:
    c = chart_of(rock_beat())
    authored_hard = NoteList([Note(0, K)])
    c.drums.notes[H] = authored_hard.copy()
    c.drums.authored = {E, H}
    edit = fill_missing_difficulties(c)
    edit.apply(c)
    assert c.drums.notes[H] == authored_hard
    assert c.drums.notes[M] == reduce_difficulty(c, M) and len(c.drums.notes[EZ]) > 0
    edit.revert(c)
    assert len(c.drums.notes[M]) == 0 and len(c.drums.notes[EZ]) == 0
    c.drums.notes[M] = reduce_difficulty(c, M)
    c.drums.notes[EZ] = reduce_difficulty(c, EZ)
    assert fill_missing_difficulties(c).edits == []


# ---- invariants on random Expert charts ---------------------------------------------------------

_note = st.builds(
    lambda t, lane, cym, dk, dyn: Note(t, lane, cymbal=cym and lane.can_be_cymbal, double_kick=dk and lane is K,
                                       dynamic=dyn if lane is not K else Dynamic.NORMAL),
    st.integers(0, 16 * R).map(lambda t: t - t % 40), st.sampled_from(list(Lane)), st.booleans(), st.booleans(),
    st.sampled_from(list(Dynamic)))


@settings(max_examples=60, deadline=None)
@given(st.lists(_note, max_size=80, unique_by=lambda n: n.key), st.sampled_from([70.0, 120.0, 200.0]))
def test_invariants(notes, bpm) -> None:
    c = chart_of(notes, bpm=bpm)
    expert = {(n.tick, n.lane): n for n in c.drums.expert}
    tm = c.tempo_map
    for d in (H, M, EZ):
        got = reduce_difficulty(c, d)
        rule = RULES[d]
        for n in got:
            src = expert[(n.tick, n.lane)]                              # subset of Expert
            assert n.cymbal == src.cymbal and not n.double_kick and not n.flam
            assert n.dynamic is not Dynamic.GHOST
        ticks = got.ticks()
        for a, b in zip(ticks, ticks[1:]):
            assert tm.tick_to_s(b) - tm.tick_to_s(a) > 0.015           # never a brokenNote
            assert b - a >= rule.min_gap_beats * R
            assert tm.tick_to_s(b) - tm.tick_to_s(a) >= rule.min_gap_s - 1e-9
        for _, chord in got.chords():
            pads = sum(n.lane.is_pad for n in chord)
            kicks = sum(n.lane is K for n in chord)
            assert pads <= 2 and len(chord) <= rule.max_gems
            if d is M:
                assert pads <= 1 or kicks == 0
            if d is EZ:
                assert len(chord) == 1
    c.drums.notes.update({d: reduce_difficulty(c, d) for d in (H, M, EZ)})
    c.drums.notes[E] = reduce_difficulty(c, E)
    bad = {"brokenNote", "invalidChord", "difficultyForbiddenNote"}
    assert [f for f in validate(c) if f.code in bad and f.difficulty is not E] == []
    assert [f for f in validate(c) if f.code in bad - {"brokenNote"}] == []
