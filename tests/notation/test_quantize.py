"""Per-beat grid choice (straight 8th/16th/32nd vs triplet 8th/16th), beat groups and note-value splits."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from app.notation.quantize import beat_groups, choose_grid, split_value


@pytest.mark.parametrize("onsets, step", [
    ([], F(1)),                                          # empty beat
    ([F(0)], F(1)),                                      # a quarter
    ([F(0), F(1, 2)], F(1, 2)),                          # 8ths
    ([F(0), F(1, 4), F(3, 4)], F(1, 4)),                 # 16ths
    ([F(3, 4)], F(1, 4)),                                # the 'a' of the beat alone
    ([F(0), F(1, 3), F(2, 3)], F(1, 3)),                 # triplet 8ths
    ([F(1, 3)], F(1, 3)),                                # a lone triplet
    ([F(0), F(1, 8), F(1, 4), F(3, 8)], F(1, 8)),        # 32nds
    ([F(k, 6) for k in range(6)], F(1, 6)),              # triplet 16ths (sextuplet)
    ([F(0), F(1, 6), F(1, 2)], F(1, 6)),                 # 16th-triplet figure
    ([F(0), F(1, 2) + F(1, 100)], F(1, 2)),              # played slightly late: still 8ths
    ([F(0), F(33, 100), F(67, 100)], F(1, 3)),           # played triplets, off by a hair
    ([F(0), F(26, 100), F(49, 100), F(76, 100)], F(1, 4)),  # played 16ths
])
def test_choose_grid_table(onsets, step) -> None:
    assert choose_grid(onsets).step == step


def test_grid_never_merges_two_onsets_it_can_keep_apart() -> None:
    g = choose_grid([F(0), F(1, 8)])
    assert g.step == F(1, 8) and len(g.positions) == 2


def test_unquantised_onsets_go_to_the_nearest_grid() -> None:
    g = choose_grid([F(0), F(30, 100), F(70, 100)])  # closer to triplets than to 16ths
    assert g.step == F(1, 3) and g.positions == (F(0), F(1, 3), F(2, 3))


def test_grid_must_divide_the_beat() -> None:
    # a dotted-quarter beat (6/8) has no quarter or triplet grid
    assert choose_grid([F(0), F(1)], length=F(3, 2)).step == F(1, 2)
    assert choose_grid([F(0), F(1, 4)], length=F(1, 2)).step == F(1, 4)


@pytest.mark.parametrize("sig, groups", [
    ((4, 4), [1, 1, 1, 1]),
    ((3, 4), [1, 1, 1]),
    ((2, 2), [1, 1, 1, 1]),
    ((6, 8), [F(3, 2), F(3, 2)]),
    ((12, 8), [F(3, 2)] * 4),
    ((7, 8), [F(3, 2), 1, 1]),
    ((5, 8), [F(3, 2), 1]),
    ((3, 8), [F(3, 2)]),
    ((4, 8), [1, 1]),
    ((7, 16), [F(3, 4), F(1, 2), F(1, 2)]),
])
def test_beat_groups(sig, groups) -> None:
    assert beat_groups(*sig) == groups
    assert sum(groups) == F(4 * sig[0], sig[1])


@pytest.mark.parametrize("length, values", [
    (F(5, 8), [F(1, 2), F(1, 8)]),
    (F(3, 4), [F(3, 4)]),
    (F(7, 8), [F(3, 4), F(1, 8)]),
])
def test_split_note_values(length, values) -> None:
    from app.notation.quantize import NOTE_VALUES
    assert split_value(length, NOTE_VALUES) == values


def test_rests_are_not_dotted_inside_a_beat() -> None:
    from app.notation.quantize import REST_VALUES
    assert split_value(F(3, 4), REST_VALUES) == [F(1, 2), F(1, 4)]
