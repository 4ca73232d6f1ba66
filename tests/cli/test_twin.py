"""`chart-hero twin`: writes a twin beside the model that the engine then uses; bad models exit 2."""
from __future__ import annotations

from app.cli.main import main
from app.transcription.engine import engine_name, load_engine
from app.transcription.onnx_twin import twin_beside


def test_twin_beside_the_model_is_used(tiny_checkpoint, capsys) -> None:
    assert main(["twin", str(tiny_checkpoint)]) == 0
    assert "max |torch - onnxruntime|" in capsys.readouterr().out
    bundle = load_engine(tiny_checkpoint)
    assert engine_name(bundle) == "onnxruntime" and bundle.twin_path == twin_beside(tiny_checkpoint)


def test_twin_of_a_bad_model_is_one_line_exit_2(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"junk")
    assert main(["twin", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.pt" in err[0]
    assert not twin_beside(bad).exists()
