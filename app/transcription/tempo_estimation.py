"""Beat, meter and downbeat tracking from drum activations, turned into a chart tempo map."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from app.constants import TICKS_PER_BEAT
from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature
from app.transcription.activations import Activations, DrumHit

MIN_BPM, MAX_BPM = 50.0, 280.0
FIT_TOLERANCE_S = 0.012
"""A tempo segment grows while every beat in it stays within this of its constant-tempo grid."""


@dataclass(frozen=True)
class BeatGrid:
    """Beats in audio seconds, the meter (beats per bar) and the index of the first downbeat."""

    beat_times_s: np.ndarray
    beats_per_bar: int
    first_downbeat: int

    @property
    def median_bpm(self) -> float:
        if len(self.beat_times_s) < 2:
            return 120.0
        return 60.0 / float(np.median(np.diff(self.beat_times_s)))


def onset_envelope(act: Activations) -> np.ndarray:
    """(T,) novelty for beat tracking: the onset head plus the summed class activity."""
    env = act.onset.astype(np.float64) + 0.5 * act.probs.sum(axis=1).clip(0, 2)
    return env / (env.max() + 1e-9)


def local_tempo_bpm(envelope: np.ndarray, frame_rate: float, window_s: float = 8.0,
                    hop_s: float = 0.5) -> np.ndarray:
    """(T,) tempo (BPM) per frame: windowed autocorrelation of the envelope on log-spaced tempo
    bins, a log-normal prior around 120 BPM, and a Viterbi path that penalises tempo jumps."""
    env = envelope[: len(envelope) // 2 * 2].reshape(-1, 2).max(axis=1)  # half rate is plenty here
    fps = frame_rate / 2
    win, hop = int(window_s * fps), max(1, int(hop_s * fps))
    if len(env) < win:
        env = np.pad(env, (0, win - len(env)))
    starts = np.arange(0, len(env) - win + 1, hop)
    frames = np.stack([env[s:s + win] for s in starts])
    frames = (frames - frames.mean(axis=1, keepdims=True)) * np.hanning(win)
    n_fft = 1 << int(np.ceil(np.log2(2 * win)))
    ac = np.fft.irfft(np.abs(np.fft.rfft(frames, n_fft, axis=1)) ** 2, n_fft, axis=1)[:, :win]
    ac /= ac[:, :1] + 1e-9
    bpms = np.geomspace(MIN_BPM, MAX_BPM, 160)
    lags = 60.0 * fps / bpms

    def at(lag: np.ndarray) -> np.ndarray:
        lo = np.clip(np.floor(lag).astype(int), 0, win - 2)
        frac = lag - lo
        return ac[:, lo] * (1 - frac) + ac[:, lo + 1] * frac

    salience = at(lags) + 0.5 * at(np.minimum(lags * 2, win - 2)) + 0.25 * at(lags / 2)
    prior = -0.5 * (np.log2(bpms / 120.0) / 0.9) ** 2
    obs = salience.clip(0, None) + 0.15 * prior
    # Viterbi over tempo bins: staying is free, a jump costs with its size (in octaves)
    log_b = np.log2(bpms)
    trans = -8.0 * np.abs(log_b[:, None] - log_b[None, :])
    score = obs[0].copy()
    back = np.zeros((len(starts), len(bpms)), dtype=np.int64)
    for k in range(1, len(starts)):
        cand = score[:, None] + trans
        back[k] = np.argmax(cand, axis=0)
        score = cand[back[k], np.arange(len(bpms))] + obs[k]
    path = np.zeros(len(starts), dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for k in range(len(starts) - 1, 0, -1):
        path[k - 1] = back[k, path[k]]
    centres = (starts + win / 2) * 2  # back to full-rate frames
    return np.interp(np.arange(len(envelope)), centres, bpms[path])


def dp_beats(envelope: np.ndarray, period_frames: np.ndarray, tightness: float = 100.0) -> np.ndarray:
    """Beat frames by dynamic programming (Ellis 2007) with a per-frame beat period.

    score[t] = local[t] + max over tau in [t - 2P, t - P/2] of score[tau] - tightness * log((t - tau) / P)^2,
    where local is the envelope smoothed over a tenth of a beat; the best end is traced back.
    """
    env = envelope / (envelope.std() + 1e-9)
    n = len(env)
    median_p = float(np.median(period_frames))
    win = max(1, int(round(median_p / 16)))
    local = np.convolve(env, np.exp(-0.5 * (np.arange(-2 * win, 2 * win + 1) / win) ** 2), mode="same")
    score = local.copy()
    back = np.full(n, -1, dtype=np.int64)
    periods = np.rint(np.asarray(period_frames, dtype=np.float64)).astype(np.int64)
    penalty = _penalty_table(int(periods.max(initial=2)), tightness)
    # Every predecessor of t lies at least P/2 frames back, so a run of frames shorter than each one's
    # P/2 depends only on frames before the run: the run is scored at once (same result as frame by frame).
    t0 = 0
    while t0 < n:
        run = max(1, int(periods[t0]) // 2)
        run = max(1, min(run, int(periods[t0:t0 + run].min()) // 2))
        ts = np.arange(t0, min(t0 + run, n))
        _score_run(score, back, local, ts, periods[ts], penalty)
        t0 = int(ts[-1]) + 1
    # the last beat: the best score within the final beat period, then follow the back pointers
    tail = max(0, n - int(round(period_frames[-1])) - 1)
    t = tail + int(np.argmax(score[tail:]))
    beats = []
    while t >= 0:
        beats.append(t)
        t = int(back[t])
    beats = np.array(beats[::-1], dtype=np.int64)
    # trim weak beats at both ends (silence before the song starts and after it ends)
    strength = local[beats]
    keep = strength >= 0.5 * np.median(strength)
    if keep.any():
        first, last = np.argmax(keep), len(keep) - np.argmax(keep[::-1])
        beats = beats[first:last]
    return beats


def _penalty_table(max_period: int, tightness: float) -> np.ndarray:
    """(max_period + 1, 2 * max_period + 1): row P, column j holds tightness * log((2P - j) / P)^2 for the
    predecessor 2P - j frames back (j = 0 .. 2P - P // 2), -inf beyond that range."""
    p = np.arange(max_period + 1)[:, None]
    j = np.arange(2 * max_period + 1)[None, :]
    dist = (2 * p - j).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pen = tightness * np.log(dist / p) ** 2
    return np.where((j <= 2 * p - p // 2) & (p >= 2), pen, np.inf)


def _score_run(score: np.ndarray, back: np.ndarray, local: np.ndarray, ts: np.ndarray, periods: np.ndarray,
               penalty: np.ndarray) -> None:
    """dp_beats' update for frames `ts` whose candidate predecessors all precede ts[0] (in place)."""
    ok = (periods >= 2) & (ts - periods // 2 >= 0)
    if not ok.all():
        ts, periods = ts[ok], periods[ok]
        if not len(ts):
            return
    lo = ts - 2 * periods
    width = int((2 * periods - periods // 2).max()) + 1
    idx = lo[:, None] + np.arange(width)[None, :]
    cand = score[np.maximum(idx, 0)] - penalty[periods, :width]
    cand[idx < 0] = -np.inf
    k = np.argmax(cand, axis=1)
    rows = np.arange(len(ts))
    best = cand[rows, k]
    better = best > 0
    score[ts[better]] = local[ts[better]] + best[better]
    back[ts[better]] = idx[rows, k][better]


def track_beats(envelope: np.ndarray, frame_rate: float, hop_length: int = 256) -> np.ndarray:
    """Beat times (s) following the local tempo, so songs that change tempo keep their beats."""
    if len(envelope) < frame_rate * 2 or envelope.max() <= 0:
        return np.zeros(0)
    bpm = local_tempo_bpm(envelope, frame_rate)
    frames = dp_beats(envelope, 60.0 * frame_rate / bpm)
    # refine each beat to the envelope's peak within one frame
    env = envelope
    refined = []
    for f in frames:
        lo, hi = max(f - 1, 0), min(f + 2, len(env))
        refined.append(lo + int(np.argmax(env[lo:hi])))
    return _fix_octave(np.asarray(refined, dtype=np.float64) / frame_rate)


def _fix_octave(times: np.ndarray) -> np.ndarray:
    """Halve or double the beat rate when the tracker landed outside the chartable tempo range."""
    if len(times) < 4:
        return times
    bpm = 60.0 / np.median(np.diff(times))
    if bpm > MAX_BPM:
        return times[::2]
    if bpm < MIN_BPM:
        mids = (times[:-1] + times[1:]) / 2
        return np.sort(np.concatenate([times, mids]))
    return times


def _beat_features(beat_times: np.ndarray, hits: Sequence[DrumHit]) -> np.ndarray:
    """(n_beats, 4): kick, snare, crash, hi-hat/ride strength at each beat (±50 ms)."""
    groups = {"kick": 0, "snare_head": 1, "crash": 2, "hihat_closed": 3, "hihat_open": 3, "ride_body": 3}
    feats = np.zeros((len(beat_times), 4))
    if not len(beat_times):
        return feats
    for h in hits:
        g = groups.get(h.drum)
        if g is None:
            continue
        i = int(np.argmin(np.abs(beat_times - h.time_s)))
        if abs(beat_times[i] - h.time_s) < 0.05:
            feats[i, g] = max(feats[i, g], h.confidence)
    return feats


def estimate_meter(beat_times: np.ndarray, hits: Sequence[DrumHit]) -> tuple[int, int]:
    """(beats per bar, index of the first downbeat) from where kicks, snares and crashes fall."""
    feats = _beat_features(beat_times, hits)
    n = len(feats)
    if n < 8:
        return 4, 0

    def self_similarity(lag: int) -> float:
        a, b = feats[:-lag], feats[lag:]
        num = (a * b).sum(axis=1)
        den = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9
        return float(np.mean(num / den))

    meter = 3 if self_similarity(3) > self_similarity(4) + 0.15 and self_similarity(3) > self_similarity(2) else 4
    weights = np.array([1.0, -0.8, 1.5, 0.0])  # kick and crash mark the one, snare the backbeat
    scores = [float((feats[p::meter] @ weights).mean()) for p in range(meter)]
    return meter, int(np.argmax(scores))


def beats_to_tempo_map(grid: BeatGrid, resolution: int = TICKS_PER_BEAT,
                       tolerance_s: float = FIT_TOLERANCE_S) -> TempoMap:
    """A tempo map whose beat lines land on the tracked beats: tempo changes only where a constant
    tempo would drift more than `tolerance_s`; bar lines on the downbeats (a short first bar holds
    any pickup)."""
    beats = np.asarray(grid.beat_times_s, dtype=np.float64)
    if len(beats) < 2:
        return TempoMap(resolution=resolution)
    meter, down = grid.beats_per_bar, grid.first_downbeat % grid.beats_per_bar
    ibi = float(np.median(np.diff(beats[: min(len(beats), 16)])))
    lead = max(1, int(round(beats[0] / ibi)))  # beats of lead-in before the first tracked beat
    tempos = [TempoChange(0, float(60.0 * lead / beats[0]))] if beats[0] > 0 else []
    tick0 = lead * resolution if beats[0] > 0 else 0
    # segments of constant tempo over the tracked beats
    start = 0
    while start < len(beats) - 1:
        end = start + 1
        best_bpm = 60.0 / (beats[end] - beats[start])
        while end + 1 < len(beats):
            idx = np.arange(start, end + 2)
            slope = (beats[end + 1] - beats[start]) / (end + 1 - start)
            pred = beats[start] + (idx - start) * slope
            if np.max(np.abs(pred - beats[idx])) > tolerance_s:
                break
            end += 1
            best_bpm = 60.0 / slope
        tempos.append(TempoChange(tick0 + start * resolution, float(best_bpm)))
        start = end
    tempos = _merge_equal(tempos)
    # bars: tick 0 .. first downbeat is a pickup bar
    first_down_tick = tick0 + down * resolution
    sigs = []
    pickup_beats = (first_down_tick // resolution) % meter
    if pickup_beats:
        sigs.append(TimeSignature(0, pickup_beats, 4))
        sigs.append(TimeSignature(pickup_beats * resolution, meter, 4))
    else:
        sigs.append(TimeSignature(0, meter, 4))
    return TempoMap(tempos, sigs, resolution)


def _merge_equal(tempos: list[TempoChange], rel_tol: float = 1e-4) -> list[TempoChange]:
    out: list[TempoChange] = []
    for t in tempos:
        if out and abs(out[-1].bpm - t.bpm) <= rel_tol * t.bpm:
            continue
        out.append(t)
    return out


def estimate_tempo_map(act: Activations, hits: Sequence[DrumHit],
                       resolution: int = TICKS_PER_BEAT) -> tuple[TempoMap, BeatGrid]:
    """Beat-track the activations and build the chart's tempo map (120 BPM 4/4 if nothing is found)."""
    beats = track_beats(onset_envelope(act), act.frame_rate)
    if len(beats) < 4:
        return TempoMap(resolution=resolution), BeatGrid(beats, 4, 0)
    meter, down = estimate_meter(beats, hits)
    grid = BeatGrid(beats, meter, down)
    return beats_to_tempo_map(grid, resolution), grid
