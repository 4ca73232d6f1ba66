"""The MMA reader on inline groove files: defines, SHIFT and *, sequences, tones, grooves."""
from __future__ import annotations

import numpy as np
import pytest

from app.training.synth.mma_grooves import MMA_LIB, MmaParser, load_library, mma_pattern

SAMPLE = r"""
// a tiny library file
Begin Doc
   Not drums.
End
SeqClear
Time 4
Timesig 4 4
Begin Drum Define
    D1     1 0 90          // hit on 1
    D13    D1 * 2
    D24    D13 Shift 1
    D8     D1 * 8
    Odd    1 0 50; 2+8 0 70
End
SeqSize 2
Begin Drum-Kick
    Tone KickDrum1
    Sequence {D1; D1 Shift 2.5}  /
    Volume f
End
Begin Drum-Snare
    Tone SnareDrum1 SideKick
    Sequence D24
    Volume mp
End
Drum-HH Tone ClosedHiHat
Drum-HH Sequence D8 z
Drum-Tam Tone Tambourine
Drum-Tam Sequence Odd
Drum-Tam Rskip 20
Begin Chord
    Voice Piano1
    Sequence C1234
End
DefGroove Test   The test groove.
Drum-HH Sequence - 
Drum-Snare Sequence *  Bogus
DefGroove TestNoHat  Parse error above is skipped.
Groove Test
Drum-Kick Sequence D13
DefGroove TestKick13
"""


def test_parses_patterns_tones_and_grooves() -> None:
    parser = MmaParser()
    grooves = parser.parse_text(SAMPLE, "sample")
    names = [g.name for g in grooves]
    assert names == ["Test", "TestNoHat", "TestKick13"]
    test = grooves[0]
    assert test.time == 4 and test.timesig == (4, 4) and len(test.bars) == 2
    bar0 = test.bars[0]
    assert sorted(p for p, n, _ in bar0 if n == 36) == [0.0, 2.5]
    assert sorted(p for p, n, _ in bar0 if n == 38) == [1.0, 3.0]            # SnareDrum1 in bar 1
    assert sorted(p for p, n, _ in test.bars[1] if n == 37) == [1.0, 3.0]    # SideKick in bar 2
    assert [p for p, n, _ in bar0 if n == 42] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert not [p for p, n, _ in test.bars[1] if n == 42]
    assert sorted(p for p, n, _ in bar0 if n == 54) == [0.0, 1.5]
    assert test.rskip[54] == pytest.approx(0.2)
    kick_vel = max(v for _, n, v in bar0 if n == 36)
    assert kick_vel == pytest.approx(90 / 127 * 1.3 if 90 / 127 * 1.3 < 1 else 1.0)
    assert not [p for p, n, _ in grooves[1].bars[0] if n == 42]
    assert parser.skipped >= 1                                               # 'Bogus' pattern
    assert sorted(p for p, n, _ in grooves[2].bars[0] if n == 36) == [0.0, 2.0]
    assert [p for p, n, _ in grooves[2].bars[0] if n == 42]                  # hats restored by Groove


def test_pattern_from_grooves_is_a_drum_pattern() -> None:
    grooves = MmaParser().parse_text(SAMPLE, "sample")
    p = mma_pattern(grooves, np.random.default_rng(0), bpm=100, duration_s=12, unpatterned=0)
    parts = {h.part for h in p.hits}
    assert {"kick", "snare_head", "other"} <= parts and p.bpm == 100
    assert p.source.startswith("mma:sample/")


def test_installed_library_parses() -> None:
    if not MMA_LIB.is_dir():
        pytest.skip("Debian package mma not installed")
    grooves, counts = load_library()
    assert counts["files"] > 100 and counts["grooves"] > 500
