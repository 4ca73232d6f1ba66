"""A drum kit synthesised in numpy (no sample files), seeded, for tests, demos and variety."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from app.constants import SAMPLE_RATE
from app.training.synth.kit import Instrument, Kit, Layer, trim_sample

SR = SAMPLE_RATE
LAYER_VELOCITIES = (0.3, 0.65, 1.0)
"""Each instrument is synthesised at these velocities; a layer covers up to its velocity."""
ROUND_ROBIN = 2
HAT_RATIOS = np.array([1.0, 1.4836, 1.8, 2.5463, 2.6356, 3.8954])
"""TR-808 style inharmonic square-wave ratios for metallic noise."""


def _t(length_s: float) -> np.ndarray:
    return np.arange(int(length_s * SR)) / SR


def _env(t: np.ndarray, decay_s: float, attack_s: float = 0.0005) -> np.ndarray:
    env = np.exp(-t / decay_s)
    if attack_s > 0:
        env *= np.minimum(1.0, t / attack_s)
    return env


def _filt(x: np.ndarray, kind: str, hz, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, hz, btype=kind, fs=SR, output="sos")
    return signal.sosfilt(sos, x)


def _metal(t: np.ndarray, f0_hz: float, rng: np.random.Generator, noise: float) -> np.ndarray:
    ph = rng.uniform(0, 1, len(HAT_RATIOS))
    sq = sum(np.sign(np.sin(2 * np.pi * (f0_hz * r * t + p))) for r, p in zip(HAT_RATIOS, ph))
    return sq / len(HAT_RATIOS) + noise * rng.standard_normal(len(t))


def _sines(t, freqs_hz, decays_s, amps) -> np.ndarray:
    return sum(a * np.sin(2 * np.pi * f * t) * np.exp(-t / d) for f, d, a in zip(freqs_hz, decays_s, amps))


def _kick(p, v, rng):
    t = _t(0.6)
    f = p["kick_end_hz"] + (p["kick_start_hz"] - p["kick_end_hz"]) * np.exp(-t / p["kick_sweep_s"])
    body = np.sin(2 * np.pi * np.cumsum(f) / SR) * _env(t, p["kick_decay_s"])
    click = _filt(rng.standard_normal(len(t)), "highpass", 1500 + 2500 * v) * _env(t, 0.002)
    return body + p["kick_click"] * (0.3 + v) * click


def _snare(p, v, rng):
    t = _t(0.45)
    tone = _sines(t, [p["snare_hz"], p["snare_hz"] * 1.6], [0.06, 0.04], [1.0, 0.5])
    noise = _filt(rng.standard_normal(len(t)), "bandpass", [1200, 4000 + 6000 * v]) * _env(t, p["snare_decay_s"])
    return 0.6 * tone + p["snare_noise"] * 1.6 * noise


def _side_stick(p, v, rng):
    t = _t(0.12)
    click = _filt(rng.standard_normal(len(t)), "bandpass", [p["rim_hz"], p["rim_hz"] * 2.2]) * _env(t, 0.006)
    return click + 0.4 * _sines(t, [p["rim_hz"] / 3], [0.02], [1.0])


def _hat(p, v, rng, decay_s, length_s, low_hz):
    t = _t(length_s)
    x = _filt(_metal(t, p["hat_hz"], rng, 0.6), "highpass", low_hz + 2000 * v, order=4)
    return x * _env(t, decay_s, attack_s=0.0003)


def _hh_closed(p, v, rng):
    return _hat(p, v, rng, p["hh_closed_s"], 0.2, 6000)


def _hh_open(p, v, rng):
    return _hat(p, v, rng, p["hh_open_s"], 1.5, 5000)


def _hh_pedal(p, v, rng):
    t = _t(0.12)
    x = _filt(_metal(t, p["hat_hz"], rng, 0.3), "bandpass", [3000, 9000], order=2)
    return x * _env(t, 0.025, attack_s=0.001)


def _ride(p, v, rng):
    t = _t(2.5)
    wash = _filt(_metal(t, p["ride_hz"], rng, 0.8), "highpass", 3000, order=2) * _env(t, p["ride_decay_s"])
    ping = _sines(t, p["ride_pings_hz"], [0.4, 0.3, 0.2], [0.5, 0.4, 0.3])
    return 0.35 * wash + 0.25 * ping + 0.5 * _filt(rng.standard_normal(len(t)), "highpass", 4000) * _env(t, 0.004)


def _ride_bell(p, v, rng):
    t = _t(2.0)
    f0 = p["bell_hz"]
    bell = _sines(t, f0 * np.array([1, 2.08, 2.73, 3.9, 5.3]), [1.2, 0.9, 0.7, 0.5, 0.3], [1, .7, .5, .35, .25])
    return 0.6 * bell + 0.3 * _ride(p, v, rng)[: len(t)]


def _crash(p, v, rng):
    t = _t(3.0)
    x = _filt(_metal(t, p["crash_hz"], rng, 1.5), "highpass", 2500 + 1500 * v, order=2)
    return x * (_env(t, p["crash_decay_s"], attack_s=0.001) + 0.8 * _env(t, 0.05))


def _tom(p, v, rng, name):
    t = _t(0.9)
    f0 = p[name + "_hz"]
    f = f0 * (1 + 0.4 * np.exp(-t / 0.03))
    body = np.sin(2 * np.pi * np.cumsum(f) / SR) * _env(t, p[name + "_decay_s"])
    stick = _filt(rng.standard_normal(len(t)), "bandpass", [800, 5000]) * _env(t, 0.008)
    return body + 0.3 * (0.3 + v) * stick


def _cowbell(p, v, rng):
    t = _t(0.4)
    x = sum(np.sign(np.sin(2 * np.pi * f * t)) for f in (540 * p["perc_tune"], 800 * p["perc_tune"]))
    return _filt(x, "bandpass", [400, 3000]) * _env(t, 0.08)


def _clap(p, v, rng):
    t = _t(0.3)
    env = sum(_env(np.clip(t - d, 0, None), 0.006) * (t >= d) for d in (0, 0.011, 0.023)) + 0.5 * _env(t, 0.08)
    return _filt(rng.standard_normal(len(t)), "bandpass", [900, 2500]) * env


def _tambourine(p, v, rng):
    t = _t(0.35)
    jingle = _filt(rng.standard_normal(len(t)), "highpass", 7000, order=4)
    return jingle * _env(t, 0.07, attack_s=0.002) * (1 + 0.5 * np.sin(2 * np.pi * 35 * t))


VOICES = {
    "kick": ("kick", _kick), "snare": ("snare_head", _snare), "side stick": ("snare_rim", _side_stick),
    "closed hat": ("hihat_closed", _hh_closed), "open hat": ("hihat_open", _hh_open),
    "pedal hat": ("hihat_pedal", _hh_pedal), "ride": ("ride_body", _ride), "ride bell": ("ride_bell", _ride_bell),
    "crash": ("crash", _crash),
    "tom high": ("tom_high", lambda p, v, r: _tom(p, v, r, "tom_high")),
    "tom mid": ("tom_mid", lambda p, v, r: _tom(p, v, r, "tom_mid")),
    "tom floor": ("tom_floor", lambda p, v, r: _tom(p, v, r, "tom_floor")),
    "cowbell": (None, _cowbell), "clap": (None, _clap), "tambourine": (None, _tambourine),
}
"""Instrument name -> (class label, synthesis function(params, velocity, rng))."""


def kit_params(rng: np.random.Generator) -> dict:
    """Per-kit random tuning and decay: the kit's character."""
    u = rng.uniform
    tom = u(1.0, 1.35)
    return {
        "kick_start_hz": u(110, 200), "kick_end_hz": u(42, 65), "kick_sweep_s": u(0.02, 0.06),
        "kick_decay_s": u(0.12, 0.35), "kick_click": u(0.1, 0.6),
        "snare_hz": u(170, 250), "snare_decay_s": u(0.08, 0.22), "snare_noise": u(0.5, 1.2),
        "rim_hz": u(1300, 2600), "hat_hz": u(280, 420), "hh_closed_s": u(0.025, 0.06),
        "hh_open_s": u(0.3, 0.7), "ride_hz": u(380, 520), "ride_decay_s": u(1.0, 2.2),
        "ride_pings_hz": u(2500, 5500, 3), "bell_hz": u(600, 950), "crash_hz": u(330, 480),
        "crash_decay_s": u(0.9, 1.8),
        "tom_high_hz": 190 * tom, "tom_mid_hz": 140 * tom, "tom_floor_hz": 90 * tom,
        "tom_high_decay_s": u(0.2, 0.4), "tom_mid_decay_s": u(0.25, 0.5), "tom_floor_decay_s": u(0.3, 0.6),
        "perc_tune": u(0.85, 1.2),
    }


@lru_cache(maxsize=8)
def procedural_kit(seed: int = 0) -> Kit:
    """A synthesised kit playing every class in DRUM_CLASSES; same seed, same kit (cached)."""
    rng = np.random.default_rng(seed)
    params = kit_params(rng)
    instruments = []
    for name, (label, synth) in VOICES.items():
        layers, lo = [], 0.0
        for v in LAYER_VELOCITIES:
            samples = []
            for _ in range(ROUND_ROBIN):
                x = synth(params, v, rng)
                x = x / (np.max(np.abs(x)) + 1e-9) * (0.35 + 0.65 * v)
                samples.append(trim_sample(x))
            layers.append(Layer(lo, v, samples))
            lo = v
        instruments.append(Instrument(name, label, layers, gain=float(rng.uniform(0.7, 1.0))))
    return Kit(f"procedural-{seed}", "procedural", instruments, electronic=False)
