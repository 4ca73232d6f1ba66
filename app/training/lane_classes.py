"""Chart lanes -> evaluation classes (kick, snare, toms, hihat, cymbals), for scoring exported charts."""
from __future__ import annotations

import numpy as np

from app.domain.lanes import Difficulty, Lane
from app.domain.song import Chart


def eval_class_of(lane: Lane, cymbal: bool) -> str:
    if lane is Lane.KICK:
        return "kick"
    if lane is Lane.RED:
        return "snare"
    if not cymbal:
        return "toms"
    return "hihat" if lane is Lane.YELLOW else "cymbals"


def chart_events(chart: Chart, difficulty: Difficulty = Difficulty.EXPERT) -> dict[str, np.ndarray]:
    """Evaluation class -> audio times (s) of the chart's notes (song.ini delay applied)."""
    out: dict[str, list[float]] = {c: [] for c in ("kick", "snare", "toms", "hihat", "cymbals")}
    for n in chart.drums.notes[difficulty]:
        out[eval_class_of(n.lane, n.cymbal)].append(chart.tick_to_audio_s(n.tick))
    return {k: np.array(v) for k, v in out.items()}
