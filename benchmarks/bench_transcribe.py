"""Benchmark: transcribe a 4-minute song without separation (target <= 5 s, RTF <= 0.02, peak RSS < 1.5 GB)
and re-decode it from stored activations (target < 100 ms). Prints the figures. `--engine torch` times the
torch reference engine instead of the onnxruntime twin that transcribe runs."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_song(path: Path, seconds: float) -> None:
    import soundfile as sf
    from app.training.synth.dataset import SynthConfig, render_example
    config = SynthConfig(duration_s=seconds, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                         use_fluidsynth=False)
    audio, _, _ = render_example(42, config)
    from app.audio.decode import write_audio
    write_audio(path, audio, 44100)


def model_for_benchmark(tmp: Path) -> Path:
    """The shipped model, or a random model of the shipped architecture when none is there yet."""
    from app.resources import default_model_path
    if default_model_path().is_file():
        return default_model_path()
    import yaml
    from app.transcription.checkpoint import save_checkpoint
    from app.transcription.features import FeatureParams
    from app.transcription.model import HierarchicalDrumNet
    cfg = yaml.safe_load((ROOT / "resources" / "training" / "drums-small.yaml").read_text())
    fp = FeatureParams()
    path = tmp / "random.pt"
    save_checkpoint(path, HierarchicalDrumNet(fp.n_channels, fp.n_bands, **cfg["model"]).eval(), fp)
    return path


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
t0 = time.perf_counter()
from app.transcription.pipeline import TranscribeOptions, transcribe, redecode
imports_s = time.perf_counter() - t0
opts = TranscribeOptions(model_path=sys.argv[2], separate="off", engine=sys.argv[4])
runs = []
for _ in range(2):
    t = time.perf_counter(); r = transcribe(sys.argv[1], opts); runs.append(time.perf_counter() - t)
t = time.perf_counter()
for _ in range(5):
    redecode(r, preset="aggressive", sensitivity={"kick": 0.8})
redecode_s = (time.perf_counter() - t) / 5
from app.transcription.decode import decode, load_preset
p = load_preset("aggressive")
t = time.perf_counter()
for _ in range(5):
    decode(r.activations, p)
decode_s = (time.perf_counter() - t) / 5
from app.transcription.engine import engine_name, load_engine
print(json.dumps({"engine": engine_name(load_engine(sys.argv[2], sys.argv[4])), "torch_imported": "torch" in sys.modules,
                  "imports_s": imports_s, "runs_s": runs, "timings": r.timings_s, "redecode_s": redecode_s,
                  "decode_only_s": decode_s, "duration_s": r.duration_s, "notes": len(r.chart.drums.expert),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=240.0)
    ap.add_argument("--processes", type=int, default=3, help="fresh processes to time (the median is printed)")
    ap.add_argument("--engine", choices=("auto", "onnx", "torch"), default="auto",
                    help="auto: the onnxruntime twin (what transcribe runs); torch: the reference engine")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        song = tmp / "song.ogg"
        make_song(song, args.seconds)
        model = model_for_benchmark(tmp)
        reports = []
        for _ in range(args.processes):
            out = subprocess.run([sys.executable, "-c", CHILD, str(song), str(model), str(ROOT), args.engine], capture_output=True,
                                 text=True, check=True).stdout
            reports.append(json.loads(out.strip().splitlines()[-1]))
    r = reports[-1]
    firsts = sorted(x["runs_s"][0] for x in reports)
    warms = sorted(x["runs_s"][1] for x in reports)
    first, warm = float(np.median(firsts)), float(np.median(warms))
    print(f"song: {r['duration_s']:.1f} s of audio, model {model.name}, {r['notes']} Expert notes; "
          f"engine {r['engine']} (torch imported: {r['torch_imported']}); median of {len(reports)} fresh processes")
    print(f"transcribe (first run in a fresh process, engine imported in it): {first:.2f} s  "
          f"RTF {first / r['duration_s']:.4f}  (target RTF <= 0.02: ratio {first / r['duration_s'] / 0.02:.2f}; "
          f"each: {', '.join(f'{x:.2f}' for x in firsts)})")
    print(f"transcribe (warm: the editor after its background pre-warm, a batch after its first song): {warm:.2f} s  "
          f"RTF {warm / r['duration_s']:.4f}  (each: {', '.join(f'{x:.2f}' for x in warms)})")
    print("  stages (warm run): " + ", ".join(f"{k} {v:.2f} s" for k, v in r["timings"].items()))
    print(f"re-decode from activations: {r['redecode_s'] * 1000:.0f} ms (decode alone {r['decode_only_s'] * 1000:.0f} ms;"
          f" target < 100 ms: ratio {r['redecode_s'] / 0.1:.2f})")
    print(f"peak memory (RSS): {r['peak_rss_mb']:.0f} MB (target < 1536 MB: ratio {r['peak_rss_mb'] / 1536:.2f})")


if __name__ == "__main__":
    main()
