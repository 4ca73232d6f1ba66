"""Practice sections from the drum part: boundaries where the groove changes and a crash opens a bar."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from app.domain.phrases import Section
from app.domain.tempo_map import TempoMap
from app.transcription.activations import DrumHit

GROUPS = {"kick": 0, "snare_head": 1, "hihat_closed": 2, "hihat_open": 2, "hihat_pedal": 2, "ride_body": 3,
          "ride_bell": 3, "crash": 4, "tom_high": 5, "tom_mid": 5, "tom_floor": 5}
MIN_SECTION_BARS = 4


def _bar_starts(tempo_map: TempoMap, end_tick: int) -> list[int]:
    return [t for t, is_bar in tempo_map.beats(0, end_tick + 1) if is_bar]


def bar_features(hits: Sequence[DrumHit], tempo_map: TempoMap, bars: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(n_bars, 6) hits per bar by group (kick, snare, hi-hat, ride, crash, toms) and (n_bars,) the
    strongest crash within 60 ms of each bar line."""
    feats = np.zeros((len(bars), len(set(GROUPS.values()))))
    crash_on_one = np.zeros(len(bars))
    if not bars:
        return feats, crash_on_one
    bar_s = tempo_map.ticks_to_s(bars)
    for h in hits:
        g = GROUPS.get(h.drum)
        if g is None:
            continue
        i = int(np.searchsorted(bar_s, h.time_s + 0.06, side="right")) - 1
        if i < 0:
            continue
        feats[i, g] += 1
        if g == 4 and abs(h.time_s - bar_s[i]) <= 0.06:
            crash_on_one[i] = max(crash_on_one[i], h.confidence)
    return feats, crash_on_one


def estimate_sections(hits: Sequence[DrumHit], tempo_map: TempoMap, end_tick: int) -> list[Section]:
    """Sections at the first bar with notes and wherever a crash starts a bar whose groove differs
    from the previous bars; named by groove (A, B, ... with a count for repeats: A, B, A 2)."""
    bars = _bar_starts(tempo_map, end_tick)
    if not hits or not bars:
        return [Section(0, "Intro")]
    feats, crash = bar_features(hits, tempo_map, bars)
    played = np.flatnonzero(feats.sum(axis=1) > 0)
    first = int(played[0]) if len(played) else 0
    norm = feats / (np.linalg.norm(feats, axis=1, keepdims=True) + 1e-9)
    starts = [first]
    for b in range(first + MIN_SECTION_BARS, len(bars) - 2):
        if b - starts[-1] < MIN_SECTION_BARS or crash[b] < 0.3:
            continue
        before = norm[max(starts[-1], b - 4):b].mean(axis=0)
        after = norm[b:b + 4].mean(axis=0)
        novelty = 1 - float(before @ after / (np.linalg.norm(before) * np.linalg.norm(after) + 1e-9))
        if novelty > 0.04 or b - starts[-1] >= 16:
            starts.append(b)
    bounds = starts + [len(bars)]
    sigs = [norm[s:e].mean(axis=0) for s, e in zip(bounds[:-1], bounds[1:])]
    names: list[str] = []
    letters: list[tuple[np.ndarray, str]] = []
    counts: dict[str, int] = {}
    for sig in sigs:
        match = next((name for ref, name in letters
                      if float(sig @ ref / (np.linalg.norm(sig) * np.linalg.norm(ref) + 1e-9)) > 0.97), None)
        if match is None:
            match = chr(ord("A") + min(len(letters), 25))
            letters.append((sig, match))
        counts[match] = counts.get(match, 0) + 1
        names.append(match if counts[match] == 1 else f"{match} {counts[match]}")
    sections = [Section(bars[s], n) for s, n in zip(starts, names)]
    if sections[0].tick != 0:
        sections.insert(0, Section(0, "Intro"))
    return sections
