"""`chart-hero calibrate`: refits a checkpoint's thresholds and offsets on shards, one-line errors."""
from __future__ import annotations

from app.cli.main import main
from app.training.synth.dataset import SynthConfig, write_shards
from app.transcription.checkpoint import load_checkpoint
from app.transcription.onnx_twin import read_twin, twin_beside


def test_calibrate_writes_a_calibrated_copy(tmp_path, tiny_checkpoint, capsys) -> None:
    cfg = SynthConfig(duration_s=4.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                      use_fluidsynth=False)
    write_shards(tmp_path / "data", 2, seed=5, config=cfg, per_shard=2)
    out = tmp_path / "calibrated.pt"
    assert main(["twin", str(tiny_checkpoint), "--out", str(twin_beside(out))]) == 0  # a stale twin beside --out
    assert main(["calibrate", str(tiny_checkpoint), str(tmp_path / "data"), "--out", str(out)]) == 0
    bundle, before = load_checkpoint(out), load_checkpoint(tiny_checkpoint)
    assert bundle.training_summary["calibrated_examples"] == 2
    assert set(bundle.calibration.thresholds) <= set(bundle.classes) and bundle.calibration.thresholds
    assert all(0 < t < 1 for t in bundle.calibration.thresholds.values())
    assert "summed F" in capsys.readouterr().out
    for a, b in zip(bundle.model.state_dict().values(), before.model.state_dict().values()):
        assert (a == b).all()  # same weights, new calibration
    twin = read_twin(twin_beside(out), bundle.sha256)  # re-exported for the new file
    assert twin.calibration.thresholds == bundle.calibration.thresholds


def test_calibrate_refuses_what_is_not_shards(tmp_path, tiny_checkpoint, capsys) -> None:
    assert main(["calibrate", str(tiny_checkpoint), str(tmp_path), "--out", str(tmp_path / "x.pt")]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_calibrate_with_real_recordings_records_the_shifts(tmp_path, tiny_checkpoint, capsys) -> None:
    import pytest
    from app.training.mdb import default_root
    if not default_root().is_dir():
        pytest.skip("../shared/data/mdb-dev is not here")
    cfg = SynthConfig(duration_s=4.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                      use_fluidsynth=False)
    write_shards(tmp_path / "data", 2, seed=5, config=cfg, per_shard=2)
    out = tmp_path / "calibrated.pt"
    assert main(["twin", str(tiny_checkpoint), "--out", str(twin_beside(out))]) == 0  # a stale twin beside --out
    assert main(["calibrate", str(tiny_checkpoint), str(tmp_path / "data"), "--out", str(out), "--real", "mdb"]) == 0
    shifts = load_checkpoint(out).training_summary["real_shifts"]
    assert set(shifts) == {"kick", "snare", "hihat", "cymbals"}  # MDB's four songs have no toms
    assert all(-0.15 <= s <= 0.3 for s in shifts.values())
    assert "before the shift" in capsys.readouterr().out


def test_calibrate_leaves_out_examples_by_kit(tmp_path, tiny_checkpoint, capsys) -> None:
    import json

    from app.training.examples import uses_kit
    from app.training.synth.kit import kit_sources
    cfg = SynthConfig(duration_s=4.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                      use_fluidsynth=False)
    write_shards(tmp_path / "data", 3, seed=5, config=cfg, per_shard=3)
    kits = [ex["kit"] for sh in json.loads((tmp_path / "data" / "manifest.json").read_text())["shards"]
            for ex in sh["examples"]]
    entry = "kick=" + kit_sources(kits[0])["kick"]
    out = tmp_path / "calibrated.pt"
    assert main(["calibrate", str(tiny_checkpoint), str(tmp_path / "data"), "--out", str(out),
                 "--exclude-kit", entry]) == 0
    summary = load_checkpoint(out).training_summary
    assert summary["calibrated_examples"] == sum(not uses_kit(k, entry) for k in kits) < 3
    assert summary["calibrated_excluding_kits"] == [entry]
    assert "left out" in capsys.readouterr().out


def test_calibrate_float16_is_asked_for_then_kept(tmp_path, tiny_checkpoint) -> None:
    cfg = SynthConfig(duration_s=4.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                      use_fluidsynth=False)
    write_shards(tmp_path / "data", 2, seed=5, config=cfg, per_shard=2)
    half, again = tmp_path / "half.pt", tmp_path / "again.pt"
    assert not load_checkpoint(tiny_checkpoint).stored_float16
    assert main(["calibrate", str(tiny_checkpoint), str(tmp_path / "data"), "--out", str(half), "--float16"]) == 0
    assert load_checkpoint(half).stored_float16
    assert main(["calibrate", str(half), str(tmp_path / "data"), "--out", str(again)]) == 0
    assert load_checkpoint(again).stored_float16  # recalibrating a half-precision model does not double it
