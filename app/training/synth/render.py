"""Render a pattern with a kit: per-group stems, close/overhead/room mics with bleed, and labels."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np
from scipy import signal

from app.constants import DRUM_CLASS_INDEX, DRUM_CLASSES, SAMPLE_RATE
from app.training.synth import augment
from app.training.synth.kit import ONSET_PREROLL, Instrument, Kit
from app.training.synth.pattern import Pattern

SR = SAMPLE_RATE
GROUPS = ("kick", "snare", "toms", "hihat", "cymbals", "perc")
GROUP_OF = {"kick": "kick", "snare_head": "snare", "snare_rim": "snare", "hihat_closed": "hihat",
            "hihat_open": "hihat", "hihat_pedal": "hihat", "ride_body": "cymbals", "ride_bell": "cymbals",
            "crash": "cymbals", "tom_high": "toms", "tom_mid": "toms", "tom_floor": "toms", None: "perc"}
CLOSE = {"kick": 1.0, "snare": 1.0, "toms": 1.0, "hihat": 0.7, "cymbals": 0.0, "perc": 0.0}
OVERHEAD = {"kick": 0.2, "snare": 0.5, "toms": 0.5, "hihat": 0.6, "cymbals": 1.0, "perc": 1.0}
ROOM = {"kick": 0.6, "snare": 0.6, "toms": 0.6, "hihat": 0.4, "cymbals": 0.6, "perc": 0.6}
"""Microphone gains per instrument group: close mics (none on cymbals), overheads, room."""


class Label(NamedTuple):
    """A labelled onset: time of the audible attack (s), class in DRUM_CLASSES, velocity 0..1, and
    `audible_db`: how far the hit stands out of the kit in its clearest band (0 = alone; see audibility_db)."""
    time_s: float
    cls: str
    velocity: float
    audible_db: float = 0.0


AUDIBILITY_WINDOW_S = 0.03
"""How much of a hit's attack is compared with the rest of the kit when judging whether it can be heard."""
AUDIBILITY_BANDS_HZ = (0.0, 150.0, 500.0, 2000.0, 6000.0, SR / 2 + 1)
"""Band edges: a hi-hat under a kick is heard in the top bands even when the kick hides it below."""


def audibility_db(hit: np.ndarray, kit: np.ndarray) -> float:
    """How clearly one hit stands out (dB, <= 0): the largest share of the kit's energy it holds in any band
    over its attack. `hit` is its own signal and `kit` the whole dry kit over the same samples (hit included).
    A hit alone scores 0 dB; a ghost note under a backbeat's kick and hat, -30 dB or lower."""
    n = len(hit)
    if n == 0:
        return -120.0
    spec_hit = np.abs(np.fft.rfft(hit, n)) ** 2
    spec_kit = np.abs(np.fft.rfft(kit, n)) ** 2
    edges = np.searchsorted(np.fft.rfftfreq(n, 1 / SR), AUDIBILITY_BANDS_HZ)
    e_hit = np.add.reduceat(spec_hit, edges[:-1])[: len(edges) - 1]
    e_kit = np.add.reduceat(spec_kit, edges[:-1])[: len(edges) - 1]
    floor = 1e-12 * max(float(e_kit.sum()), 1e-30)
    share = (e_hit + floor) / (np.maximum(e_kit, e_hit) + floor)
    return float(10 * np.log10(share.max()))


@dataclass
class MixSettings:
    """How a render is mixed: velocity curve, per-group gain and tuning, mic levels and rooms."""
    velocity_gamma: float = 1.0
    group_gain_db: dict = field(default_factory=dict)
    group_pitch_st: dict = field(default_factory=dict)
    close_db: float = 0.0
    overhead_db: float = -120.0
    room_db: float = -120.0
    overhead_delay_s: float = 0.0
    room_delay_s: float = 0.008
    overhead_hp_hz: float = 400.0
    room_rt_s: float = 0.4
    choke_fade_s: float = 0.01
    soft_darken: bool = True

    @classmethod
    def dry(cls) -> "MixSettings":
        """Close mics only, no processing: for tests and clean references."""
        return cls(soft_darken=False)

    @classmethod
    def random(cls, rng: np.random.Generator) -> "MixSettings":
        u = rng.uniform
        if rng.random() < P_DISTANT_MICS:
            return cls.distant(rng)
        return cls(
            velocity_gamma=float(u(0.7, 1.8)),
            group_gain_db={g: _group_gain_db(g, rng) for g in GROUPS},
            group_pitch_st={g: float(u(-1.5, 1.5)) if rng.random() < 0.3 else 0.0 for g in GROUPS},
            close_db=0.0, overhead_db=float(u(-12, 0)), room_db=float(u(-24, -6)),
            overhead_delay_s=float(u(0.0005, 0.003)), room_delay_s=float(u(0.004, 0.02)),
            overhead_hp_hz=float(u(150, 1200)), room_rt_s=float(u(0.15, 1.0)),
            choke_fade_s=float(u(0.004, 0.02)))

    @classmethod
    def distant(cls, rng: np.random.Generator) -> "MixSettings":
        """A kit heard mostly through full-range overheads and the room (1960s records, live rooms): close
        mics far down, so the kick is a dull thud among cymbal wash rather than a clicky close-miked drum."""
        u = rng.uniform
        return cls(
            velocity_gamma=float(u(0.7, 1.8)),
            group_gain_db={g: _group_gain_db(g, rng) for g in GROUPS},
            group_pitch_st={g: float(u(-1.5, 1.5)) if rng.random() < 0.3 else 0.0 for g in GROUPS},
            close_db=float(u(-30, -10)), overhead_db=float(u(-3, 0)), room_db=float(u(-12, -3)),
            overhead_delay_s=float(u(0.0005, 0.003)), room_delay_s=float(u(0.004, 0.02)),
            overhead_hp_hz=float(u(30, 120)), room_rt_s=float(u(0.3, 1.5)),
            choke_fade_s=float(u(0.004, 0.02)))


QUIET_GROUP_P = {"hihat": 0.3, "cymbals": 0.35, "toms": 0.15, "snare": 0.1, "perc": 0.0, "kick": 0.05}
"""Chance that a group sits far under the others (a jazz ride played softly, hats only in the overheads)."""


def _group_gain_db(group: str, rng: np.random.Generator) -> float:
    """Per-group level in a random mix: usually within +-5 dB, sometimes 8-26 dB under the rest (real
    recordings such as MDB's Shadows have a ride ~25 dB under the snare)."""
    if rng.random() < QUIET_GROUP_P.get(group, 0.0):
        return float(rng.uniform(-26, -8))
    return float(rng.uniform(-5, 5))


P_DISTANT_MICS = 0.15
"""Share of random mic mixes that are `MixSettings.distant`."""


def _choke_times(hits: list[tuple[float, Instrument, float]]) -> list[float | None]:
    """For each hit, when the next hit of its choke group silences it (None: rings out)."""
    out: list[float | None] = [None] * len(hits)
    last: dict[str, int] = {}
    for i, (t, inst, _) in enumerate(hits):
        g = inst.choke_group
        if g is None:
            continue
        if g in last:
            out[last[g]] = t
        last[g] = i
    return out


@dataclass(frozen=True)
class SnareBuzz:
    """Sympathetic snare-wire buzz: on a real kit the wires rattle whenever the kick (or a tom) sounds, and
    the snare mic, compressed and gated, carries it. `level_db` is the buzz's peak against the exciting
    hit's peak; the buzz is the kit's own snare sample high-passed at `highpass_hz`, faded in over
    `fade_in_s` (no stick attack) and decaying with time constant `decay_s`. It is never labelled."""
    level_db: float
    highpass_hz: float
    fade_in_s: float
    decay_s: float
    from_toms: bool

    @classmethod
    def random(cls, rng: np.random.Generator) -> "SnareBuzz":
        u = rng.uniform
        return cls(level_db=float(u(-32, -12)), highpass_hz=float(u(1500, 5000)), fade_in_s=float(u(0.002, 0.012)),
                   decay_s=float(u(0.03, 0.15)), from_toms=bool(rng.random() < 0.5))

    def sample(self, kit: Kit, rng: np.random.Generator) -> np.ndarray | None:
        """The buzz as a unit-peak one-shot (ONSET_PREROLL leading samples, like kit samples), or None when
        the kit has no snare."""
        snare = kit.pick("snare_head", rng)
        if snare is None:
            return None
        stored, _ = snare.pick_sample(1.0, rng)
        x = augment.apply_filter(np.asarray(stored, np.float32), "highpass", self.highpass_hz)
        t = np.arange(len(x), dtype=np.float32) / SR - ONSET_PREROLL / SR
        env = np.clip(t / self.fade_in_s, 0.0, 1.0) * np.exp(-np.maximum(t, 0.0) / self.decay_s)
        y = (x * env).astype(np.float32)
        peak = float(np.max(np.abs(y)))
        return y / peak if peak > 0 else None


def render_stems(pattern: Pattern, kit: Kit, rng: np.random.Generator, mix: MixSettings | None = None,
                 snare_buzz: SnareBuzz | None = None, buzz_rng: np.random.Generator | None = None
                 ) -> tuple[dict[str, np.ndarray], list[Label]]:
    """Dry per-group stems (float32, pattern length) and the labels of what was played; with `snare_buzz`,
    the snare stem also rattles under every kick (and tom), drawn from `buzz_rng` so `rng` stays as without."""
    mix = mix or MixSettings.dry()
    n = int(np.ceil(pattern.duration_s * SR))
    stems = {g: np.zeros(n, np.float32) for g in GROUPS}
    buzz = snare_buzz.sample(kit, buzz_rng or np.random.default_rng(0)) if snare_buzz else None
    buzz_from = ("kick", "toms") if snare_buzz and snare_buzz.from_toms else ("kick",)
    played = []
    for h in pattern.hits:
        inst = kit.pick(h.part, rng)
        if inst is not None:
            played.append((h.time_s, inst, h.velocity))
    played.sort(key=lambda x: x[0])
    chokes = _choke_times(played)
    labels, pitched, attacks = [], {}, []
    for (t, inst, vel), choke in zip(played, chokes):
        group = GROUP_OF[inst.label]
        stored, sample_gain = inst.pick_sample(vel, rng)
        x = stored * np.float32(sample_gain)
        st = mix.group_pitch_st.get(group, 0.0)
        if st:
            # keyed by the kit's stored array (alive all render long): a key on a temporary's id() can be
            # reused by a later allocation and would play another instrument's pitched sample
            key = (id(stored), st)
            if key not in pitched:
                pitched[key] = augment.pitch_shift(stored, st)
            x = pitched[key] * np.float32(sample_gain)
        gamma = mix.velocity_gamma * (0.5 if len(inst.layers) >= 3 else 1.0)
        amp = vel ** gamma * 10 ** (mix.group_gain_db.get(group, 0.0) / 20)
        if mix.soft_darken and len(inst.layers) == 1 and vel < 0.7:
            k = 0.15 + 0.8 * vel / 0.7                           # one-pole low-pass: softer is darker
            x = signal.lfilter([k], [1, k - 1], x).astype(np.float32)
        start = int(round(t * SR)) - ONSET_PREROLL
        if choke is not None:
            keep = max(1, int(round((choke - t) * SR)) + ONSET_PREROLL)
            fade = max(1, int(mix.choke_fade_s * SR))
            if keep < len(x):
                x = x[: keep + fade].copy()
                x[keep:] *= np.linspace(1, 0, len(x) - keep, dtype=np.float32)
        lo, hi = max(0, start), min(n, start + len(x))
        if hi > lo:
            stems[group][lo:hi] += amp * x[lo - start: hi - start]
            if buzz is not None and group in buzz_from:
                b_hi = min(n, start + len(buzz))
                gain = amp * float(np.max(np.abs(x))) * 10 ** (snare_buzz.level_db / 20)
                stems["snare"][lo:b_hi] += np.float32(gain) * buzz[lo - start: b_hi - start]
            if inst.label is not None and t < pattern.duration_s:
                labels.append(Label(float(t), inst.label, float(vel)))
                w = min(hi, start + ONSET_PREROLL + int(AUDIBILITY_WINDOW_S * SR))
                attacks.append((lo, w, amp * x[lo - start: w - start]))
    if attacks:
        dry_kit = sum(stems.values())
        labels = [l._replace(audible_db=round(audibility_db(seg, dry_kit[lo:w]), 2))
                  for l, (lo, w, seg) in zip(labels, attacks)]
    return stems, labels


def _delay(x: np.ndarray, delay_s: float) -> np.ndarray:
    d = int(round(delay_s * SR))
    return np.concatenate([np.zeros(d, np.float32), x[: len(x) - d]]) if d > 0 else x


def mix_stems(stems: dict[str, np.ndarray], mix: MixSettings, rng: np.random.Generator,
              stem_fx: dict[str, Callable[[np.ndarray], np.ndarray]] | None = None) -> np.ndarray:
    """Close mics (with per-group fx) + high-passed, delayed overheads + delayed room with reverb."""
    n = len(next(iter(stems.values())))
    close, over, room = (np.zeros(n, np.float32) for _ in range(3))
    mics = mix.overhead_db > -100                           # without overheads every group is close-miked
    for g, x in stems.items():
        if not np.any(x):
            continue
        c = CLOSE[g] if mics else 1.0
        close += c * (stem_fx[g](x) if stem_fx and g in stem_fx else x)
        over += OVERHEAD[g] * x
        room += ROOM[g] * x
    out = close * 10 ** (mix.close_db / 20)
    if mics:
        over = augment.apply_filter(over, "highpass", mix.overhead_hp_hz)
        out += _delay(over, mix.overhead_delay_s) * 10 ** (mix.overhead_db / 20)
    if mix.room_db > -100:
        wet = signal.oaconvolve(room, augment.reverb_ir(rng, mix.room_rt_s, 0.0))[:n]
        room = augment.apply_filter(0.5 * room + wet, "lowpass", 6000)
        out += _delay(room, mix.room_delay_s) * 10 ** (mix.room_db / 20)
    return out.astype(np.float32)


def label_offset_s(label: str, mix: MixSettings) -> float:
    """When a class is first heard: at once through a close mic, else (no close mic on it, or the close
    mics far under the overheads) via the overheads."""
    if mix.overhead_db <= -100:
        return 0.0
    heard_close = CLOSE[GROUP_OF[label]] > 0 and mix.close_db > mix.overhead_db - 6.0
    return 0.0 if heard_close else mix.overhead_delay_s


def render(pattern: Pattern, kit: Kit, rng: np.random.Generator, mix: MixSettings | None = None,
           stem_fx: dict | None = None) -> tuple[np.ndarray, list[Label]]:
    """Audio (float32 mono, SAMPLE_RATE, pattern length) and labels sorted by time.

    Labels mark the sample's attack (leading silence trimmed at load) plus the mic delay;
    unlabelled percussion sounds but has no label; side-stick is labelled snare_rim."""
    mix = mix or MixSettings.dry()
    stems, labels = render_stems(pattern, kit, rng, mix)
    audio = mix_stems(stems, mix, rng, stem_fx)
    labels = sorted((l._replace(time_s=l.time_s + label_offset_s(l.cls, mix)) for l in labels),
                    key=lambda l: (l.time_s, l.cls))
    return audio, labels


def labels_to_arrays(labels: list[Label]) -> dict[str, np.ndarray]:
    """Labels as arrays: onset_s float64, class_index int16 (DRUM_CLASSES), velocity float32."""
    return {"onset_s": np.array([l.time_s for l in labels], np.float64),
            "class_index": np.array([DRUM_CLASS_INDEX[l.cls] for l in labels], np.int16),
            "velocity": np.array([l.velocity for l in labels], np.float32)}


def arrays_to_labels(arrays: dict[str, np.ndarray]) -> list[Label]:
    return [Label(float(t), DRUM_CLASSES[int(c)], float(v))
            for t, c, v in zip(arrays["onset_s"], arrays["class_index"], arrays["velocity"])]
