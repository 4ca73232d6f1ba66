"""Engine choice: auto makes and reuses the twin, falls back to torch, and never trusts a stale twin."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.io.errors import ChartFileError, CheckpointError
from app.transcription.engine import engine_name, load_engine, run_network
from app.transcription.onnx_twin import cached_twin

ROOT = Path(__file__).resolve().parents[2]


def test_auto_exports_a_twin_once_and_reuses_it(tiny_checkpoint, tiny_bundle, monkeypatch) -> None:
    first = load_engine(tiny_checkpoint)
    assert engine_name(first) == "onnxruntime" and first.sha256 == tiny_bundle.sha256
    assert first.twin_path == cached_twin(tiny_bundle.sha256) and first.twin_path.is_file()
    import app.transcription.onnx_export as export_mod

    def no_export(*a, **k):
        raise AssertionError("exported again")
    monkeypatch.setattr(export_mod, "export_twin", no_export)
    again = load_engine(tiny_checkpoint)
    assert again.twin_path == first.twin_path
    audio = np.random.default_rng(0).standard_normal(44100 * 3).astype(np.float32) * 0.1
    a = run_network(audio, again)
    b = run_network(audio, tiny_bundle)
    assert np.abs(a.probs - b.probs).max() < 1e-3


def test_a_changed_checkpoint_gets_a_new_twin(tiny_checkpoint, tiny_model, feature_params) -> None:
    from app.transcription.checkpoint import save_checkpoint
    first = load_engine(tiny_checkpoint)
    save_checkpoint(tiny_checkpoint, tiny_model, feature_params, None, {"note": "recalibrated"})
    second = load_engine(tiny_checkpoint)
    assert second.sha256 != first.sha256 and second.training_summary == {"note": "recalibrated"}


def test_a_damaged_cached_twin_is_exported_again(tiny_checkpoint, tiny_bundle) -> None:
    target = cached_twin(tiny_bundle.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"PK\x03\x04 broken")
    twin = load_engine(tiny_checkpoint)
    assert engine_name(twin) == "onnxruntime" and twin.twin_path == target


def test_auto_falls_back_to_torch_with_a_note(tiny_checkpoint, monkeypatch) -> None:
    import app.transcription.onnx_export as export_mod

    def failing(bundle, path):
        raise export_mod.TwinExportError("simulated")
    monkeypatch.setattr(export_mod, "export_twin", failing)
    notes = []
    bundle = load_engine(tiny_checkpoint, "auto", notes.append)  # a fresh checkpoint (its own sha): no twin yet
    assert engine_name(bundle) == "torch" and notes and "simulated" in notes[0]
    with pytest.raises(ChartFileError, match="twin"):
        load_engine(tiny_checkpoint, "onnx")


def test_torch_engine_and_bad_files(tiny_checkpoint, tmp_path) -> None:
    assert engine_name(load_engine(tiny_checkpoint, "torch")) == "torch"
    with pytest.raises(CheckpointError, match="no such model file"):
        load_engine(tmp_path / "missing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable model checkpoint"):
        load_engine(bad)
    with pytest.raises(ValueError):
        load_engine(tiny_checkpoint, "tpu")


def test_without_onnxruntime_auto_uses_torch(tiny_checkpoint, monkeypatch) -> None:
    import app.transcription.onnx_twin as twin_mod
    monkeypatch.setattr(twin_mod, "onnxruntime_available", lambda: False)
    assert engine_name(load_engine(tiny_checkpoint)) == "torch"
    with pytest.raises(ChartFileError, match="onnxruntime"):
        load_engine(tiny_checkpoint, "onnx")


def test_shipped_model_transcribes_without_importing_torch(tmp_path) -> None:
    """The fast path end to end: the shipped twin runs a transcription in a process where torch cannot load."""
    from app.audio.decode import write_audio
    from app.training.synth.dataset import SynthConfig, render_example
    audio, _, _ = render_example(3, SynthConfig(duration_s=6.0, kit_weights={"procedural": 1.0}, p_mma=0.0,
                                                p_accompaniment=0.0, use_fluidsynth=False))
    song = tmp_path / "song.wav"
    write_audio(song, audio, 44100)
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('torch blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from app.transcription.pipeline import TranscribeOptions, transcribe\n"
        f"r = transcribe({str(song)!r}, TranscribeOptions(separate='off'))\n"
        "assert 'torch' not in sys.modules\n"
        "print('notes', len(r.chart.drums.expert))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.split()[-1]) > 10
