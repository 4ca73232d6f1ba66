"""The transcription job end to end with a tiny random model: plumbing, redecode, cancel, bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from app.domain.progress import Cancelled
from app.io.errors import ChartFileError
from app.transcription.pipeline import TranscribeOptions, redecode, transcribe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def drum_audio(tmp_path_factory):
    from app.training.synth.dataset import SynthConfig, render_example
    config = SynthConfig(duration_s=12.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                         use_fluidsynth=False, p_augment=0.0)
    audio, labels, _ = render_example(5, config)
    path = tmp_path_factory.mktemp("audio") / "groove.ogg"
    sf.write(str(path), audio, 44100, format="OGG", subtype="VORBIS")
    return path, labels


def test_transcribe_produces_a_chart_and_redecodes(drum_audio, tiny_checkpoint) -> None:
    path, _ = drum_audio
    seen = []
    result = transcribe(path, TranscribeOptions(model_path=tiny_checkpoint, separate="off"),
                        lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and all(a <= b + 1e-9 for a, b in zip(seen, seen[1:]))
    n_samples = sf.info(str(path)).frames
    assert result.activations.n_frames == 1 + n_samples // 256
    chart = result.chart
    assert chart.metadata.name == "groove" and chart.metadata.charter == "Chart Hero"
    assert chart.sections and chart.sections[0].tick == 0
    assert chart.end_tick is not None and chart.tempo_map.tick_to_s(chart.end_tick) <= result.duration_s
    assert result.audio_description == "used groove.ogg"
    again = redecode(result, preset="aggressive", sensitivity={"kick": 1.0})
    assert again.activations is result.activations and again.chart.tempo_map == chart.tempo_map
    assert len(again.hits) >= len(result.hits)


def test_song_folder_uses_drum_stem(tmp_path, drum_audio, tiny_checkpoint) -> None:
    path, _ = drum_audio
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "drums.ogg").write_bytes(path.read_bytes())
    (folder / "song.ogg").write_bytes(path.read_bytes())
    result = transcribe(folder, TranscribeOptions(model_path=tiny_checkpoint))
    assert result.audio_description == "used drums.ogg" and not result.separated
    assert set(result.stems) == {"drums", "song"}


def test_cancel(drum_audio, tiny_checkpoint) -> None:
    with pytest.raises(Cancelled):
        transcribe(drum_audio[0], TranscribeOptions(model_path=tiny_checkpoint, separate="off"),
                   should_cancel=lambda: True)


def test_full_mix_without_separation_model_says_so(drum_audio, tiny_checkpoint, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no user cache: no demucs model anywhere
    result = transcribe(drum_audio[0], TranscribeOptions(model_path=tiny_checkpoint, separate="auto"))
    assert not result.separated and any("separation model" in w for w in result.warnings)


def test_a_drum_stem_given_alone_is_not_separated(drum_audio, tiny_checkpoint, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    stem = tmp_path / "Drums_1.ogg"
    stem.write_bytes(drum_audio[0].read_bytes())
    result = transcribe(stem, TranscribeOptions(model_path=tiny_checkpoint, separate="auto"))
    assert not result.separated and not result.warnings
    assert result.stems == {"drums": stem}


@pytest.mark.parametrize("make, match", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"OggS" + b"\x00" * 100), "bad.ogg"),
    (lambda p: p.write_bytes(b""), "bad.ogg"),
])
def test_bad_audio(tmp_path, tiny_checkpoint, make, match) -> None:
    bad = tmp_path / "bad.ogg"
    make(bad)
    with pytest.raises(ChartFileError, match=match) as info:
        transcribe(bad, TranscribeOptions(model_path=tiny_checkpoint))
    assert "\n" not in str(info.value) and "bad.ogg" in str(info.value)


def test_cli_batch_keeps_going_and_writes_json(tmp_path, drum_audio, tiny_checkpoint) -> None:
    bad = tmp_path / "broken.ogg"
    bad.write_bytes(b"not audio")
    text = tmp_path / "model.pt"
    text.write_text("hello")
    r = subprocess.run([sys.executable, "-m", "app", "transcribe", str(drum_audio[0]), str(bad), "--out",
                        str(tmp_path / "out"), "--model", str(tiny_checkpoint), "--json", "--separate", "off"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "1 of 2 songs charted" in r.stdout and "broken.ogg" in r.stderr and "Traceback" not in r.stderr
    folder = tmp_path / "out" / "groove"
    assert {p.name for p in folder.iterdir()} >= {"notes.mid", "song.ini", "song.ogg", "events.json"}
    events = json.loads((folder / "events.json").read_text())
    assert "events" in events and events["model_sha256"]
    r = subprocess.run([sys.executable, "-m", "app", "transcribe", str(drum_audio[0]), "--out",
                        str(tmp_path / "out2"), "--model", str(text)], capture_output=True, text=True, cwd=ROOT,
                       timeout=300)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "model.pt" in r.stderr, r.stderr


def test_a_bad_model_is_reported_before_bad_audio(tmp_path) -> None:
    """The model loads on a thread beside the audio; its error still comes first, as when run in turn."""
    model = tmp_path / "broken.pt"
    model.write_bytes(b"not a checkpoint")
    with pytest.raises(ChartFileError) as err:
        transcribe(tmp_path / "missing.ogg", TranscribeOptions(model_path=model, separate="off"))
    assert "broken.pt" in str(err.value)


def test_bad_audio_with_a_good_model_names_the_audio(tmp_path, tiny_checkpoint) -> None:
    with pytest.raises(ChartFileError) as err:
        transcribe(tmp_path / "missing.ogg", TranscribeOptions(model_path=tiny_checkpoint, separate="off"))
    assert "missing.ogg" in str(err.value)
