"""The layering of the brief, enforced: domain <- io/audio <- transcription/training <- workers <- ui."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
QT = ("PySide6", "pyqtgraph", "shiboken6", "superqt")
HEAVY = ("torch", "demucs", "librosa", "soundfile", "sounddevice", "mido", "soxr", "scipy")
UPPER = {
    "domain": ("app.io", "app.audio", "app.transcription", "app.training", "app.workers", "app.ui", "app.cli"),
    "io": ("app.transcription", "app.training", "app.workers", "app.ui", "app.cli"),
    "audio": ("app.transcription", "app.training", "app.workers", "app.ui", "app.cli"),
    "notation": ("app.transcription", "app.training", "app.workers", "app.ui", "app.cli"),
    "transcription": ("app.training", "app.workers", "app.ui", "app.cli"),
    "training": ("app.workers", "app.ui", "app.cli"),
    "guitar": ("app.workers", "app.ui", "app.cli"),
    "workers": ("app.ui", "app.cli"),
}
FORBIDDEN_EXTERNAL = {
    "domain": QT + HEAVY,
    "io": QT,
    "audio": QT,
    "notation": QT + ("torch", "demucs", "librosa", "sounddevice"),
    "transcription": QT,
    "training": QT,
    "guitar": QT,
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((APP / layer).rglob("*.py")):
        for line, mod in _imports(path):
            top = mod.split(".")[0]
            if top in FORBIDDEN_EXTERNAL.get(layer, ()) or any(
                    mod == u or mod.startswith(u + ".") for u in UPPER.get(layer, ())):
                bad.append(f"{path.relative_to(APP.parent)}:{line} imports {mod}")
    return bad


@pytest.mark.parametrize("layer", sorted(UPPER))
def test_layer_imports_only_downwards(layer: str) -> None:
    assert _violations(layer) == []


def test_core_imports_without_qt() -> None:
    """Like napari's headless job: the core must import with Qt unavailable."""
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):\n"
        "            raise ImportError('Qt blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pkgutil, importlib, app\n"
        "for layer in ('domain', 'io', 'audio', 'notation', 'transcription', 'training', 'guitar'):\n"
        "    pkg = importlib.import_module('app.' + layer)\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, 'app.' + layer + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=APP.parent)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


TORCH_FREE = ("app.transcription.pipeline", "app.transcription.engine", "app.transcription.onnx_twin",
              "app.transcription.spectrum_np", "app.transcription.feature_params", "app.transcription.chunking",
              "app.transcription.decode_calibration", "app.transcription.decode", "app.transcription.mapping",
              "app.transcription.playability", "app.transcription.sections", "app.transcription.tempo_estimation",
              "app.transcription.confidence", "app.io.digest")
"""What a transcription runs on the onnxruntime engine: importable where torch is not (its 2 s import is
most of a fresh process's time)."""


def test_onnx_engine_path_imports_without_torch() -> None:
    code = (
        "import sys, importlib.abc, importlib\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('torch blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {TORCH_FREE!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=APP.parent)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
