"""Project files (.chproj): lossless chart round trip, relative audio paths, view state, damaged files."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from app.domain.lanes import Difficulty
from app.io.errors import ChartFileError
from app.io.project import Project, ViewState, read_project, write_project
from tests.strategies import assert_same_chart, charts


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chart=charts(allow_flams=True))
def test_project_round_trip_is_lossless(chart, tmp_path):
    chart.metadata.extra = {"icon": "drums", "loading_phrase": "hi", "pro_drums_x": "1"}
    path = tmp_path / "song.chproj"
    write_project(Project(chart), path)
    assert_same_chart(chart, read_project(path).chart)
    assert list(read_project(path).chart.metadata.extra) == ["icon", "loading_phrase", "pro_drums_x"]


def test_audio_paths_relative_and_view_state(tmp_path):
    from app.domain.song import empty_chart
    audio = tmp_path / "audio" / "song.ogg"
    audio.parent.mkdir()
    audio.write_bytes(b"x")
    view = ViewState(3.5, 9.25, Difficulty.HARD, 8, 4.0)
    path = tmp_path / "proj" / "my.chproj"
    write_project(Project(empty_chart("A"), {"song": audio}, view, {"autochart": {"preset": "rock"}}), path)
    raw = json.loads(path.read_text())
    assert raw["audio"]["stems"]["song"] == "../audio/song.ogg" and raw["version"] == 1
    back = read_project(path)
    assert back.stems == {"song": audio.resolve()} and back.view == view
    assert back.extras == {"autochart": {"preset": "rock"}} and not back.warnings
    audio.unlink()
    assert read_project(path).stems == {} and "audio file not found" in read_project(path).warnings[0]


@pytest.mark.parametrize("text, reason", [
    ("{not json", "invalid JSON"),
    ('{"format": "something-else", "version": 1}', "not a Chart Hero project"),
    ('{"format": "chart-hero-project", "version": 99, "chart": {}}', "newer"),
    ('{"format": "chart-hero-project", "version": 1, "chart": {"resolution": 480}}', "missing field"),
])
def test_damaged_or_foreign_project_is_one_line_error(tmp_path, text, reason):
    path = tmp_path / "bad.chproj"
    path.write_text(text)
    with pytest.raises(ChartFileError) as info:
        read_project(path)
    assert reason in str(info.value) and "\n" not in str(info.value) and info.value.path == path


def test_write_is_atomic_on_failure(tmp_path, monkeypatch):
    from app.domain.song import empty_chart
    path = tmp_path / "a.chproj"
    write_project(Project(empty_chart("first")), path)
    monkeypatch.setattr("app.io.project.project_to_json", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        write_project(Project(empty_chart("second")), path)
    assert read_project(path).chart.metadata.name == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.chproj"]
