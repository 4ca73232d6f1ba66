"""Synthetic training examples from a seed, .npz shards with a manifest, and the held-out test set."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.constants import DRUM_CLASSES, SAMPLE_RATE
from app.training.synth import augment
from app.training.synth.accompaniment import accompaniment, mix_under
from app.training.synth.grooves import STYLES, generate_groove
from app.training.synth.kit import Kit, blend_kits
from app.training.synth.pattern import Pattern
from app.training.synth.render import (Label, MixSettings, SnareBuzz, label_offset_s, labels_to_arrays, mix_stems,
                                      render_stems)

HELD_OUT: dict[str, tuple] = {
    "hydrogen": ("ColomboAcousticDrumkit", "Millo_MultiLayered2"),   # share no sample file with others
    "gm": (16,),                         # FluidR3 "Power" kit
    "procedural": (1000, 1001),          # procedural kit seeds; training uses 0..PROCEDURAL_TRAIN_SEEDS-1
    "styles": ("reggae", "halftime"),
    "mma_files": ("bossanova", "jazzwaltz", "rock-128", "68march", "countryswing", "softrock"),
}
"""Kits and patterns training must never use; `held_out_test_set` draws only from these."""
PROCEDURAL_TRAIN_SEEDS = 8
SHARD_VERSION = 1


@dataclass
class SynthConfig:
    """What an example may be: length, kit sources (weights), groove sources, mix and augmentation."""
    duration_s: float = 30.0
    kit_weights: dict = field(default_factory=lambda: {"procedural": 0.1, "hydrogen": 0.55, "gm": 0.35})
    electronic_weight: float = 0.3       # relative chance of an electronic kit within its source
    p_mma: float = 0.35
    unpatterned: float = 0.1
    p_mic_mix: float = 0.7
    p_snare_fx: float = 0.35
    p_drop_parts: float = 0.35           # chance that some instruments sit out part of the example
    p_accompaniment: float = 0.4
    drums_rel_db: tuple = (-12.0, 0.0)
    p_augment: float = 0.85
    p_kit_blend: float = 0.0             # chance that some groups come from other kits of the split
    p_group_fx: float = 0.0              # chance that each close-miked group gets its own EQ/compression
    p_vintage: float = 0.0               # chance of a 1960s-style master (narrow band, saturated, hiss)
    p_kick_click: float = 0.0            # chance of a trigger/beater click on every kick (metal, 80s records)
    p_snare_buzz: float = 0.0            # chance that the snare wires rattle under every kick (and tom)
    p_cymbal_tilt: float = 0.0           # chance that the crash/ride and the hi-hat each get a brightness tilt
    p_open_wash: float = 0.0             # chance that a generated hi-hat section is played open throughout
    p_band: float = 0.0                  # chance that an accompaniment gets a rhythm guitar and/or a singer
    p_no_timekeeper: float = 0.0         # chance that the whole example has no hi-hat and no ride (kick, snare, crashes)
    gm_extra_kits: bool = False          # training may also use gm_kits.EXTRA_GM_KITS (FluidR3 variations, TimGM6mb)
    use_fluidsynth: bool = True
    split: str = "train"                 # "train": everything but HELD_OUT; "test": HELD_OUT only


def _held(config: SynthConfig, kind: str, value) -> bool:
    return value in HELD_OUT.get(kind, ())


@lru_cache(maxsize=4)
def _kit_catalogue(split: str, gm_extra: bool = False) -> dict[str, list[tuple[str, object, bool]]]:
    """source -> [(source, id, electronic)] of the kits usable in `split` (with `gm_extra`, training also
    gets the extra GM kits; the test split never does)."""
    from app.training.synth.gm_kits import ELECTRONIC_PROGRAMS, extra_gm_kits, gm_kit_programs, split_gm_ident
    from app.training.synth.hydrogen_kits import ELECTRONIC_KITS, hydrogen_kit_folders

    test = split == "test"
    seeds = HELD_OUT["procedural"] if test else range(PROCEDURAL_TRAIN_SEEDS)
    out = {"procedural": [("procedural", s, False) for s in seeds],
           "hydrogen": [("hydrogen", str(f), f.name in ELECTRONIC_KITS) for f in hydrogen_kit_folders()
                        if (f.name in HELD_OUT["hydrogen"]) == test],
           "gm": [("gm", p, p in ELECTRONIC_PROGRAMS) for p in gm_kit_programs() if (p in HELD_OUT["gm"]) == test]}
    if gm_extra and not test:
        out["gm"] += [("gm", k, split_gm_ident(k)[1] in ELECTRONIC_PROGRAMS) for k in extra_gm_kits()]
    return {k: v for k, v in out.items() if v}


def load_kit(source: str, ident) -> Kit:
    if source == "procedural":
        from app.training.synth.procedural_kit import procedural_kit
        return procedural_kit(int(ident))
    if source == "hydrogen":
        from app.training.synth.hydrogen_kits import load_hydrogen_kit
        return load_hydrogen_kit(str(ident))
    from app.training.synth.gm_kits import load_gm_ident
    return load_gm_ident(ident)


def choose_kit(rng: np.random.Generator, config: SynthConfig) -> Kit:
    cat = _kit_catalogue(config.split, config.gm_extra_kits)
    sources = [s for s in config.kit_weights if s in cat and config.kit_weights[s] > 0] or ["procedural"]
    w = np.array([config.kit_weights.get(s, 1.0) for s in sources], float)
    src = sources[int(rng.choice(len(sources), p=w / w.sum()))]
    options = cat.get(src) or [("procedural", HELD_OUT["procedural"][0] if config.split == "test" else 0, False)]
    ow = np.array([config.electronic_weight if e else 1.0 for *_, e in options])
    source, ident, _ = options[int(rng.choice(len(options), p=ow / ow.sum()))]
    return load_kit(source, ident)


def choose_blended_kit(rng: np.random.Generator, config: SynthConfig) -> Kit:
    """A kit; with `p_kit_blend`, some of its groups swapped for those of one or two other kits."""
    kit = choose_kit(rng, config)
    if rng.random() >= config.p_kit_blend:
        return kit
    donors = [choose_kit(rng, config) for _ in range(1 + int(rng.random() < 0.4))]
    return blend_kits(kit, [d for d in donors if d.key != kit.key], rng)


@lru_cache(maxsize=1)
def _mma_files() -> dict:
    from app.training.synth.mma_grooves import MMA_LIB, group_by_file, load_library

    return group_by_file(load_library()[0]) if MMA_LIB.is_dir() else {}


def choose_pattern(rng: np.random.Generator, config: SynthConfig):
    test = config.split == "test"
    files = {f: g for f, g in _mma_files().items() if (f in HELD_OUT["mma_files"]) == test}
    if files and rng.random() < config.p_mma:
        from app.training.synth.mma_grooves import mma_pattern

        name = sorted(files)[int(rng.integers(len(files)))]
        return mma_pattern(files[name], rng, duration_s=config.duration_s, unpatterned=config.unpatterned)
    styles = sorted(s for s in STYLES if (s in HELD_OUT["styles"]) == test)
    style = styles[int(rng.integers(len(styles)))]
    return generate_groove(rng, style, duration_s=config.duration_s, unpatterned=config.unpatterned,
                           open_wash=config.p_open_wash)


DROP_WEIGHTS = {"hihat": 0.35, "ride": 0.2, "kick": 0.12, "snare": 0.15, "crash": 0.06, "toms": 0.12}
"""Which instrument group sits out in `drop_parts` (hi-hat most: grooves almost always pair the backbeat
with a hat, and a model that learns the pairing calls hi-hats on every real snare hit)."""
_DROP_PARTS = {"hihat": ("hihat_closed", "hihat_open", "hihat_pedal"), "ride": ("ride_body", "ride_bell"),
               "kick": ("kick",), "snare": ("snare_head", "snare_rim"), "crash": ("crash",),
               "toms": ("tom_high", "tom_mid", "tom_floor")}


def drop_parts(pattern: Pattern, rng: np.random.Generator) -> Pattern:
    """The pattern with one or two instrument groups silent over the whole example or a stretch of it
    (labels follow, since hits are dropped before rendering): breaks the co-occurrence priors."""
    names = list(DROP_WEIGHTS)
    w = np.array([DROP_WEIGHTS[n] for n in names])
    groups = rng.choice(len(names), size=1 + int(rng.random() < 0.3), replace=False, p=w / w.sum())
    drop = {c for g in groups for c in _DROP_PARTS[names[int(g)]]}
    if rng.random() < 0.4:
        t0, t1 = 0.0, pattern.duration_s
    else:
        t0 = float(rng.uniform(0, 0.7 * pattern.duration_s))
        t1 = t0 + float(rng.uniform(0.2, 0.6) * pattern.duration_s)
    return _silence(pattern, drop, t0, t1)


def without_timekeeper(pattern: Pattern) -> Pattern:
    """The pattern without hi-hat and ride from start to end, as many rock records play it (kick, snare, toms and
    crashes): a mix whose band plays on the beat must not imply a cymbal there."""
    timekeepers = set(_DROP_PARTS["hihat"] + _DROP_PARTS["ride"])
    out = _silence(pattern, timekeepers, 0.0, pattern.duration_s)
    out.info["dropped"] = sorted(timekeepers | set(pattern.info.get("dropped") or ()))   # an earlier drop_parts' too
    return out


def _silence(pattern: Pattern, drop: set[str], t0: float, t1: float) -> Pattern:
    """The pattern without the hits of the parts in `drop` from `t0` to `t1` seconds, recorded in its info."""
    hits = [h for h in pattern.hits if not (h.part in drop and t0 <= h.time_s < t1)]
    return replace(pattern, hits=hits, info={**pattern.info, "dropped": sorted(drop), "dropped_s": [t0, t1]})


def _snare_fx(rng: np.random.Generator):
    """Processed rock snare: bright EQ, hard compression, often an 80s gated reverb."""
    thr, gated = float(rng.uniform(-30, -12)), rng.random() < 0.6

    def fx(x: np.ndarray) -> np.ndarray:
        peak = float(np.max(np.abs(x))) + 1e-9
        y = augment.apply_filter(x, "highshelf", 5000, rng.uniform(0, 8))
        y = augment.compress(y / peak, thr, rng.uniform(3, 10), 0.002, 0.08) * peak
        return augment.gated_reverb(y, rng) if gated else augment.reverb(y, rng, rng.uniform(0.3, 1.2), -6)
    return fx


def _group_fx(rng: np.random.Generator, group: str):
    """A close-mic channel strip for one group: EQ (kick click or boom, boxy or bright toms, dark or
    brittle cymbals), often compression, sometimes a gated room on the kick (80s records)."""
    eq_db = 10.0 if group in ("kick", "toms") else 7.0
    thr, comp, gated = float(rng.uniform(-30, -10)), rng.random() < 0.5, group == "kick" and rng.random() < 0.2
    seed = int(rng.integers(2 ** 31))

    def fx(x: np.ndarray) -> np.ndarray:
        r = np.random.default_rng(seed)
        peak = float(np.max(np.abs(x))) + 1e-9
        y = augment.random_eq(x, r, eq_db)
        if group == "kick" and r.random() < 0.5:      # beater click
            y = augment.apply_filter(y, "peak", float(r.uniform(2500, 5000)), float(r.uniform(3, 10)), 1.0)
        if comp:
            y = augment.compress(y / peak, thr, float(r.uniform(2, 8)), 0.003, 0.1) * peak
        return augment.gated_reverb(y, r) if gated else y
    return fx


def _kick_click(rng: np.random.Generator):
    """A trigger or beater click layered on every kick of the close mic: high-passed noise (2.5-9 kHz corner)
    that follows the kick's attack and dies in 1-6 ms, -12..+3 dB against the kick's peak. Real clicky kicks
    (metal, 80s sample replacement) made the model call a hi-hat on each kick; here the label stays a kick."""
    from scipy.signal import lfilter

    corner_hz, level_db = float(rng.uniform(2500, 9000)), float(rng.uniform(-12, 3))
    decay_s, seed = float(rng.uniform(0.001, 0.006)), int(rng.integers(2 ** 31))

    def smooth(x: np.ndarray, tau_s: float) -> np.ndarray:
        a = float(np.exp(-1.0 / (tau_s * SAMPLE_RATE)))
        return lfilter([1 - a], [1, -a], x)

    def fx(x: np.ndarray) -> np.ndarray:
        env = np.abs(x.astype(np.float64))
        attack = np.maximum(smooth(env, 0.0005) - smooth(env, 0.015), 0.0)
        a = float(np.exp(-1.0 / (decay_s * SAMPLE_RATE)))
        shape = lfilter([1.0], [1, -a], attack)  # each attack rings out over decay_s
        noise = augment.apply_filter(np.random.default_rng(seed).standard_normal(len(x)).astype(np.float32),
                                     "highpass", corner_hz)
        click = noise * shape
        peak, cpeak = float(np.max(np.abs(x))), float(np.max(np.abs(click)))
        if peak <= 0 or cpeak <= 0:
            return x
        return (x + click * (10 ** (level_db / 20) * peak / cpeak)).astype(np.float32)
    return fx


CYMBAL_TILT_DB = {"cymbals": (-4.0, 14.0), "hihat": (-12.0, 4.0)}
"""High-shelf gain range (dB) of `_cymbal_tilt` per group: crashes and rides mostly brighter, hi-hats mostly darker."""


def _cymbal_tilt(rng: np.random.Generator, group: str):
    """(fx, info): a brightness tilt for the dry crash/ride or hi-hat stem (before the mics). A high shelf
    (2-6 kHz corner) with a gain from CYMBAL_TILT_DB; a brightened crash/ride is often thinned by a high-pass
    (300-1500 Hz) as well.

    Why: the training kits' crashes are dark (power centroid 0.7-2.9 kHz in GMRockKit, The Black Pearl,
    ForzeeStereo, Millo-Drums) and most of their open hi-hats bright (6.5-9.4 kHz), so brightness mostly told
    the two apart. The held-out ColomboAcousticDrumkit crashes (5.1-7.3 kHz) and the FluidR3 "Power" crashes
    were then charted as hi-hats or missed (drums-wide8: 1 of 7 crashes found in one Colombo song). Tilting both
    stems leaves the model what does separate them: the crash's longer, noisier ring and its place in the bar."""
    lo, hi = CYMBAL_TILT_DB[group]
    gain_db, corner_hz = float(rng.uniform(lo, hi)), float(rng.uniform(2000, 6000))
    highpass_hz = float(rng.uniform(300, 1500)) if group == "cymbals" and gain_db > 4 and rng.random() < 0.5 else None

    def fx(x: np.ndarray) -> np.ndarray:
        y = augment.apply_filter(x, "highshelf", corner_hz, gain_db)
        if highpass_hz:
            y = augment.apply_filter(y, "highpass", highpass_hz)
        return y.astype(np.float32)
    info = {"gain_db": round(gain_db, 1), "corner_hz": round(corner_hz),
            "highpass_hz": round(highpass_hz) if highpass_hz else None}
    return fx, info


def plain_generated_config(duration_s: float = 20.0) -> SynthConfig:
    """Generated grooves on the procedural kit with no mix, processing or accompaniment: the setting of
    the end-to-end lane check (tests/test_shipped_model.py, benchmarks/bench_end_to_end.py)."""
    return SynthConfig(duration_s=duration_s, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                       use_fluidsynth=False, p_augment=0.0, p_mic_mix=0.0, p_snare_fx=0.0, unpatterned=0.0,
                       p_drop_parts=0.0)


def render_example(seed: int, config: SynthConfig | None = None) -> tuple[np.ndarray, list[Label], dict]:
    """One example, fully determined by `seed` and `config`: audio (float32 mono 44.1 kHz, in -1..1),
    labels (onset s, class, velocity) and info (kit, groove, tempo, mix, augmentation)."""
    config = config or SynthConfig()
    rng = np.random.default_rng(seed)
    kit = choose_blended_kit(rng, config) if config.p_kit_blend > 0 else choose_kit(rng, config)
    pattern = choose_pattern(rng, config)
    if rng.random() < config.p_drop_parts:
        pattern = drop_parts(pattern, rng)
    if config.p_no_timekeeper > 0 and rng.random() < config.p_no_timekeeper:  # no draw at 0: older renders stay
        pattern = without_timekeeper(pattern)
    mix = MixSettings.random(rng) if rng.random() < config.p_mic_mix else replace(
        MixSettings.dry(), velocity_gamma=float(rng.uniform(0.7, 1.8)))
    buzz, buzz_rng = None, None
    if config.p_snare_buzz > 0 and rng.random() < config.p_snare_buzz:  # no draw at 0: older renders stay the same
        buzz, buzz_rng = SnareBuzz.random(rng), np.random.default_rng(int(rng.integers(2 ** 31)))
    stems, labels = render_stems(pattern, kit, rng, mix, buzz, buzz_rng)
    fx = {"snare": _snare_fx(rng)} if rng.random() < config.p_snare_fx else None
    if config.p_group_fx > 0:
        extra = {g: _group_fx(rng, g) for g in ("kick", "snare", "toms", "hihat", "cymbals")
                 if rng.random() < config.p_group_fx}
        fx = {**extra, **(fx or {})} or None
    if config.p_kick_click > 0 and rng.random() < config.p_kick_click:  # no draw at 0: older renders stay the same
        click, before = _kick_click(rng), (fx or {}).get("kick")
        fx = {**(fx or {}), "kick": (lambda x: click(before(x))) if before else click}
    tilts = {}
    if config.p_cymbal_tilt > 0:  # no draw at 0: older renders stay the same
        for group in ("cymbals", "hihat"):
            if rng.random() < config.p_cymbal_tilt:  # the instrument's own sound: every mic hears it
                tilt, tilts[group] = _cymbal_tilt(rng, group)
                if group in stems:
                    stems[group] = tilt(stems[group])
    audio = mix_stems(stems, mix, rng, fx)
    labels = sorted((l._replace(time_s=l.time_s + label_offset_s(l.cls, mix)) for l in labels),
                    key=lambda l: (l.time_s, l.cls))
    info = {"seed": int(seed), "kit": kit.key, "electronic": kit.electronic, "source": pattern.source,
            "style": pattern.style, "bpm": round(pattern.bpm, 2), "meter": list(pattern.meter),
            "duration_s": round(len(audio) / SAMPLE_RATE, 3), "mic_mix": mix.overhead_db > -100,
            "snare_fx": fx is not None, "snare_buzz_db": round(buzz.level_db, 1) if buzz else None,
            "dropped": pattern.info.get("dropped"), "accompaniment": None, "augment": {}}
    if tilts:
        info["cymbal_tilt"] = tilts
    if rng.random() < config.p_accompaniment:
        mma_groove = pattern.source.split("/", 1)[1] if pattern.source.startswith("mma:") else None
        band_rng = None
        if config.p_band > 0 and rng.random() < config.p_band:  # no draw at 0: older renders stay the same
            band_rng = np.random.default_rng(int(rng.integers(2 ** 31)))
        music, how = accompaniment(rng, pattern, mma_groove, config.use_fluidsynth, band_rng)
        rel = float(rng.uniform(*config.drums_rel_db))
        audio = mix_under(audio, music, rel)
        info["accompaniment"] = {"how": how, "drums_rel_db": round(rel, 2)}
    if rng.random() < config.p_augment:
        audio, info["augment"] = augment.random_chain(audio, rng, p_vintage=config.p_vintage)
    else:
        audio = augment.normalize_loudness(audio, float(rng.uniform(-24, -14)))
    audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
    info["n_labels"] = len(labels)
    return audio, labels, info


def example_seed(seed: int, index: int) -> int:
    """The seed of example `index` of a run seeded `seed` (independent streams)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def write_shards(out_dir: str | Path, n: int, seed: int, config: SynthConfig | None = None,
                 per_shard: int = 64, on_progress=None) -> Path:
    """Render `n` examples into `out_dir/shard-XXXXX.npz` (audio int16 + labels) and manifest.json."""
    from app.training.shards import write_examples

    config = config or SynthConfig()

    def examples():
        for i in range(n):
            audio, labels, info = render_example(example_seed(seed, i), config)
            if on_progress:
                on_progress(i + 1, n)
            yield audio, labels_to_arrays(labels), info
    return write_examples(out_dir, examples(), per_shard, {
        "seed": seed, "config": asdict(config), "held_out": {k: list(v) for k, v in HELD_OUT.items()}})


def read_shard(path: str | Path) -> list[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """A shard's examples as (audio float32, label arrays)."""
    with np.load(path) as z:
        ao, lo = z["audio_offsets"], z["label_offsets"]
        return [(z["audio"][ao[i]:ao[i + 1]].astype(np.float32) / 32767,
                 {k: z[k][lo[i]:lo[i + 1]] for k in ("onset_s", "class_index", "velocity")})
                for i in range(len(ao) - 1)]


def held_out_test_set(n: int = 32, seed: int = 12345, config: SynthConfig | None = None):
    """The held-out synthetic test set: `n` examples from HELD_OUT kits and patterns only."""
    config = replace(config or SynthConfig(), split="test")
    for i in range(n):
        yield render_example(example_seed(seed, i), config)
