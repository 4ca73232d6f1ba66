"""`chart-hero dataset kits`: installed kits, their split, and the instruments the renderer leaves out."""
from __future__ import annotations

import numpy as np
import pytest

from app.cli.main import main

sf = pytest.importorskip("soundfile")

XML = """<?xml version="1.0" encoding="UTF-8"?>
<drumkit_info><name>{name}</name><instrumentList>
 <instrument><name>Kick</name><filename>kick.wav</filename></instrument>
 <instrument><name>Snare</name><filename>snare.wav</filename></instrument>
 <instrument><name>Crash</name><filename>boom.wav</filename></instrument>
</instrumentList></drumkit_info>
"""


def test_dataset_kits_lists_left_out_instruments(tmp_path, monkeypatch, capsys) -> None:
    from app.training.synth import hydrogen_kits
    folder = tmp_path / "BoomKit"
    folder.mkdir()
    (folder / "drumkit.xml").write_text(XML.format(name="Boom Kit"))
    t = np.arange(13230) / 44100
    for name, hz in (("kick", 55), ("snare", 900), ("boom", 40)):
        sf.write(folder / f"{name}.wav", (np.sin(2 * np.pi * hz * t) * np.exp(-t / 0.1)).astype(np.float32), 44100)
    monkeypatch.setattr(hydrogen_kits, "find_kit_folders", lambda dirs=None: [folder])
    assert main(["dataset", "kits"]) == 0
    out = capsys.readouterr().out
    assert "BoomKit: 'Boom Kit', train, 3 instruments, 1 left out" in out
    assert "left out 'Crash': 100% of its energy lies below 250 Hz" in out


def test_dataset_kits_without_hydrogen(monkeypatch, capsys) -> None:
    from app.training.synth import hydrogen_kits
    monkeypatch.setattr(hydrogen_kits, "find_kit_folders", lambda dirs=None: [])
    assert main(["dataset", "kits"]) == 0
    out = capsys.readouterr().out
    assert "no Hydrogen kits installed" in out
    assert "TimGM6mb.sf2 programs 0, 8, 16, 24, 25, 32, 40: " in out  # the extra GM kits, installed or not
    assert "program 16 'Power': test (held out)" in out or "no General MIDI kits" in out
