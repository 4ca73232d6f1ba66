"""Hydrogen drumkit.xml parsing and loading on a generated kit; name mapping; installed kits."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.constants import SAMPLE_RATE
from app.training.synth.hydrogen_kits import (SKIP, assign_toms, classify_name, find_kit_folders,
                                              load_hydrogen_kit, parse_drumkit_xml)
from app.training.synth.pattern import Hit, Pattern
from app.training.synth.render import render

sf = pytest.importorskip("soundfile")

XML = """<?xml version="1.0" encoding="UTF-8"?>
<drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">
 <name>TestKit</name>
 <instrumentList>
  <instrument><id>0</id><name>Kick</name><volume>1</volume><gain>0.8</gain><muteGroup>-1</muteGroup>
   <instrumentComponent><component_id>0</component_id><gain>1</gain>
    <layer><filename>kick_soft.wav</filename><min>0</min><max>0.5</max><gain>1</gain><pitch>0</pitch></layer>
    <layer><filename>kick_hard.wav</filename><min>0.5</min><max>1</max><gain>1</gain><pitch>0</pitch></layer>
   </instrumentComponent></instrument>
  <instrument><id>1</id><name>Side Stick</name><volume>1</volume>
   <layer><filename>stick.wav</filename><min>0</min><max>1</max><gain>1</gain></layer></instrument>
  <instrument><id>2</id><name>Tom 1</name><layer><filename>tom_a.wav</filename><min>0</min><max>1</max></layer></instrument>
  <instrument><id>3</id><name>Tom 2</name><layer><filename>tom_b.wav</filename><min>0</min><max>1</max></layer></instrument>
  <instrument><id>4</id><name>Floor Tom</name><layer><filename>tom_c.wav</filename><min>0</min><max>1</max></layer></instrument>
  <instrument><id>5</id><name>Cowbell</name><filename>cowbell.flac</filename></instrument>
  <instrument><id>6</id><name>Snare Roll</name><filename>roll.wav</filename></instrument>
  <instrument><id>7</id><name>17</name></instrument>
 </instrumentList>
</drumkit_info>
"""
LEAD_S = 0.03


def _tone(hz: float, sr: int = 48000) -> np.ndarray:
    t = np.arange(int(0.3 * sr)) / sr
    x = np.sin(2 * np.pi * hz * t) * np.exp(-t / 0.08)
    noise = np.random.default_rng(0).standard_normal(int(LEAD_S * sr)) * 1e-4    # leading silence + floor
    return np.concatenate([noise, x]).astype(np.float32)


@pytest.fixture
def kit_dir(tmp_path: Path) -> Path:
    (tmp_path / "drumkit.xml").write_text(XML)
    for name, hz in (("kick_soft", 60), ("kick_hard", 65), ("stick", 1800), ("tom_a", 130),
                     ("tom_b", 220), ("tom_c", 90), ("roll", 200)):
        sf.write(tmp_path / f"{name}.wav", _tone(hz), 48000)
    sf.write(tmp_path / "cowbell.flac", _tone(700), 48000)
    return tmp_path


def test_parse_maps_names_and_layers(kit_dir: Path) -> None:
    spec = parse_drumkit_xml(kit_dir / "drumkit.xml")
    assert spec.name == "TestKit"
    by = {i.name: i for i in spec.instruments}
    assert set(by) == {"Kick", "Side Stick", "Tom 1", "Tom 2", "Floor Tom", "Cowbell"}
    assert by["Kick"].label == "kick" and by["Kick"].gain == pytest.approx(0.8)
    assert [(l.min_vel, l.max_vel) for l in by["Kick"].layers] == [(0, 0.5), (0.5, 1)]
    assert by["Side Stick"].label == "snare_rim" and by["Cowbell"].label is None
    assert by["Cowbell"].layers[0].files[0].name == "cowbell.flac"


def test_load_orders_toms_by_pitch_and_trims_leading_silence(kit_dir: Path) -> None:
    kit = load_hydrogen_kit.__wrapped__(kit_dir)
    labels = {i.name: i.label for i in kit.instruments}
    assert labels["Tom 2"] == "tom_high" and labels["Tom 1"] == "tom_mid" and labels["Floor Tom"] == "tom_floor"
    pat = Pattern([Hit(0.5, "kick", 1.0), Hit(1.0, "other", 1.0), Hit(1.5, "snare_rim", 1.0)], 120, (4, 4), 2.5, "t", "t")
    audio, labels_ = render(pat, kit, np.random.default_rng(0))
    assert [l.cls for l in labels_] == ["kick", "snare_rim"]
    for lab in labels_:
        i = int(lab.time_s * SAMPLE_RATE)
        seg = np.abs(audio[i - 2000: i + 2000])
        onset = (i - 2000 + int(np.argmax(seg >= 0.1 * seg.max()))) / SAMPLE_RATE
        assert abs(onset - lab.time_s) < 0.002


@pytest.mark.parametrize("name,label", [
    ("Kick (Tama Superstar 22\")", "kick"), ("BassDrum", "kick"), ("Snare Rimshot", "snare_head"),
    ("Pearl Side Stick", "snare_rim"), ("Rim Click", "snare_rim"), ("Hi-Hat Pedal", "hihat_pedal"),
    ("Sabian Hat Semi-Open", "hihat_open"), ("Closed HH", "hihat_closed"), ("Ride Bell", "ride_bell"),
    ("Paiste Ride", "ride_body"), ("China (Paiste Alpha 18\")", "crash"), ("Zildjian Splash", "crash"),
    ("Floor Tom", "tom"), ("Cowbell", None), ("Hand Clap", None), ("Tambourine", None),
    ("Snare Roll", SKIP), ("Sample: beats_08-37.flac", SKIP)])
def test_name_table(name: str, label) -> None:
    assert classify_name(name) == label


def test_two_and_five_toms() -> None:
    assert assign_toms([("Tom", 150.0), ("Floor Tom", 90.0)]) == {"Tom": "tom_high", "Floor Tom": "tom_floor"}
    five = assign_toms([(f"t{i}", 100.0 + 30 * i) for i in range(5)])
    assert five["t4"] == "tom_high" and five["t0"] == "tom_floor"


def test_installed_kits_load() -> None:
    folders = find_kit_folders()
    if not folders:
        pytest.skip("Debian hydrogen-drumkits not installed")
    small = min(folders, key=lambda f: sum(p.stat().st_size for p in f.iterdir()))
    assert load_hydrogen_kit(small).instruments


def test_instruments_whose_samples_contradict_their_names_are_left_out(tmp_path: Path) -> None:
    from app.training.synth.hydrogen_kits import unsound_instruments
    xml = XML.replace("<name>TestKit</name>", "<name>CheckKit</name>").replace(
        "<instrument><id>5</id><name>Cowbell</name>", "<instrument><id>5</id><name>Crash</name>")
    (tmp_path / "drumkit.xml").write_text(xml)
    for name, hz in (("kick_soft", 60), ("kick_hard", 65), ("stick", 1800), ("tom_a", 130),
                     ("tom_b", 220), ("tom_c", 30), ("roll", 200)):
        sf.write(tmp_path / f"{name}.wav", _tone(hz), 48000)
    sf.write(tmp_path / "cowbell.flac", _tone(45), 48000)  # the "Crash" is a 45 Hz boom
    unsound = unsound_instruments(tmp_path)
    assert set(unsound) == {"Crash", "Floor Tom"}
    assert "below 250 Hz" in unsound["Crash"] and "below any tom" in unsound["Floor Tom"]
    kit = load_hydrogen_kit(tmp_path)
    assert "Crash" not in kit.mapping() and "Floor Tom" not in kit.mapping()
    assert {"Kick", "Tom 1", "Tom 2"} <= set(kit.mapping())


def test_a_known_mislabelled_instrument_is_not_used(kit_dir: Path, monkeypatch) -> None:
    from app.training.synth import sample_checks
    assert "kick" in {i.label for i in parse_drumkit_xml(kit_dir / "drumkit.xml").instruments}
    monkeypatch.setitem(sample_checks.KNOWN_MISLABELLED, ("TestKit", "Kick"), "a tom sample")
    spec = parse_drumkit_xml(kit_dir / "drumkit.xml")
    assert spec.unsound == {"Kick": "a tom sample"}
    assert "kick" not in {i.label for i in spec.instruments}  # no kick: is_drum_kit leaves such a kit out
