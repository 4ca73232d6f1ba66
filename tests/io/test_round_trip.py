"""Property tests: read(write(chart)) == chart for notes.mid, and .mid and .chart give the same note times."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from app.domain.lanes import Difficulty
from app.io.chart_file import chart_to_text, parse_chart_text
from app.io.midi_file import midi_bytes, parse_midi_bytes
from tests.strategies import assert_same_chart, charts

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(charts(allow_flams=True, tempo_repr="mid", anchors=False, metadata=False))
def test_mid_round_trip(chart) -> None:
    data, warnings = midi_bytes(chart)
    assert warnings == []
    back = parse_midi_bytes(data).chart
    back.metadata = chart.metadata  # .mid keeps only the song name (track 0), checked elsewhere
    assert_same_chart(chart, back, metadata=False)
    assert midi_bytes(back)[0] == data  # and writing again gives the same bytes


@SETTINGS
@given(charts(allow_flams=False, tempo_repr="mid", anchors=False, metadata=False))
def test_mid_and_chart_exports_give_the_same_note_times(chart) -> None:
    from_mid = parse_midi_bytes(midi_bytes(chart)[0]).chart
    from_chart = parse_chart_text(chart_to_text(chart))
    for diff in Difficulty:
        a = [(n.tick, n.lane, n.cymbal, n.double_kick, n.dynamic) for n in from_mid.drums.notes[diff]]
        b = [(n.tick, n.lane, n.cymbal, n.double_kick, n.dynamic) for n in from_chart.drums.notes[diff]]
        assert a == b
        ticks = [n.tick for n in from_mid.drums.notes[diff]]
        t_mid = from_mid.tempo_map.ticks_to_s(ticks)
        t_chart = from_chart.tempo_map.ticks_to_s(ticks)
        # .chart stores milli-BPM: a relative tempo error up to 0.0005 / 20 BPM accumulates over the song
        assert np.all(np.abs(t_mid - t_chart) <= 0.0005 + 3e-5 * t_mid)
