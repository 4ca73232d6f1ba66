"""The command line: conversions, validation exit codes, one-line errors for malformed input."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf

from app.cli.main import main
from app.io.midi_file import write_midi
from tests.io.test_song_folder import rock_chart, write_audio

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.fixture
def song_dir(tmp_path) -> Path:
    audio = tmp_path / "song.ogg"
    write_audio(audio, 30)
    out = tmp_path / "song"
    assert main(["convert", str(_mid(tmp_path)), str(out)]) == 0
    write_audio(out / "song.ogg", 30)
    return out


def _mid(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mid"
    write_midi(rock_chart(), path)
    return path


def test_convert_between_all_kinds(tmp_path, song_dir) -> None:
    assert main(["convert", str(song_dir), str(tmp_path / "x.chart")]) == 0
    assert main(["convert", str(tmp_path / "x.chart"), str(tmp_path / "y.mid")]) == 0
    assert main(["convert", str(tmp_path / "y.mid"), str(tmp_path / "gm.mid"), "--to", "gm"]) == 0
    assert main(["convert", str(tmp_path / "gm.mid"), str(tmp_path / "z.mid")]) == 0  # detected as GM
    assert main(["convert", str(tmp_path / "z.mid"), str(tmp_path / "folder2"), "--format", "chart"]) == 0
    assert (tmp_path / "folder2" / "notes.chart").is_file()


def test_validate_clean_song_exits_0(song_dir) -> None:
    r = run_cli("validate", song_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stdout


def test_validate_reports_errors_with_song_time_and_exits_1(tmp_path) -> None:
    chart = rock_chart()
    from app.domain.lanes import Lane
    from app.domain.notes import Note
    chart.drums.expert.put(Note(1920 * 2, Lane.RED))
    chart.drums.expert.put(Note(1920 * 2, Lane.BLUE, cymbal=True))  # with the hi-hat: 3 pads
    out = tmp_path / "bad"
    out.mkdir()
    write_midi(chart, out / "notes.mid")
    write_audio(out / "song.ogg", 30)
    r = run_cli("validate", out)
    assert r.returncode == 1
    assert "three or more pads" in r.stdout.lower() or "pads at once" in r.stdout.lower(), r.stdout
    assert "[0:03.7" in r.stdout  # bar 2 at 128 BPM


def _format0(path: Path) -> None:
    mid = mido.MidiFile(type=0)
    mid.tracks.append(mido.MidiTrack([mido.Message("note_on", note=96, velocity=100)]))
    mid.save(str(path))


BAD_INPUTS = {
    "truncated.mid": (lambda p: p.write_bytes(Path(p.parent / "good.mid").read_bytes()[:40]), "truncated|damaged"),
    "format0.mid": (_format0, "format 0"),
    "unsorted.chart": (lambda p: p.write_text(
        "[Song]\n{\n  Resolution = 192\n}\n[SyncTrack]\n{\n  0 = B 120000\n}\n[ExpertDrums]\n{\n"
        "  192 = N 0 0\n  96 = N 1 0\n}\n"), "order|sorted|unsorted"),
    "nores.chart": (lambda p: p.write_text("[Song]\n{\n  Name = \"x\"\n}\n[SyncTrack]\n{\n  0 = B 120000\n}\n"),
                    "[Rr]esolution"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_malformed_files_one_line_exit_2_nothing_written(tmp_path, name) -> None:
    write_midi(rock_chart(), tmp_path / "good.mid")
    make, pattern = BAD_INPUTS[name]
    bad = tmp_path / name
    make(bad)
    out = tmp_path / "out.mid"
    r = run_cli("convert", bad, out)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr and str(bad) in lines[0], r.stderr
    import re
    assert re.search(pattern, lines[0]), lines[0]
    assert not out.exists()


def test_binary_song_ini_and_folder_without_audio(tmp_path, song_dir) -> None:
    (song_dir / "song.ini").write_bytes(b"\x00\xff\xfe\x00garbage\x00")
    r = run_cli("validate", song_dir)
    assert r.returncode == 2 and "song.ini" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_cli("validate", empty)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_missing_input(tmp_path) -> None:
    r = run_cli("convert", tmp_path / "nope.mid", tmp_path / "x.chart")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_dataset_synth_set_overrides_are_checked() -> None:
    """`dataset synth --set FIELD=VALUE` takes numeric SynthConfig fields only, with a one-line refusal."""
    from app.cli.dataset import synth_overrides

    assert synth_overrides(["p_kit_blend=0.5", "p_vintage=0.1"]) == {"p_kit_blend": 0.5, "p_vintage": 0.1}
    with pytest.raises(ValueError, match="not a numeric SynthConfig field"):
        synth_overrides(["split=test"])
    with pytest.raises(ValueError, match="is not a number"):
        synth_overrides(["p_vintage=lots"])
    assert synth_overrides(["drums_rel_db=-14,-4"]) == {"drums_rel_db": (-14.0, -4.0)}
    with pytest.raises(ValueError, match="LO,HI"):
        synth_overrides(["drums_rel_db=-4,-14"])
    with pytest.raises(ValueError, match="is not a number"):
        synth_overrides(["p_vintage=0.1,0.2"])
    assert synth_overrides(["gm_extra_kits=1"]) == {"gm_extra_kits": True}
    with pytest.raises(ValueError, match="0 or 1"):
        synth_overrides(["gm_extra_kits=yes"])
    weights = synth_overrides(["kit_weights.gm=0.6", "kit_weights.procedural=0"])["kit_weights"]
    assert weights["gm"] == 0.6 and weights["procedural"] == 0.0 and weights["hydrogen"] == 0.55
    with pytest.raises(ValueError, match="kit sources"):
        synth_overrides(["kit_weights.mystery=1"])


def test_train_on_a_device_this_machine_lacks_is_one_line_exit_2(tmp_path) -> None:
    from app.resources import resource_path
    r = run_cli("train", resource_path("training", "tiny.yaml"), "--run-dir", tmp_path / "run", "--device", "cuda:99")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "tiny.yaml" in r.stderr and "'cuda:99'" in r.stderr and not (tmp_path / "run").exists()


def test_train_with_a_malformed_config_is_one_line_exit_2(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("run_dir: x\nstages: [\n")
    r = run_cli("train", bad)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert str(bad) in r.stderr and "not valid YAML" in r.stderr and "internal error" not in r.stderr
