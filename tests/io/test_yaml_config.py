"""read_yaml_mapping: a settings file's mapping, or one line naming the file and what is wrong."""
from __future__ import annotations

import pytest

from app.io.yaml_config import read_yaml_mapping


class SettingsError(ValueError):
    pass


def test_reads_a_mapping_and_an_empty_file(tmp_path) -> None:
    good, empty = tmp_path / "good.yaml", tmp_path / "empty.yaml"
    good.write_text("lr: 0.1  # a comment\nstages: [{name: a, steps: 2}]\n")
    empty.write_text("")
    assert read_yaml_mapping(good) == {"lr": 0.1, "stages": [{"name": "a", "steps": 2}]}
    assert read_yaml_mapping(empty) == {}


@pytest.mark.parametrize("content, message", [
    (b"a: [\n", "not valid YAML"),
    (b"- 1\n- 2\n", "expected a mapping"),
    (b"\xff\xfe\x00bad", "not a text file"),
])
def test_bad_files_give_one_line_naming_the_file(tmp_path, content, message) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    with pytest.raises(SettingsError, match=message) as info:
        read_yaml_mapping(bad, SettingsError)
    assert str(info.value).startswith(str(bad)) and "\n" not in str(info.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        read_yaml_mapping(tmp_path / "none.yaml")
