"""Fixtures for the audio tests: an isolated cache home."""
from __future__ import annotations

import pytest


@pytest.fixture
def isolated_caches(tmp_path, monkeypatch):
    """Point every cache the audio package looks in at an empty folder."""
    home = tmp_path / "cache-home"
    home.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    for var in ("TORCH_HOME", "HF_HOME", "HF_HUB_CACHE", "CHART_HERO_DATA_DIR", "CHART_HERO_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    return home
