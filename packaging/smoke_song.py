"""Render a few seconds of drums with the project's synthetic renderer (procedural kit, no accompaniment).
    python packaging/smoke_song.py OUT.wav [SECONDS]
"""
import sys

import soundfile as sf

from app.constants import SAMPLE_RATE
from app.training.synth.dataset import SynthConfig, render_example

if __name__ == "__main__":
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
    config = SynthConfig(duration_s=seconds, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                         use_fluidsynth=False)
    audio, labels, info = render_example(7, config)
    sf.write(sys.argv[1], audio, SAMPLE_RATE)
    print(f"wrote {sys.argv[1]}: {len(audio) / SAMPLE_RATE:.1f} s, {len(labels)} hits, {info['bpm']} BPM {info['style']}")
