"""The groove generator: styles, meters, tempo range, song form, unpatterned hits, determinism."""
from __future__ import annotations

import numpy as np
import pytest

from app.training.synth.grooves import BPM_RANGE, METERS, STYLES, generate_groove
from app.training.synth.kit import PARTS
from app.training.synth.pattern import Humanize, count_parts


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_makes_a_plausible_song(style: str) -> None:
    rng = np.random.default_rng(1)
    p = generate_groove(rng, style, duration_s=20, unpatterned=0)
    assert BPM_RANGE[0] <= p.bpm <= BPM_RANGE[1]
    assert p.style == style and tuple(p.meter) in METERS
    counts = count_parts(p)
    assert set(counts) <= set(PARTS)
    assert counts.get("kick", 0) > 5 and len(p.hits) > 40
    times = [h.time_s for h in p.hits]
    assert times == sorted(times) and times[0] >= 0 and times[-1] < p.duration_s
    assert all(0 < h.velocity <= 1 for h in p.hits)


@pytest.mark.parametrize("meter", sorted(METERS))
def test_meters_set_bar_length(meter: tuple[int, int]) -> None:
    p = generate_groove(np.random.default_rng(2), "funk", bpm=120, meter=meter, duration_s=16, unpatterned=0,
                        humanize=Humanize(0.002, 0.0, 0.05, 0.0))
    assert tuple(p.meter) == meter
    bar_s = METERS[meter].bar_q * 0.5
    crashes = [h.time_s for h in p.hits if h.part == "crash"]
    # crashes fall on bar starts (within humanisation)
    starts = np.array(crashes) - p.hits[0].time_s
    assert len(crashes) >= 2
    assert np.all(np.abs(starts / bar_s - np.round(starts / bar_s)) * bar_s < 0.1)


@pytest.mark.parametrize("bpm", [60, 140, 260])
def test_tempo_range_and_hit_rate(bpm: float) -> None:
    p = generate_groove(np.random.default_rng(3), "rock", bpm=bpm, duration_s=20, unpatterned=0)
    assert p.bpm == bpm
    hat = np.diff([h.time_s for h in p.hits if h.part in ("hihat_closed", "ride_body")])
    assert hat.size == 0 or np.median(hat) > 0.06                  # no 16ths at 260 bpm


def test_song_form_has_fills_and_crashes() -> None:
    rng = np.random.default_rng(4)
    parts = count_parts(generate_groove(rng, "rock", bpm=120, duration_s=60, unpatterned=0))
    assert parts.get("crash", 0) >= 3
    assert sum(parts.get(t, 0) for t in ("tom_high", "tom_mid", "tom_floor")) > 0


def test_unpatterned_fraction_and_determinism() -> None:
    a = generate_groove(np.random.default_rng(5), "funk", duration_s=30, unpatterned=0.1)
    b = generate_groove(np.random.default_rng(5), "funk", duration_s=30, unpatterned=0.1)
    assert a.hits == b.hits
    assert 0.03 < a.info["unpatterned"] / len(a.hits) < 0.2
    c = generate_groove(np.random.default_rng(6), "funk", duration_s=30, unpatterned=0.1)
    assert a.hits != c.hits


def test_ghost_notes_in_funk_and_double_kick_in_metal() -> None:
    funk = generate_groove(np.random.default_rng(7), "funk", duration_s=30, unpatterned=0)
    assert any(h.part == "snare_head" and h.velocity < 0.4 for h in funk.hits)
    kicks = max(count_parts(generate_groove(np.random.default_rng(s), "metal", bpm=140, duration_s=20,
                                            unpatterned=0)).get("kick", 0) for s in range(4))
    assert kicks > 20 * 140 / 60 * 0.9                                # 16ths somewhere


def test_open_wash_plays_whole_sections_open_and_is_off_by_default() -> None:
    """p = 1: every hi-hat keeper is open (a rock chorus); p = 0 draws nothing, so older renders stay as they were."""
    plain = generate_groove(np.random.default_rng(3), "rock", duration_s=30, unpatterned=0)
    zero = generate_groove(np.random.default_rng(3), "rock", duration_s=30, unpatterned=0, open_wash=0.0)
    assert plain.hits == zero.hits
    washed = [count_parts(generate_groove(np.random.default_rng(s), "rock", duration_s=30, unpatterned=0,
                                          open_wash=1.0)) for s in range(4)]
    assert all(c.get("hihat_closed", 0) == 0 for c in washed)
    assert any(c.get("hihat_open", 0) > 40 for c in washed)
