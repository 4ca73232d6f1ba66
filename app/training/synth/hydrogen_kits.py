"""Hydrogen drum kits (Debian hydrogen-drumkits / hydrogen-data): drumkit.xml parsing and class mapping."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.constants import SAMPLE_RATE
from app.training.synth.kit import Instrument, Kit, Layer, load_mono, trim_sample
from app.training.synth.sample_checks import known_mislabelled, unsound_reason

KIT_DIRS = (Path("/usr/share/hydrogen/data/drumkits"), Path.home() / ".hydrogen/data/drumkits")

ELECTRONIC_KITS = {"TR808EmulationKit", "HardElectro1", "ElectricEmpireKit", "VariBreaks", "Audiophob"}
"""Drum-machine or lo-fi kits: kept, but marked electronic (a dataset may sample them less)."""

SKIP = "skip"
NAME_RULES: tuple[tuple[str, str | None], ...] = (
    (r"roll", SKIP),                                         # sustained rolls: no single onset
    (r"rim ?shot", "snare_head"),                            # head + rim together is a snare hit
    (r"side ?stick|sidestick|cross ?stick|rim ?click|^stick$|\bstick\b|\brim\b", "snare_rim"),
    (r"(ride|crash).*(bell|cup)|ride-cup|^bell$|\bbell\b(?!.*(cow|jingle))", "ride_bell"),
    (r"(hi-?hat|hh|\bhat\b).*(pedal|foot|\bpd\b)|(pedal|foot).*(hat|hh)", "hihat_pedal"),
    (r"(hi-?hat|hh|\bhat\b).*(open|opened|\bop\b|semi|swish|ring|free)|open.*(hat|hh)|ohh", "hihat_open"),
    (r"hi-?hat|hh|\bhat\b|^chh", "hihat_closed"),
    (r"kick|bass ?drum|bassdrum|\bbd\b", "kick"),
    (r"snare", "snare_head"),
    (r"crash/ride.*bow|ride", "ride_body"),
    (r"crash|splash|china|cymbal", "crash"),
    (r"tom", "tom"),
    (r"clap|cowbell|tambourine|shaker|conga|bongo|clave|agogo|woodblock|wood block|maraca|cajon|"
     r"djembe|snap|waterglass|whistle|triangle|timbale|guiro|cabasa|sangban|dununba|kenkeni|zap|"
     r"\bfx\b|click", None),
)
"""Instrument name (lower case) -> class, first match wins. 'tom' is resolved by pitch order;
None = rendered but unlabelled ('other'); SKIP (and names matching nothing) = not used."""


@dataclass
class LayerSpec:
    min_vel: float
    max_vel: float
    gain: float
    pitch: float
    files: list[Path]


@dataclass
class InstrumentSpec:
    name: str
    label: str | None
    gain: float
    mute_group: int
    layers: list[LayerSpec] = field(default_factory=list)


@dataclass
class KitSpec:
    name: str
    folder: Path
    instruments: list[InstrumentSpec]
    electronic: bool
    unsound: dict[str, str] = field(default_factory=dict)
    """Instrument name -> why it is left out although its name maps to a class (sample_checks)."""


def classify_name(name: str) -> str | None:
    """Our class for a Hydrogen instrument name ('tom' before ordering; None other; SKIP unusable)."""
    low = name.lower().strip()
    for pattern, label in NAME_RULES:
        if re.search(pattern, low):
            return label
    return SKIP


def _strip_ns(root: ET.Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]


def _num(el: ET.Element, tag: str, default: float) -> float:
    child = el.find(tag)
    try:
        return float(child.text) if child is not None and child.text else default
    except ValueError:
        return default


def parse_drumkit_xml(path: str | Path) -> KitSpec:
    """Read a drumkit.xml (old and new formats) into specs; toms are ordered by name hint only."""
    path = Path(path)
    root = ET.parse(path).getroot()
    _strip_ns(root)
    name = (root.findtext("name") or path.parent.name).strip()
    instruments, unsound = [], {}
    for inst in root.iter("instrument"):
        iname = (inst.findtext("name") or "").strip()
        gain = _num(inst, "volume", 1.0) * _num(inst, "gain", 1.0)
        label = classify_name(iname)
        why = known_mislabelled((path.parent.name, name), iname) if label not in (SKIP, None) else None
        if why:
            unsound[iname], label = why, SKIP
        spec = InstrumentSpec(iname, label, gain, int(_num(inst, "muteGroup", -1)))
        groups: dict[tuple[float, float], LayerSpec] = {}
        for layer in inst.iter("layer"):
            fname = layer.findtext("filename")
            if not fname:
                continue
            key = (_num(layer, "min", 0.0), _num(layer, "max", 1.0))
            ls = groups.setdefault(key, LayerSpec(*key, _num(layer, "gain", 1.0), _num(layer, "pitch", 0.0), []))
            ls.files.append(path.parent / fname.strip())
        direct = inst.findtext("filename")
        if not groups and direct:
            groups[(0.0, 1.0)] = LayerSpec(0.0, 1.0, 1.0, 0.0, [path.parent / direct.strip()])
        spec.layers = sorted(groups.values(), key=lambda l: l.min_vel)
        if spec.layers and spec.label != SKIP:
            instruments.append(spec)
    electronic = path.parent.name in ELECTRONIC_KITS or name in ELECTRONIC_KITS
    return KitSpec(name, path.parent, instruments, electronic, unsound)


def _pitch_hz(x: np.ndarray) -> float:
    """Dominant frequency (40-600 Hz) of a sample's first 150 ms, for ordering toms."""
    seg = x[: int(0.15 * SAMPLE_RATE)]
    spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), 1 << 15))
    freqs = np.fft.rfftfreq(1 << 15, 1 / SAMPLE_RATE)
    band = (freqs >= 40) & (freqs <= 600)
    return float(freqs[band][np.argmax(spec[band])])


def _tom_hint(name: str) -> int:
    low = name.lower()
    if re.search(r"floor|low|\blo\b", low):
        return 2
    if re.search(r"mid|middle", low):
        return 1
    if re.search(r"high|\bhi\b|hi\d|tomhi", low):
        return 0
    return 1


def assign_toms(toms: list[tuple[str, float]]) -> dict[str, str]:
    """(name, pitch_hz) of a kit's toms -> tom class: by name hint, then pitch, high to floor."""
    order = sorted(toms, key=lambda t: (_tom_hint(t[0]), -t[1]))
    n = len(order)
    if n == 1:
        return {order[0][0]: "tom_mid"}
    if n == 2:
        return {order[0][0]: "tom_high", order[1][0]: "tom_floor"}
    names = ("tom_high", "tom_mid", "tom_floor")
    return {name: names[min(2, i * 3 // n)] for i, (name, _) in enumerate(order)}


@lru_cache(maxsize=32)
def _load_instruments(folder: str) -> tuple[KitSpec, list[tuple[InstrumentSpec, list[Layer]]], dict[str, str]]:
    """The kit's spec, its instruments with loaded layers, and name -> reason for every instrument left
    out because its name promises a sound its sample does not have (sample_checks)."""
    spec = parse_drumkit_xml(Path(folder) / "drumkit.xml")
    loaded: list[tuple[InstrumentSpec, list[Layer]]] = []
    unsound = dict(spec.unsound)
    for ispec in spec.instruments:
        layers = []
        for ls in ispec.layers:
            samples = [trim_sample(load_mono(f, ls.pitch)) for f in ls.files if f.is_file()]
            samples = [s for s in samples if len(s) > 64]
            if samples:
                layers.append(Layer(ls.min_vel, ls.max_vel, samples, ls.gain))
        if not layers:
            continue
        why = unsound_reason("tom_mid" if ispec.label == "tom" else ispec.label, layers[-1].samples[0])
        if why:
            unsound[ispec.name] = why
            continue
        loaded.append((ispec, layers))
    return spec, loaded, unsound


def unsound_instruments(folder: str | Path) -> dict[str, str]:
    """Instrument name -> why `load_hydrogen_kit` leaves it out of the kit in `folder`."""
    return dict(_load_instruments(str(folder))[2])


@lru_cache(maxsize=32)
def load_hydrogen_kit(folder: str | Path) -> Kit:
    """Load a Hydrogen kit folder: samples trimmed, mono float32 at 44.1 kHz, toms ordered by pitch;
    instruments whose samples fail sample_checks are left out."""
    spec, loaded, _ = _load_instruments(str(folder))
    toms = [(i.name, _pitch_hz(ls[-1].samples[0])) for i, ls in loaded if i.label == "tom"]
    tom_map = assign_toms(toms)
    instruments = []
    for ispec, layers in loaded:
        label = tom_map.get(ispec.name, "tom_mid") if ispec.label == "tom" else ispec.label
        choke = f"mute{ispec.mute_group}" if ispec.mute_group >= 0 else None
        instruments.append(Instrument(ispec.name, label, layers, ispec.gain, choke))
    return Kit(spec.name, "hydrogen", instruments, electronic=spec.electronic)


def find_kit_folders(dirs=KIT_DIRS) -> list[Path]:
    """Installed Hydrogen kit folders (those holding a drumkit.xml), sorted by name."""
    return sorted({p.parent for d in map(Path, dirs) if d.is_dir() for p in d.glob("*/drumkit.xml")})


def is_drum_kit(spec: KitSpec) -> bool:
    """A usable drum kit has at least a kick and a snare (hand-percussion kits are not)."""
    labels = {i.label for i in spec.instruments}
    return "kick" in labels and "snare_head" in labels


def hydrogen_kit_folders(dirs=KIT_DIRS) -> list[Path]:
    """Folders of installed kits usable as drum kits (kick and snare present)."""
    return [f for f in find_kit_folders(dirs) if is_drum_kit(parse_drumkit_xml(f / "drumkit.xml"))]
