"""Our groove generator: styled drum patterns in song form (sections, fills, crashes), seeded."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.training.synth.pattern import BeatHit, Humanize, Pattern, add_unpatterned, to_pattern

BPM_RANGE = (60.0, 260.0)


@dataclass(frozen=True)
class Meter:
    """A bar: length in quarter notes, pulse positions, strong beats and backbeats (quarters)."""
    num: int
    den: int
    bar_q: float
    pulses: tuple[float, ...]
    strong: tuple[float, ...]
    backbeats: tuple[float, ...]


METERS = {
    (4, 4): Meter(4, 4, 4.0, (0, 1, 2, 3), (0, 2), (1, 3)),
    (3, 4): Meter(3, 4, 3.0, (0, 1, 2), (0,), (1, 2)),
    (6, 8): Meter(6, 8, 3.0, (0, 1.5), (0,), (1.5,)),
    (5, 4): Meter(5, 4, 5.0, (0, 1, 2, 3, 4), (0, 3), (1, 4)),
    (7, 8): Meter(7, 8, 3.5, (0, 1, 2), (0, 2), (1, 2.5)),
}


@dataclass(frozen=True)
class Style:
    """How a style plays: tempo, meters (weights), timekeepers (part, step), feel and density."""
    name: str
    bpm: tuple[float, float]
    meters: dict
    keepers: tuple[tuple[str, float], ...]
    backbeat: str = "normal"          # normal | half | skank | blast | jazz | one_drop | four_floor
    swing: float = 0.0                # 0 straight .. 1 triplet swing of 8ths (16ths when step .25)
    kick_density: float = 1.0
    ghosts: float = 0.0
    double_kick: float = 0.0
    open_hat: float = 0.2
    snare_parts: tuple[str, ...] = ("snare_head",)
    fill_prob: float = 0.7


Q, E, S, T = 1.0, 0.5, 0.25, 1 / 3
HAT, RIDE, BELL, OPEN, CRASH = "hihat_closed", "ride_body", "ride_bell", "hihat_open", "crash"
STYLES: dict[str, Style] = {s.name: s for s in (
    Style("rock", (70, 180), {(4, 4): 8, (3, 4): 1, (5, 4): 1, (7, 8): 1},
          ((HAT, E), (HAT, S), (RIDE, E), (HAT, Q), (OPEN, E), (CRASH, Q))),
    Style("metal", (100, 240), {(4, 4): 8, (3, 4): 1, (7, 8): 1}, ((RIDE, Q), (CRASH, Q), (HAT, E), (BELL, Q)),
          kick_density=1.3, double_kick=0.6, open_hat=0.05),
    Style("punk", (150, 240), {(4, 4): 1}, ((HAT, E), (RIDE, E), (CRASH, E), (OPEN, E)),
          backbeat="skank", kick_density=1.2, fill_prob=0.5),
    Style("funk", (80, 125), {(4, 4): 6, (5, 4): 1}, ((HAT, S), (HAT, E), (RIDE, E)),
          swing=0.2, kick_density=1.3, ghosts=0.3, open_hat=0.5),
    Style("shuffle", (80, 170), {(4, 4): 4, (3, 4): 1}, ((HAT, E), (RIDE, E), (OPEN, E)),
          swing=1.0, ghosts=0.15),
    Style("triplet", (60, 110), {(6, 8): 3, (4, 4): 1}, ((HAT, T), (RIDE, T), (HAT, E)), swing=0.0),
    Style("jazz", (60, 260), {(4, 4): 6, (3, 4): 2, (5, 4): 1}, ((RIDE, E), (RIDE, Q), (HAT, E)),
          backbeat="jazz", swing=1.0, kick_density=0.3, open_hat=0.0, snare_parts=("snare_head", "snare_rim")),
    Style("halftime", (60, 170), {(4, 4): 1}, ((HAT, S), (HAT, E), (RIDE, E), (BELL, Q)),
          backbeat="half", ghosts=0.1),
    Style("blast", (160, 260), {(4, 4): 1}, ((CRASH, E), (RIDE, E), (HAT, E), (BELL, E)),
          backbeat="blast", fill_prob=0.4),
    Style("ballad", (60, 100), {(4, 4): 4, (3, 4): 1, (6, 8): 1}, ((HAT, E), (HAT, S), (RIDE, E)),
          snare_parts=("snare_rim", "snare_head"), kick_density=0.7),
    Style("latin", (90, 200), {(4, 4): 1}, ((HAT, E), (BELL, E), (RIDE, E), ("hihat_pedal", Q)),
          snare_parts=("snare_rim",), kick_density=0.8, open_hat=0.1),
    Style("disco", (100, 135), {(4, 4): 1}, ((HAT, S), (HAT, E)), backbeat="four_floor", open_hat=0.8),
    Style("reggae", (65, 95), {(4, 4): 1}, ((HAT, E), (HAT, T)), backbeat="one_drop", swing=0.5,
          snare_parts=("snare_rim", "snare_head"), open_hat=0.3),
)}


def _grid(bar_q: float, step: float, swing: float) -> np.ndarray:
    """Positions (quarters) of a `step` grid in a bar; swing delays the odd subdivisions."""
    pos = np.arange(0, bar_q - 1e-9, step)
    if swing > 0 and step in (E, S):
        odd = (np.round(pos / step).astype(int) % 2) == 1
        pos = pos + odd * swing * step / 3
    return pos


def _is_on(pos: float, grid: tuple[float, ...]) -> bool:
    return any(abs(pos - g) < 1e-6 for g in grid)


def _section(style: Style, meter: Meter, bpm: float, rng: np.random.Generator, open_wash: float = 0.0) -> dict:
    """Choices held for a whole section: timekeeper, kick motif, snare sound, open hats; with `open_wash`,
    the chance that a hi-hat section is played open throughout (a rock chorus's wash)."""
    part, step = style.keepers[int(rng.integers(len(style.keepers)))]
    if open_wash > 0 and part == HAT and rng.random() < open_wash:  # no draw at 0: older renders stay the same
        part = OPEN
    limit = 60.0 / bpm * step                            # seconds between keeper hits
    while limit < 0.09 and step < Q:                     # no 16ths at 200 bpm
        step = {S: E, T: 2 * T, E: Q}.get(step, Q)
        limit = 60.0 / bpm * step
    kick_step = T if style.swing >= 1 or step in (T, 2 * T) else S
    kicks = []
    for p in _grid(meter.bar_q, kick_step, style.swing if kick_step == S else 0):
        if _is_on(p, meter.strong):
            prob = 0.95
        elif _is_on(p, meter.backbeats):
            prob = 0.08
        elif _is_on(p, meter.pulses):
            prob = 0.35
        elif abs(p * 2 - round(p * 2)) < 1e-6:
            prob = 0.25
        else:
            prob = 0.1 if bpm < 150 else 0.03
        if rng.random() < min(1.0, prob * style.kick_density):
            kicks.append(float(p))
    return {"keeper": part, "step": step, "kicks": kicks or [0.0],
            "snare": style.snare_parts[int(rng.integers(len(style.snare_parts)))],
            "double": rng.random() < style.double_kick and bpm < 230,
            "open_hat": rng.random() < style.open_hat, "pedal": rng.random() < 0.6}


def _bar(style: Style, meter: Meter, sec: dict, bpm: float, rng: np.random.Generator) -> list[tuple]:
    """One bar as (position in quarters, part, velocity) tuples."""
    out = []
    swing = style.swing if sec["step"] in (E, S) else 0.0
    keeper_pos = _grid(meter.bar_q, sec["step"], swing)
    if style.backbeat == "jazz" and sec["keeper"] == RIDE:
        keeper_pos = np.array(sorted(set(meter.pulses) | {b + 2 / 3 for b in meter.backbeats}))
    open_at = keeper_pos[-1] if sec["open_hat"] and len(keeper_pos) > 1 else None
    for p in keeper_pos:
        accent = 0.85 if _is_on(p, meter.pulses) else 0.6
        part = OPEN if (sec["keeper"] == HAT and open_at is not None and abs(p - open_at) < 1e-6) else sec["keeper"]
        out.append((p, part, accent + rng.uniform(-0.1, 0.1)))
    if sec["keeper"] in (RIDE, BELL, CRASH) and sec["pedal"]:
        out += [(b, "hihat_pedal", 0.5) for b in meter.backbeats]
    kicks = list(sec["kicks"])
    if rng.random() < 0.25 and kicks:                      # small variation bar to bar
        kicks[int(rng.integers(len(kicks)))] = float(rng.choice(_grid(meter.bar_q, E, swing)))
    if sec["double"]:
        kicks = list(_grid(meter.bar_q, S if 60 / bpm * S > 0.065 else E, 0))
    if style.backbeat == "four_floor":
        kicks = list(meter.pulses)
    kick_vel = 0.45 if style.backbeat == "jazz" else 0.85
    out += [(k, "kick", kick_vel) for k in kicks]
    snare = sec["snare"]
    if style.backbeat == "half":
        out.append((meter.bar_q / 2, snare, 0.95))
    elif style.backbeat == "skank":
        out += [(p, snare, 0.85) for p in _grid(meter.bar_q, Q, 0) + 0.5]
        out = [o for o in out if not (o[1] == "kick" and not _is_on(o[0], meter.pulses))]
    elif style.backbeat == "blast":
        step = E if 60 / bpm * S < 0.07 else S
        grid = _grid(meter.bar_q, step, 0)
        out = [o for o in out if o[1] not in ("kick",)]
        out += [(p, "kick" if i % 2 == 0 else snare, 0.9) for i, p in enumerate(grid)]
    elif style.backbeat == "jazz":
        comp = _grid(meter.bar_q, T, 0)
        out += [(p, snare, rng.uniform(0.15, 0.5)) for p in comp if rng.random() < 0.12]
    elif style.backbeat == "one_drop":
        out = [o for o in out if o[1] != "kick"]
        out += [(meter.bar_q / 2, "kick", 0.9), (meter.bar_q / 2, snare, 0.85)]
    else:
        out += [(b, snare, 0.9) for b in meter.backbeats]
    if style.ghosts > 0:
        for p in _grid(meter.bar_q, S if style.swing < 1 else T, style.swing if style.swing < 1 else 0):
            if not _is_on(p, meter.backbeats) and rng.random() < style.ghosts:
                out.append((p, "snare_head", rng.uniform(0.08, 0.3)))
    return out


FILL_PARTS = ("snare_head", "tom_high", "tom_mid", "tom_floor")


def make_fill(meter: Meter, bpm: float, rng: np.random.Generator) -> tuple[float, list[tuple]]:
    """A fill to the end of the bar: (start position, hits) on snare and toms, with flams."""
    length = float(rng.choice([1.0, 2.0, meter.bar_q])) if meter.bar_q >= 2 else meter.bar_q
    start = max(0.0, meter.bar_q - length)
    step = float(rng.choice([S, T, E] if bpm < 140 else [E, T]))
    pos = np.arange(start, meter.bar_q - 1e-9, step)
    kind = rng.choice(["down", "random", "roll", "toms"])
    out = []
    for i, p in enumerate(pos):
        if rng.random() > 0.85:
            continue
        frac = i / max(1, len(pos) - 1)
        if kind == "down":
            part = FILL_PARTS[min(3, int(frac * 4))]
        elif kind == "roll":
            part = "snare_head"
        elif kind == "toms":
            part = FILL_PARTS[1 + int(rng.integers(3))]
        else:
            part = FILL_PARTS[int(rng.integers(4))]
        vel = 0.5 + 0.45 * frac if kind == "roll" else rng.uniform(0.6, 1.0)
        out.append((p, part, vel, 0.0))
        if rng.random() < 0.12:                              # flam: soft grace note just before
            out.append((p, part, vel * 0.35, -float(rng.uniform(0.015, 0.035))))
        if rng.random() < 0.25 and abs(p - round(p)) < 1e-6:
            out.append((p, "kick", 0.8, 0.0))
    return start, out


def generate_groove(rng: np.random.Generator, style: str | None = None, bpm: float | None = None,
                    meter: tuple[int, int] | None = None, duration_s: float = 30.0,
                    unpatterned: float = 0.1, humanize: Humanize | None = None, open_wash: float = 0.0) -> Pattern:
    """A song-like drum pattern: sections of 4-8 bars, fills at section ends, crashes at starts (`open_wash`:
    see `_section`)."""
    st = STYLES[style] if style else STYLES[str(rng.choice(sorted(STYLES)))]
    bpm = float(np.clip(bpm if bpm else rng.uniform(*st.bpm), *BPM_RANGE))
    if meter is None:
        keys = list(st.meters)
        w = np.array([st.meters[k] for k in keys], float)
        meter = keys[int(rng.choice(len(keys), p=w / w.sum()))]
    m = METERS[tuple(meter)]
    n_bars = max(1, int(np.ceil(duration_s / (m.bar_q * 60 / bpm))))
    hits: list[BeatHit] = []
    bar = 0
    while bar < n_bars:
        sec, sec_len = _section(st, m, bpm, rng, open_wash), int(rng.integers(4, 9))
        for j in range(min(sec_len, n_bars - bar)):
            b0 = bar * m.bar_q
            notes = [(p, part, v, 0.0) for p, part, v in _bar(st, m, sec, bpm, rng)]
            if j == sec_len - 1 and rng.random() < st.fill_prob:
                start, fill = make_fill(m, bpm, rng)
                notes = [n for n in notes if n[0] < start - 1e-6] + fill
            if j == 0 and rng.random() < 0.85 or j > 0 and j % 4 == 0 and rng.random() < 0.2:
                notes = [n for n in notes if not (n[0] < 1e-6 and n[1] in ("hihat_closed", "hihat_open", "ride_body"))]
                notes += [(0.0, CRASH, rng.uniform(0.75, 1.0), 0.0), (0.0, "kick", 0.9, 0.0)]
            hits += [BeatHit(b0 + p, part, float(v), off) for p, part, v, off in notes]
            bar += 1
    hits += [BeatHit(n_bars * m.bar_q, CRASH, 0.9), BeatHit(n_bars * m.bar_q, "kick", 0.9)]
    human = humanize or Humanize.random(rng)
    pat = to_pattern(hits, bpm, (m.num, m.den), n_bars * m.bar_q, st.name, "generator", rng, human,
                     lead_in_s=float(rng.uniform(0.1, 0.5)), tail_s=2.0)
    return add_unpatterned(pat, rng, unpatterned) if unpatterned > 0 else pat
