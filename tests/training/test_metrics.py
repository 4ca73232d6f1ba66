"""Evaluation metrics: table-driven cases."""
from __future__ import annotations

import numpy as np
import pytest

from app.training import metrics as M


@pytest.mark.parametrize("ref, est, tp, fp, fn", [
    ([1.0, 2.0, 3.0], [1.01, 2.04, 3.2], 2, 1, 1),
    ([], [1.0], 0, 1, 0),
    ([1.0], [], 0, 0, 1),
    ([1.0, 1.02], [1.0], 1, 0, 1),       # one estimate matches one reference only
    ([1.0], [0.951, 1.049], 1, 1, 0),
])
def test_matching_counts(ref, est, tp, fp, fn) -> None:
    s = M.score_track({"kick": np.array(ref)}, {"kick": np.array(est)}, ["kick"], 0.05)["kick"]
    assert (s.tp, s.fp, s.fn) == (tp, fp, fn)


def test_pooled_sum_and_offsets() -> None:
    ref = {"kick": np.array([1.0, 2.0]), "snare": np.array([1.5])}
    est = {"kick": np.array([1.01, 2.01]), "snare": np.array([1.6])}
    tracks = [M.score_track(ref, est, ["kick", "snare"]), M.score_track(ref, est, ["kick", "snare"])]
    p = M.pooled(tracks, ["kick", "snare"])
    assert (p["sum"].tp, p["sum"].fp, p["sum"].fn) == (4, 2, 2)
    assert p["kick"].f == 1.0 and p["kick"].offset_median_ms == pytest.approx(10.0)
    assert p["sum"].f == pytest.approx(2 * 4 / (2 * 4 + 2 + 2))
    lo, hi = M.bootstrap_f(tracks, "sum", n=200)
    assert lo <= p["sum"].f <= hi


def test_recall_by_ioi_bins() -> None:
    ref = {"snare": np.array([1.0, 1.015, 2.0])}   # a flam: 15 ms apart
    est = {"snare": np.array([1.0, 2.0])}
    rows = dict((lab, (f, n)) for lab, f, n in M.recall_by_ioi(ref, est, ["snare"])["snare"])
    assert rows["0-20 ms"] == (0, 1) and rows["250-10000 ms"] == (1, 1)


@pytest.mark.parametrize("t, label", [(1.0, "beat"), (1.25, "8th"), (1.125, "16th"), (1.0625, "32nd"),
                                      (1.03125, "64th"), (1.5 / 3 + 1.0 - 0.5 / 3 * 0 - 0.5 + 0.5 / 3, "8th triplet"),
                                      (1.01, "off-grid")])
def test_subdivision(t, label) -> None:
    beats = np.arange(0, 10, 0.5)  # 120 BPM
    assert M.subdivision_of(np.array([t]), beats) == [label]


def test_confusion_tom_for_cymbal() -> None:
    ref = {"toms": np.array([1.0]), "cymbals": np.array([])}
    est = {"toms": np.array([]), "cymbals": np.array([1.01])}
    c = M.confusions(ref, est)
    assert c[("toms", "cymbals")] == 1 and c[("cymbals", "toms")] == 0


def test_ignored_references_count_neither_way() -> None:
    ref = {"snare": np.array([1.0, 2.0])}
    ignore = {"snare": np.array([1.5, 3.0])}
    est = {"snare": np.array([1.01, 1.5, 4.0])}    # one hit, one on an ignored ghost, one false alarm
    s = M.score_track(ref, est, ["snare"], 0.05, ignore=ignore)["snare"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.offsets_ms == pytest.approx([10.0])
    plain = M.score_track(ref, est, ["snare"], 0.05)["snare"]
    assert (plain.tp, plain.fp, plain.fn) == (1, 2, 1)
