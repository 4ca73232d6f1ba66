"""`chart-hero guitar ...`: exit codes and one-line errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from tests.guitar.conftest import TINY


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("chart-hero: error:"), err
    return err


def test_missing_metadata_exits_2_with_one_line(tmp_path, capsys) -> None:
    assert main(["guitar", "evaluate", str(tmp_path / "m.pt"), str(tmp_path / "none.csv")]) == 2
    assert "no such model file" in _one_line_error(capsys)
    assert main(["guitar", "train", str(TINY), "--metadata", str(tmp_path / "none.csv"),
                 "--run-dir", str(tmp_path / "run")]) == 2
    assert "no such metadata table" in _one_line_error(capsys)


def test_unknown_config_key_exits_2(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("training: {epochs: 3}\n")
    assert main(["guitar", "train", str(bad)]) == 2
    assert "unknown settings ['epochs']" in _one_line_error(capsys)


def test_evaluate_predict_export(trained_run, tmp_path, capsys) -> None:
    config, result, _ = trained_run
    assert main(["guitar", "evaluate", str(result.best_path), config.data.metadata, "--split", "test",
                 "--out", str(tmp_path / "ev")]) == 0
    assert "balanced accuracy" in capsys.readouterr().out
    assert (tmp_path / "ev" / "confusion.png").is_file() and (tmp_path / "ev" / "mistakes.csv").is_file()
    audio = sorted(Path(config.data.metadata).parent.glob("*.wav"))[0]
    assert main(["guitar", "predict", str(result.best_path), str(audio), "--out", str(tmp_path / "p.csv")]) == 0
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0].startswith("source_audio,onset_sec,offset_sec,label,confidence") and len(lines) > 10
    assert "notes ->" in capsys.readouterr().err
    assert main(["guitar", "predict", str(result.best_path), str(tmp_path / "nothing.wav")]) == 2
    assert "no such audio file" in _one_line_error(capsys)
    pytest.importorskip("onnxruntime")
    assert main(["guitar", "export", str(result.best_path), str(tmp_path / "m.onnx")]) == 0
    assert "max abs diff" in capsys.readouterr().out


def test_no_action_prints_help_and_exits_2(capsys) -> None:
    assert main(["guitar"]) == 2
    assert "evaluate" in capsys.readouterr().out
