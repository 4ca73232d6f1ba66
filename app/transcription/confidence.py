"""Per-note confidence of a decoded chart: which hit made each note, and how sure the model was."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from app.domain.notes import Note
from app.domain.tempo_map import TempoMap
from app.transcription.activations import Activations, DrumHit
from app.transcription.mapping import FINE_TO_LANE

MATCH_TOLERANCE_S = 0.03
"""A note and a hit of its lane belong together within this (chords merged by playability move <= 20 ms)."""


@dataclass(frozen=True)
class NoteConfidence:
    """The model's confidence (peak probability 0..1, NaN when no hit matched) and fine class of a note."""

    confidence: float
    drum: str


def _default_drum(note: Note) -> str:
    return next(n for n, s in FINE_TO_LANE.items() if s.lane is note.lane and s.cymbal == note.cymbal)


def note_confidences(notes: Iterable[Note], hits: Sequence[DrumHit], tempo_map: TempoMap,
                     tolerance_s: float = MATCH_TOLERANCE_S) -> dict[tuple[int, int], NoteConfidence]:
    """(tick, lane) -> confidence of the strongest hit of the note's lane (and kind: cymbal/tom first)
    within `tolerance_s` of the note. Hit times and the tempo map are both in chart seconds."""
    by_kind: dict[tuple[int, bool | None], list[DrumHit]] = {}
    for h in hits:
        spec = FINE_TO_LANE.get(h.drum)
        if spec is not None:
            by_kind.setdefault((int(spec.lane), spec.cymbal), []).append(h)
            by_kind.setdefault((int(spec.lane), None), []).append(h)
    arrays = {k: (np.array([h.time_s for h in v]), v) for k, v in by_kind.items()}
    for times, v in arrays.values():
        order = np.argsort(times, kind="stable")
        v[:] = [v[i] for i in order]
        times[:] = times[order]
    out: dict[tuple[int, int], NoteConfidence] = {}
    for note in notes:
        t = tempo_map.tick_to_s(note.tick)
        best: DrumHit | None = None
        for kind in ((int(note.lane), note.cymbal), (int(note.lane), None)):
            if kind not in arrays:
                continue
            times, hs = arrays[kind]
            lo, hi = np.searchsorted(times, [t - tolerance_s, t + tolerance_s + 1e-9])
            if hi > lo:
                best = max(hs[lo:hi], key=lambda h: h.confidence)
                break
        out[note.key] = (NoteConfidence(float(best.confidence), best.drum) if best is not None
                         else NoteConfidence(math.nan, _default_drum(note)))
    return out


def lane_activity(act: Activations, lane: int, time_s: float, radius_s: float = 0.035) -> float:
    """Highest probability of any class charted on `lane` within +-radius_s of `time_s` (0 outside the song)."""
    cols = [i for i, n in enumerate(act.classes) if n in FINE_TO_LANE and int(FINE_TO_LANE[n].lane) == int(lane)]
    k0 = max(0, int(math.floor((time_s - radius_s) * act.frame_rate)))
    k1 = min(act.n_frames, int(math.ceil((time_s + radius_s) * act.frame_rate)) + 1)
    if not cols or k1 <= k0:
        return 0.0
    return float(np.nan_to_num(np.asarray(act.probs[k0:k1, cols])).max())
