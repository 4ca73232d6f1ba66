"""Accuracy, end to end through `chart-hero transcribe`: the exported notes.mid is read back and scored
(±50 ms, classes kick / snare / toms / hi-hat / cymbals) on the four real MDB Drums recordings (drum
tracks and full mixes), held-out synthetic drum stems and held-out synthetic full mixes; with the naive
baseline on the same audio. Prints a table (and --markdown FILE writes it for the model card)."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.constants import EVAL_CLASSES, FINE_TO_EVAL  # noqa: E402
from app.training import metrics as M  # noqa: E402

CLASSES = list(EVAL_CLASSES)


def synth_sets(n: int, seed: int, min_audible_db: float | None = None) -> dict[str, list[tuple]]:
    """name -> [(audio, reference events, ignored events)]; with `min_audible_db`, hits that stand out of the
    kit by less than that in every band (render.audibility_db) are ignored rather than scored."""
    from dataclasses import replace
    from app.training.synth.dataset import SynthConfig, held_out_test_set
    out = {}
    for name, p_acc in (("synthetic stems (held out)", 0.0), ("synthetic full mixes (held out)", 1.0)):
        config = replace(SynthConfig(duration_s=30.0), p_accompaniment=p_acc)
        items = []
        for audio, labels, _ in held_out_test_set(n, seed + int(p_acc), config):
            ev: dict[str, list[float]] = {c: [] for c in CLASSES}
            ig: dict[str, list[float]] = {c: [] for c in CLASSES}
            for lab in labels:
                c = FINE_TO_EVAL.get(lab.cls)
                if c:
                    masked = min_audible_db is not None and lab.audible_db < min_audible_db
                    (ig if masked else ev)[c].append(lab.time_s)
            items.append((audio, {k: np.array(v) for k, v in ev.items()}, {k: np.array(v) for k, v in ig.items()}))
        out[name] = items
    return out


def mdb_sets() -> dict[str, list[tuple[np.ndarray, dict[str, np.ndarray]]]]:
    from app.audio.decode import load_audio
    from app.training.mdb import load_tracks
    tracks = load_tracks()
    return {"MDB drums (real)": [(load_audio(t.drum_path), t.events, None) for t in tracks],
            "MDB full mixes (real)": [(load_audio(t.mix_path), t.events, None) for t in tracks]}


def transcribe_and_read_back(audio: np.ndarray, workdir: Path, model: Path | None, preset: str) -> dict:
    from app.audio.decode import write_audio
    from app.cli.main import main
    from app.io.midi_file import read_midi
    from app.training.lane_classes import chart_events
    src = workdir / "input.wav"
    write_audio(src, audio, 44100)
    out = workdir / "out"
    args = ["transcribe", str(src), "--out", str(out), "--preset", preset, "--separate", "off"]
    if model:
        args += ["--model", str(model)]
    if main(args) != 0:
        raise RuntimeError("transcribe failed")
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return chart_events(read_midi(folder / "notes.mid"))


def baseline_events(audio: np.ndarray) -> dict:
    from app.training.baseline import transcribe_baseline
    ev: dict[str, list[float]] = {c: [] for c in CLASSES}
    for h in transcribe_baseline(audio):
        c = FINE_TO_EVAL.get(h.drum)
        if c:
            ev[c].append(h.time_s)
    return {k: np.array(v) for k, v in ev.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path)
    ap.add_argument("--preset", default="conservative")
    ap.add_argument("--synth", type=int, default=12, help="held-out synthetic songs per set (30 s each)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--per-song", action="store_true", help="also print tp/fp/fn per class for each real song")
    ap.add_argument("--min-audible-db", type=float, default=None,
                    help="synthetic sets: ignore hits heard less than this far out of the kit (e.g. -25)")
    args = ap.parse_args()
    import contextlib
    import io
    sets = {**mdb_sets(), **synth_sets(args.synth, args.seed, args.min_audible_db)}
    rows, lines, song_lines = [], [], []
    for name, items in sets.items():
        t0 = time.perf_counter()
        scores, base_scores = [], []
        for k, (audio, ref, ignore) in enumerate(items):
            with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
                est = transcribe_and_read_back(audio, Path(tmp), args.model, args.preset)
            scores.append(M.score_track(ref, est, CLASSES, 0.05, ignore))
            if args.per_song and "real" in name:
                counts = ", ".join(f"{c} {s.tp}/{s.fp}/{s.fn}" for c, s in scores[-1].items() if s.tp + s.fp + s.fn)
                song_lines.append(f"{name} #{k + 1} (tp/fp/fn): {counts}")
            if not args.skip_baseline:
                base_scores.append(M.score_track(ref, baseline_events(audio), CLASSES, 0.05, ignore))
        p = M.pooled(scores, CLASSES)
        lo, hi = M.bootstrap_f(scores, "sum")
        base = M.pooled(base_scores, CLASSES)["sum"].f if base_scores else float("nan")
        offsets = {c: p[c].offset_median_ms for c in CLASSES}
        rows.append((name, p, (lo, hi), base, offsets, time.perf_counter() - t0))
    header = "| data | " + " | ".join(CLASSES) + " | summed F | 95% CI | baseline |"
    lines.append(header)
    lines.append("|---" * (len(CLASSES) + 4) + "|")
    for name, p, (lo, hi), base, offsets, _ in rows:
        cells = [f"{p[c].f:.3f}" if p[c].tp + p[c].fn else "—" for c in CLASSES]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | **{p['sum'].f:.3f}** | {lo:.3f}–{hi:.3f} | {base:.3f} |")
    lines.append("")
    lines.append("Median timing offset (ms, estimate − reference) per class:")
    lines.append("")
    lines.append("| data | " + " | ".join(CLASSES) + " |")
    lines.append("|---" * (len(CLASSES) + 1) + "|")
    for name, _, _, _, offsets, _ in rows:
        lines.append(f"| {name} | " + " | ".join("—" if np.isnan(v) else f"{v:+.1f}" for v in offsets.values()) + " |")
    text = "\n".join(lines)
    print(text)
    print("\n".join(song_lines))
    for name, *_, secs in rows:
        print(f"{name}: {secs:.0f} s")
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
