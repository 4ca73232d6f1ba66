"""Ship a trained checkpoint: copy it to models/drums.pt and write models/MODEL_CARD.md with its sha256,
training facts, data sources and licences, held-out material and the evaluation tables."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.transcription.checkpoint import file_sha256, load_checkpoint  # noqa: E402
from app.transcription.model import count_parameters  # noqa: E402

SOURCES = """| source | what | licence |
|---|---|---|
| Debian `hydrogen-drumkits`, `hydrogen-data` | sampled acoustic and electronic kits with velocity layers | GPL-2(+), CC-BY-3.0, CC-BY-SA-3.0, CC0 (per kit; see the packages' copyright files) |
| Debian `fluid-soundfont-gm` (FluidR3_GM) via `fluidsynth` | General MIDI drum kits rendered to one-shots | MIT |
| Debian `mma` | human-written groove library (drum patterns) and accompaniment styles | GPL-2+ |
| Chart Hero's own groove generator and procedural kit | patterns (rock ... blast beats, odd meters), synthesized drums | this project |
| MDB Drums excerpt (`../shared/data/mdb-dev`) | **validation only, never trained on** | CC BY-NC-SA 4.0 |

The weights are trained on renders of these sounds; no sample audio is shipped with the model."""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--accuracy", type=Path, help="markdown table from benchmarks/bench_accuracy.py --markdown")
    ap.add_argument("--notes", default="", help="free text for the card (what is known to be weak)")
    args = ap.parse_args()
    bundle = load_checkpoint(args.checkpoint)
    dest = ROOT / "models" / "drums.pt"
    if args.checkpoint.resolve() != dest.resolve():
        shutil.copyfile(args.checkpoint, dest)
    sha = file_sha256(dest)
    s = bundle.training_summary or {}
    cfg = s.get("config", {})
    from app.training.synth.dataset import HELD_OUT
    held = "\n".join(f"- {k}: {', '.join(map(str, v))}" for k, v in HELD_OUT.items())
    cal = bundle.calibration
    cal_rows = "\n".join(f"| {c} | {cal.thresholds.get(c, float('nan')):.2f} | {cal.timing_offsets_ms.get(c, 0.0):+.1f} |"
                         for c in bundle.classes)
    accuracy = args.accuracy.read_text() if args.accuracy and args.accuracy.is_file() else "(not measured yet)"
    card = f"""# Chart Hero drum model

`models/drums.pt` — sha256 `{sha}` ({dest.stat().st_size / 1e6:.2f} MB)

- Architecture: `{type(bundle.model).__name__}` ({count_parameters(bundle.model):,} parameters), kwargs
  `{bundle.model.init_kwargs}`
- Features: `{bundle.feature_params.to_dict()}`
- Classes (independent sigmoids): {', '.join(bundle.classes)}
- Training run: `{s.get('version', '?')}`, {s.get('steps', '?')} steps, {s.get('train_hours', '?')} h of rendered
  audio ({s.get('train_examples', '?')} examples), {s.get('elapsed_s', '?')} s of wall time on a 2-core CPU
  (torch 2.13 CPU, 1 thread), validation summed F {s.get('best_val_sum_f', s.get('val_sum_f', '?'))}
  (synthetic validation set, thresholds calibrated on it)
- Config: `resources/training/{Path(cfg.get('run_dir', 'drums-small')).name.rsplit('-v', 1)[0]}.yaml`
  (reproduce: render the data with the two `chart-hero dataset synth` commands in its header, then
  `chart-hero train` it)

## Data and licences

{SOURCES}

## Held out (never trained on)

{held}

## Decode calibration (stored in the checkpoint)

| class | threshold | timing offset ms |
|---|---|---|
{cal_rows}

## Evaluation (end to end through `chart-hero transcribe`, notes.mid read back, ±50 ms)

{accuracy}

{args.notes}
"""
    (ROOT / "models" / "MODEL_CARD.md").write_text(card)
    print(f"wrote {dest} (sha256 {sha}) and models/MODEL_CARD.md")


if __name__ == "__main__":
    main()
