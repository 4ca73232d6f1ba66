"""Calibration: thresholds fitted per evaluation class, timing offsets per fine class."""
from __future__ import annotations

import numpy as np

from app.constants import DRUM_CLASSES
from app.training.evaluation import calibrate
from app.training.examples import Example
from app.transcription.activations import Activations
from app.transcription.decode import DecodeParams

FR = 100.0


def _example(times: list[float], classes: list[str]) -> Example:
    return Example(np.zeros((1, 1000, 1), np.float16), np.array(times), np.array([DRUM_CLASSES.index(c) for c in classes]),
                   np.full(len(times), 0.8), {})


def test_open_called_for_closed_hihat_still_counts_as_hihat() -> None:
    """Closed hi-hats the model calls 'open' at 0.45 are wrong fine labels but right notes: the calibrated
    open threshold must let them through (the fine-class optimum would not), and offsets centre matches."""
    probs = np.zeros((1000, len(DRUM_CLASSES)), np.float32)
    closed, opened = DRUM_CLASSES.index("hihat_closed"), DRUM_CLASSES.index("hihat_open")
    times = np.arange(0.5, 9.5, 0.25)
    for k, t in enumerate(times):
        f = int(round(t * FR)) + 1  # the model fires one frame (10 ms) late
        if k % 3 == 0:
            probs[f, opened] = 0.45
        else:
            probs[f, closed] = 0.9
    for t in np.arange(0.6, 9.5, 1.0):  # true open hats, confidently open
        probs[int(round(t * FR)) + 1, opened] = 0.95
    labels = [(float(t), "hihat_closed") for t in times] + [(float(t), "hihat_open") for t in np.arange(0.6, 9.5, 1.0)]
    labels.sort()
    ex = _example([t for t, _ in labels], [c for _, c in labels])
    act = Activations(FR, probs, np.ones(1000, np.float32))
    params = DecodeParams(thresholds={}, nms_groups=(("hihat_closed", "hihat_open"),))
    thresholds, offsets, f = calibrate([act], [ex], params)
    assert thresholds["hihat_open"] <= 0.45
    assert f > 0.99
    assert abs(offsets["hihat_closed"] + 10.0) < 0.5


def test_toms_keep_their_own_thresholds() -> None:
    """High and floor tom are different lanes: a high-tom output that also fires (weaker) on floor-tom hits
    must not be calibrated down to catch them, even though both are 'toms' in the evaluation classes."""
    probs = np.zeros((1000, len(DRUM_CLASSES)), np.float32)
    hi, fl = DRUM_CLASSES.index("tom_high"), DRUM_CLASSES.index("tom_floor")
    labels = []
    for k, t in enumerate(np.arange(0.5, 9.5, 0.25)):
        f = int(round(t * FR))
        if k % 2:
            probs[f, hi] = 0.9
            labels.append((float(t), "tom_high"))
        else:
            probs[f, hi], probs[f, fl] = 0.5, 0.3
            labels.append((float(t), "tom_floor"))
    ex = _example([t for t, _ in labels], [c for _, c in labels])
    thresholds, _, f = calibrate([Activations(FR, probs, np.ones(1000, np.float32))], [ex], DecodeParams(thresholds={}))
    assert thresholds["tom_high"] > 0.5 and thresholds["tom_floor"] <= 0.3
