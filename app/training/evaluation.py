"""Scoring a model on labelled examples: activations -> decoded hits -> per-class onset metrics,
and calibration of per-class thresholds and timing offsets."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import torch

from app.constants import DRUM_CLASSES, EVAL_CLASSES, FINE_TO_EVAL
from app.training import metrics as M
from app.training.examples import Example
from app.transcription.activations import Activations, DrumHit
from app.transcription.decode import DecodeParams, decode
from app.transcription.mapping import FINE_TO_LANE

THRESHOLD_GRID = tuple(np.round(np.arange(0.10, 0.86, 0.05), 2))


def activations_of(model: torch.nn.Module, features: np.ndarray, frame_rate: float) -> Activations:
    """Unchunked activations of one example's features (n_channels, T, n_bands)."""
    model.eval()
    device = next(model.parameters()).device
    with torch.inference_mode():
        out = model.predict_activations(torch.from_numpy(features.astype(np.float32))[None].to(device))
    out = {k: v.cpu() for k, v in out.items()}
    return Activations(frame_rate, out["probs"][0].numpy(), out["onset"][0].numpy(),
                       out["offset"][0].numpy(), out["velocity"][0].numpy(), tuple(model.classes))


def hits_by_class(hits: Sequence[DrumHit], to_eval: bool) -> dict[str, np.ndarray]:
    out: dict[str, list[float]] = {}
    for h in hits:
        c = FINE_TO_EVAL.get(h.drum) if to_eval else h.drum
        if c:
            out.setdefault(c, []).append(h.time_s)
    return {k: np.array(v) for k, v in out.items()}


def labels_by_class(ex: Example, to_eval: bool) -> dict[str, np.ndarray]:
    hits = [DrumHit(float(t), DRUM_CLASSES[int(c)], 1.0) for t, c in zip(ex.onset_s, ex.class_index)]
    return hits_by_class(hits, to_eval)


@dataclass
class EvalResult:
    per_track: list[dict[str, M.ClassScore]]
    pooled: dict[str, M.ClassScore]
    classes: tuple[str, ...]

    @property
    def sum_f(self) -> float:
        return self.pooled["sum"].f


def score(hit_lists: Sequence[Sequence[DrumHit]], examples: Sequence[Example], to_eval: bool = True,
          window_s: float = 0.05) -> EvalResult:
    classes = EVAL_CLASSES if to_eval else DRUM_CLASSES
    tracks = [M.score_track(labels_by_class(ex, to_eval), hits_by_class(h, to_eval), classes, window_s)
              for h, ex in zip(hit_lists, examples)]
    return EvalResult(tracks, M.pooled(tracks, classes), tuple(classes))


def calibrate(acts: Sequence[Activations], examples: Sequence[Example], params: DecodeParams,
              window_s: float = 0.05, rounds: int = 2) -> tuple[dict[str, float], dict[str, float], float]:
    """Per fine class: the threshold maximising F and the timing offset (ms) that centres its matches;
    plus the summed evaluation-class F with those thresholds.

    Thresholds start at each fine class's own optimum, then `rounds` of coordinate ascent maximise
    the F of the *chart lane* each charted class becomes (hi-hat open and closed are both the yellow
    cymbal: a hit called open where it was closed is still a right note, so the fine optimum is too
    strict; toms and ride/crash keep their own thresholds, since their lanes differ). Decodes once with
    a low threshold, then keeps hits by confidence per threshold.
    """
    low = replace(params, thresholds={c: float(min(THRESHOLD_GRID)) for c in DRUM_CLASSES},
                  default_threshold=float(min(THRESHOLD_GRID)), timing_offsets_ms={})
    all_hits = [decode(a, low) for a in acts]
    hit_arrays = [{c: np.array([(h.time_s, h.confidence) for h in hits if h.drum == c]).reshape(-1, 2)
                   for c in DRUM_CLASSES} for hits in all_hits]
    fine_refs = [labels_by_class(ex, False) for ex in examples]
    lanes: dict[tuple, list[str]] = {}
    for c in DRUM_CLASSES:
        spec = FINE_TO_LANE.get(c)
        if spec is not None and spec.charted:
            lanes.setdefault((spec.lane, spec.cymbal), []).append(c)
    shared = [members for members in lanes.values() if len(members) > 1]
    lane_refs = [{members[0]: np.concatenate([ref.get(c, np.zeros(0)) for c in members]) for members in shared}
                 for ref in fine_refs]

    def f_of(members: Sequence[str], thr: dict[str, float], refs, name: str) -> tuple[M.ClassScore, bool]:
        s = M.ClassScore()
        for arrays, ref in zip(hit_arrays, refs):
            est = np.concatenate([arrays[c][arrays[c][:, 1] >= thr[c], 0] for c in members])
            s.add(M.score_track({name: ref.get(name, np.zeros(0))}, {name: est}, [name], window_s)[name])
        return s, s.tp + s.fn > 0

    thresholds, offsets = {}, {}
    for c in DRUM_CLASSES:
        best, offs = (-1.0, params.threshold(c)), []
        for thr in THRESHOLD_GRID:
            s, present = f_of([c], {c: float(thr)}, fine_refs, c)
            if not present:
                break  # class absent from the data: keep the preset's threshold
            if s.f > best[0] + 1e-9:
                best, offs = (s.f, float(thr)), s.offsets_ms
        thresholds[c] = best[1]
        if best[0] >= 0 and offs:
            offsets[c] = -float(np.median(offs))
    for members in shared:
        for _ in range(rounds):
            for c in members:
                scores = []
                for thr in THRESHOLD_GRID:
                    s, present = f_of(members, {**thresholds, c: float(thr)}, lane_refs, members[0])
                    if not present:
                        break
                    scores.append((s.f, -abs(float(thr) - thresholds[c]), float(thr)))
                if scores:
                    thresholds[c] = max(scores)[2]
    tuned = replace(params, thresholds={**params.thresholds, **thresholds})
    hits = [[h for h in hl if h.confidence >= tuned.threshold(h.drum)] for hl in all_hits]
    return thresholds, offsets, score(hits, examples, True, window_s).sum_f
