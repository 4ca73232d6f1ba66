"""app.paths: the one list of folders Chart Hero writes to (issue 7), and its environment overrides."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import paths

APP = Path(__file__).resolve().parents[2] / "app"
ENV = (paths.DATA_DIR_ENV, paths.CACHE_DIR_ENV, paths.CONFIG_DIR_ENV)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_each_variable_moves_its_folder(clean_env, tmp_path):
    clean_env.setenv(paths.DATA_DIR_ENV, str(tmp_path / "d"))
    clean_env.setenv(paths.CACHE_DIR_ENV, str(tmp_path / "c"))
    clean_env.setenv(paths.CONFIG_DIR_ENV, str(tmp_path / "s"))
    assert paths.user_data_dir() == tmp_path / "d"
    assert paths.user_cache_dir() == tmp_path / "c"
    assert paths.user_config_dir() == tmp_path / "s"
    assert paths.autosave_dir() == tmp_path / "d" / "autosave"
    assert paths.corrections_dir() == tmp_path / "d" / "corrections"
    assert paths.stems_cache_dir() == tmp_path / "c" / "stems"
    assert paths.gm_oneshot_cache_dir() == tmp_path / "c" / "gm-oneshots"
    assert paths.settings_file() == tmp_path / "s" / "settings.json"
    assert paths.qsettings_file() == tmp_path / "s" / "Chart Hero" / "Chart Hero.ini"


def test_data_variable_alone_holds_everything(clean_env, tmp_path):
    clean_env.setenv(paths.DATA_DIR_ENV, str(tmp_path))
    for _, where in paths.user_locations():
        assert tmp_path in where.parents or where == tmp_path / "cache"


def test_defaults_are_the_platform_user_folders(clean_env):
    import platformdirs
    assert paths.user_data_dir() == Path(platformdirs.user_data_dir("chart-hero", appauthor=False))
    assert paths.user_cache_dir() == Path(platformdirs.user_cache_dir("chart-hero", appauthor=False))
    assert paths.user_config_dir() == Path(platformdirs.user_config_dir("chart-hero", appauthor=False))


def test_callers_take_their_folders_from_app_paths(clean_env, tmp_path):
    from app.audio.demucs_models import default_model_dir
    from app.audio.separation import default_stem_cache_dir
    from app.editor_settings import settings_path
    from app.training.synth.gm_kits import cache_dir
    clean_env.setenv(paths.DATA_DIR_ENV, str(tmp_path))
    assert default_stem_cache_dir() == paths.stems_cache_dir()
    assert default_model_dir() == paths.demucs_model_dir()
    assert cache_dir() == paths.gm_oneshot_cache_dir()
    assert settings_path() == paths.settings_file()


def test_no_other_module_picks_user_folders():
    """Only app/paths.py asks platformdirs. (demucs_models reads torch's and HuggingFace's caches: not ours.)"""
    pattern = re.compile(r"import platformdirs|from platformdirs|\"\.cache\" / \"chart-hero")
    offenders = [str(p.relative_to(APP)) for p in APP.rglob("*.py")
                 if p.name != "paths.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
