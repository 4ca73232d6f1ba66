"""The per-class threshold shift towards real recordings: it follows the real data where the synthetic
data does not mind, and leaves alone classes the real recordings lack."""
from dataclasses import replace

import numpy as np

from app.constants import DRUM_CLASSES
from app.training.real_adjustment import LabelledActivations, shift_thresholds
from app.transcription.activations import Activations
from app.transcription.decode import load_preset

RATE = 100.0


def _recording(true_s, false_s, true_p, false_p, n_frames=1000) -> Activations:
    """Snare activations: peaks of true_p at the true onsets, false_p at false alarms."""
    probs = np.zeros((n_frames, len(DRUM_CLASSES)), np.float32)
    k = DRUM_CLASSES.index("snare_head")
    for times, p in ((true_s, true_p), (false_s, false_p)):
        for t in times:
            probs[int(round(t * RATE)), k] = p
    zeros = np.zeros_like(probs)
    return Activations(RATE, probs, probs.max(axis=1), zeros, zeros, tuple(DRUM_CLASSES))


def test_shift_follows_real_false_alarms_and_spares_absent_classes():
    params = load_preset("conservative")
    params = replace(params, thresholds={**params.thresholds, "snare_head": 0.5,
                                              "snare_rim": 0.5, "tom_high": 0.4})
    true_s = np.arange(0.5, 9.5, 0.5)
    # synthetic: true hits at 0.9, nothing else -> any threshold up to 0.9 is as good
    synthetic = [LabelledActivations(_recording(true_s, [], 0.9, 0.0), {"snare": true_s})]
    # real: true hits at 0.85, false alarms at 0.62 between them -> wants a threshold above 0.62
    false_s = true_s[:-1] + 0.25
    real = [LabelledActivations(_recording(true_s, false_s, 0.85, 0.62), {"snare": true_s})]
    thresholds, choices = shift_thresholds(synthetic, real, params)
    assert set(choices) == {"snare"}
    assert 0.62 < thresholds["snare_head"] <= 0.85
    assert thresholds["snare_rim"] == 0.5  # side-stick is not scored (MDB files it under "other")
    assert thresholds["tom_high"] == 0.4  # no toms in the real recordings: the synthetic fit stays
    ch = choices["snare"]
    assert ch.real_f[1] == 1.0 and ch.real_f[0] < 1.0 and ch.synthetic_f == (1.0, 1.0)
