"""Beat tracking: the run-at-once dynamic programme equals the frame-by-frame one; a click track's beats."""
from __future__ import annotations

import numpy as np
import pytest

from app.transcription.tempo_estimation import dp_beats, track_beats


def _dp_beats_frame_by_frame(envelope: np.ndarray, period_frames: np.ndarray, tightness: float = 100.0):
    """The plain Ellis (2007) recursion, one frame at a time: the reference dp_beats must equal."""
    env = envelope / (envelope.std() + 1e-9)
    n = len(env)
    win = max(1, int(round(float(np.median(period_frames)) / 16)))
    local = np.convolve(env, np.exp(-0.5 * (np.arange(-2 * win, 2 * win + 1) / win) ** 2), mode="same")
    score, back = local.copy(), np.full(n, -1, dtype=np.int64)
    for t in range(n):
        p = int(round(period_frames[t]))
        lo, hi = t - 2 * p, t - p // 2
        if hi < 0 or p < 2:
            continue
        dist = np.arange(2 * p, p // 2 - 1, -1, dtype=np.float64)
        pen = tightness * np.log(dist / p) ** 2
        start = max(lo, 0)
        cand = score[start:hi + 1] - pen[start - lo:]
        k = int(np.argmax(cand))
        if cand[k] > 0:
            score[t], back[t] = local[t] + cand[k], start + k
    return score, back


def _clicks(n: int, period: float, rng: np.random.Generator) -> np.ndarray:
    env = rng.random(n) * 0.2
    env[np.round(np.arange(3, n, period)).astype(int)] += 1.0
    return env


@pytest.mark.parametrize("seed", range(4))
def test_dp_beats_matches_the_frame_by_frame_recursion(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(300, 2000))
    env = _clicks(n, float(rng.uniform(20, 90)), rng)
    periods = np.interp(np.arange(n), [0, n - 1], rng.uniform(3, 90, 2))   # tempo drifting across the song
    periods[: int(rng.integers(0, 20))] = 1.4                                 # a stretch too fast to track
    import app.transcription.tempo_estimation as te
    seen = {}
    real = te._score_run

    def spy(score, back, local, ts, p, tightness):
        real(score, back, local, ts, p, tightness)
        seen["score"], seen["back"] = score, back
    monkeypatch.setattr(te, "_score_run", spy)
    dp_beats(env, periods)
    ref_score, ref_back = _dp_beats_frame_by_frame(env, periods)
    np.testing.assert_array_equal(seen["back"], ref_back)
    np.testing.assert_allclose(seen["score"], ref_score, rtol=0, atol=1e-9)


def test_click_track_beats_land_on_the_clicks_at_the_tempo_or_its_octave():
    frame_rate, bpm = 100.0, 128.0
    n = int(30 * frame_rate)
    period = 60.0 * frame_rate / bpm
    env = _clicks(n, period, np.random.default_rng(0))
    beats = track_beats(env, frame_rate)
    assert len(beats) > 25
    found = 60.0 / np.median(np.diff(beats))
    assert min(abs(found - bpm), abs(found - bpm / 2)) < 2.0     # unaccented clicks: either octave is a beat
    clicks = np.round(np.arange(3, n, period)) / frame_rate
    error_s = np.min(np.abs(beats[:, None] - clicks[None, :]), axis=1)
    assert np.mean(error_s <= 0.011) >= 0.9
