"""`chart-hero dataset synth|build|kits`: render shards, build shards from song folders, or list the kits."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("dataset", help="make training data (synthetic renders or Clone Hero song folders)")
    dsub = p.add_subparsers(dest="dataset_command", metavar="KIND", required=True)
    s = dsub.add_parser("synth", help="render synthetic drum examples into shards")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--examples", type=int, default=640, help="number of examples (30 s each by default)")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--split", choices=("train", "test"), default="train",
                   help="test: held-out kits and patterns only")
    s.add_argument("--duration", type=float, default=30.0, help="seconds per example")
    s.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="override a SynthConfig field (numbers, LO,HI ranges, 0/1 switches, kit_weights.SOURCE=W), "
                        "e.g. --set p_kit_blend=0.5")
    s.set_defaults(run=run_synth)
    k = dsub.add_parser("kits", help="list the installed Hydrogen kits, their split, and the instruments left out "
                                     "because their samples contradict their names")
    k.set_defaults(run=run_kits)
    b = dsub.add_parser("build", help="turn Clone Hero song folders into aligned training shards")
    b.add_argument("roots", nargs="+", type=Path, help="folders searched for song folders")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--seed", type=int, default=1, help="seed of the train/val/test split")
    b.set_defaults(run=run_build)


def synth_overrides(items: list[str]) -> dict:
    """`FIELD=VALUE` strings -> {field: number}, `FIELD=LO,HI` for a range field (drums_rel_db), `FIELD=0|1`
    for a switch (gm_extra_kits) and `kit_weights.SOURCE=W` for one kit source's weight; refuses unknown or
    non-numeric fields."""
    from dataclasses import fields

    from app.training.synth.dataset import SynthConfig

    numeric = {f.name for f in fields(SynthConfig) if f.type in ("float", "int", float, int)}
    ranges = {f.name for f in fields(SynthConfig) if f.type in ("tuple", tuple)}
    switches = {f.name for f in fields(SynthConfig) if f.type in ("bool", bool)}
    default_weights = SynthConfig().kit_weights
    out: dict = {}
    for item in items:
        name, _, value = item.partition("=")
        if name in switches:
            if value not in ("0", "1"):
                raise ValueError(f"--set {item}: a switch is 0 or 1")
            out[name] = value == "1"
            continue
        if name.startswith("kit_weights."):
            source = name.split(".", 1)[1]
            try:
                weight = float(value)
            except ValueError:
                raise ValueError(f"--set {item}: {value!r} is not a number") from None
            if source not in default_weights or weight < 0:
                raise ValueError(f"--set {item}: kit sources are {', '.join(sorted(default_weights))}, weights >= 0")
            out["kit_weights"] = {**out.get("kit_weights", default_weights), source: weight}
            continue
        if name not in numeric | ranges:
            raise ValueError(f"--set {item}: not a numeric SynthConfig field (one of "
                             f"{', '.join(sorted(numeric | ranges | switches))}, kit_weights.SOURCE)")
        try:
            parts = [float(v) for v in value.split(",")]
        except ValueError:
            raise ValueError(f"--set {item}: {value!r} is not a number") from None
        if name in ranges:
            if len(parts) != 2 or parts[0] > parts[1]:
                raise ValueError(f"--set {item}: a range is LO,HI with LO <= HI")
            out[name] = (parts[0], parts[1])
        elif len(parts) != 1:
            raise ValueError(f"--set {item}: {value!r} is not a number")
        else:
            out[name] = parts[0]
    return out


def run_synth(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.training.synth.dataset import SynthConfig, write_shards

    try:
        overrides = synth_overrides(args.set)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    bar = tqdm(total=args.examples, unit="example")

    def progress(i: int, n: int) -> None:
        bar.n = i
        bar.refresh()
    manifest = write_shards(args.out, args.examples, args.seed,
                            SynthConfig(duration_s=args.duration, split=args.split, **overrides), on_progress=progress)
    bar.close()
    print(f"wrote {manifest}")
    return 0


def run_kits(args: argparse.Namespace) -> int:
    from app.training.synth.dataset import HELD_OUT
    from app.training.synth.hydrogen_kits import find_kit_folders, is_drum_kit, parse_drumkit_xml, unsound_instruments

    _print_gm_kits()
    folders = find_kit_folders()
    if not folders:
        print("no Hydrogen kits installed (Debian packages hydrogen-drumkits, hydrogen-data)")
        return 0
    for folder in folders:
        spec = parse_drumkit_xml(folder / "drumkit.xml")
        use = ("test (held out)" if folder.name in HELD_OUT["hydrogen"] else "train") if is_drum_kit(spec) \
            else "not used (no kick or snare)"
        unsound = unsound_instruments(folder)
        print(f"{folder.name}: {spec.name!r}, {use}{', electronic' if spec.electronic else ''}, "
              f"{len(spec.instruments)} instruments, {len(unsound)} left out")
        for name, why in unsound.items():
            print(f"    left out {name!r}: {why}")
    return 0


def _print_gm_kits() -> None:
    """The General MIDI kits: the default SoundFont's and the extras (gm_extra_kits), with their split."""
    from app.training.synth.dataset import HELD_OUT
    from app.training.synth.gm_kits import EXTRA_GM_KITS, GM_KIT_PROGRAMS, find_soundfont, fluidsynth_available

    sf2 = find_soundfont()
    if sf2 is None or not fluidsynth_available():
        print("no General MIDI kits (needs fluidsynth and fluid-soundfont-gm)")
    else:
        for program, name in GM_KIT_PROGRAMS.items():
            print(f"GM {sf2.name} program {program} {name!r}: "
                  f"{'test (held out)' if program in HELD_OUT['gm'] else 'train'}")
    for path, programs in EXTRA_GM_KITS.items():
        state = "train with gm_extra_kits" if Path(path).is_file() and fluidsynth_available() else "not installed"
        print(f"GM {Path(path).name} programs {', '.join(map(str, programs))}: {state}")


def run_build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.training.chart_dataset import build_dataset

    bar = tqdm(unit="song")

    def progress(frac: float, msg: str = "") -> None:
        bar.set_postfix_str(msg[-40:])
        bar.update(0)
    report = build_dataset(args.roots, args.out, seed=args.seed, on_progress=progress)
    bar.close()
    print(report.summary())
    return 0 if report.kept else 1
