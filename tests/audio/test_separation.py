"""Drum separation with demucs' tiny unittest model: finding models offline, chunks, progress, cancel, cache."""
from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("demucs")

from app.audio import separation  # noqa: E402
from app.audio.separation import (  # noqa: E402
    SeparatorSpec, find_separation_model, load_separation_model, no_model_message, separate_drums,
)
from app.domain.progress import Cancelled  # noqa: E402
from app.io.errors import ChartFileError  # noqa: E402

SR = 44100


def _noise(seconds: float, sr: int = SR, channels: int = 2) -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((channels, int(seconds * sr))).astype(np.float32) * 0.1
    return x if channels > 1 else x[0]


def _tiny_package():
    """A demucs model package {klass, args, kwargs, state}, as demucs saves its .th files."""
    from demucs.pretrained import get_model
    from demucs.states import get_state

    model = get_model("demucs_unittest")
    args, kwargs = model._init_args_kwargs
    return {"klass": type(model), "args": args, "kwargs": kwargs, "state": get_state(model, None)}


class _Counter:
    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


def test_separates_in_chunks_reports_progress_and_caches(tmp_path, monkeypatch, isolated_caches):
    runs = _Counter(separation.run_model)
    loads = _Counter(separation.load_separation_model)
    monkeypatch.setattr(separation, "run_model", runs)
    monkeypatch.setattr(separation, "load_separation_model", loads)
    progress: list[tuple[float, str]] = []
    audio = _noise(2.0)
    drums, rest = separate_drums(audio, SR, SeparatorSpec.unittest(), on_progress=lambda f, m: progress.append((f, m)),
                                 cache_dir=tmp_path / "stems", segment_s=0.5)
    assert drums.shape == rest.shape == audio.shape and drums.dtype == np.float32
    assert np.all(np.isfinite(drums)) and np.abs(drums).max() > 0
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert sum("separating" in m for _, m in progress) >= 4  # 2 s in 0.5 s segments at 25 % overlap
    assert runs.calls == 1 and loads.calls == 1
    cached = list((tmp_path / "stems").iterdir())
    assert len(cached) == 1 and cached[0].name.endswith("-demucs_unittest")

    progress.clear()
    again = separate_drums(audio, SR, SeparatorSpec.unittest(), on_progress=lambda f, m: progress.append((f, m)),
                           cache_dir=tmp_path / "stems")
    assert runs.calls == 1 and loads.calls == 1  # the model did not run again
    assert np.array_equal(again.drums, drums) and np.array_equal(again.rest, rest)
    assert progress[-1][0] == 1.0 and "cache" in progress[-1][1]


def test_cancel_between_chunks_leaves_no_cache(tmp_path, isolated_caches):
    seen: list[float] = []
    with pytest.raises(Cancelled):
        separate_drums(_noise(2.0), SR, SeparatorSpec.unittest(), on_progress=lambda f, m: seen.append(f),
                       should_cancel=lambda: any(f > 0 for f in seen), cache_dir=tmp_path / "stems", segment_s=0.5)
    assert 0 < max(seen) < 0.5  # stopped after the first segment
    assert not (tmp_path / "stems").exists() or not any((tmp_path / "stems").rglob("*.npy"))


def test_cancel_before_start(tmp_path, isolated_caches):
    with pytest.raises(Cancelled):
        separate_drums(_noise(0.5), SR, SeparatorSpec.unittest(), should_cancel=lambda: True,
                       cache_dir=tmp_path / "stems")


def test_no_model_anywhere(isolated_caches, tmp_path):
    assert find_separation_model() is None
    assert find_separation_model(tmp_path / "missing") is None
    message = no_model_message()
    assert "--demucs-repo" in message and "htdemucs" in message and "\n" not in message


def test_repo_folder_single_model_runs_at_other_rate_and_mono(tmp_path, isolated_caches):
    repo = tmp_path / "repo"
    repo.mkdir()
    torch.save(_tiny_package(), repo / "tinysep.th")
    spec = find_separation_model(repo, names=("htdemucs", "tinysep"))
    assert spec is not None and spec.kind == "repo" and spec.name == "tinysep"
    assert spec.files == (repo / "tinysep.th",)
    audio = _noise(1.0, sr=22050, channels=1)
    drums, rest = separate_drums(audio, 22050, spec, cache_dir=tmp_path / "stems", segment_s=0.5)
    assert drums.shape == rest.shape == (2, 22050)


def test_repo_folder_bag_yaml_with_checksummed_weights(tmp_path, isolated_caches):
    from demucs.states import save_with_checksum

    repo = tmp_path / "repo"
    repo.mkdir()
    save_with_checksum(_tiny_package(), repo / "abcd1234.th")  # -> abcd1234-<sha>.th
    (repo / "tinybag.yaml").write_text("models: ['abcd1234']\n")
    spec = find_separation_model(repo, names=("tinybag",))
    assert spec is not None and spec.files[0].name.startswith("abcd1234-")
    model = load_separation_model(spec)
    assert list(model.sources) == ["drums", "bass", "other", "vocals"]
    (repo / "broken.yaml").write_text("models: ['ffff0000']\n")
    assert find_separation_model(repo, names=("broken",)) is None  # weights missing: not offered


def test_default_dir_and_torch_hub_cache(tmp_path, isolated_caches, monkeypatch):
    hub = tmp_path / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    torch.save(_tiny_package(), hub / "955717e8-00000000.th")  # htdemucs' signature in demucs/remote
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    spec = find_separation_model()
    assert spec is not None and (spec.name, spec.kind) == ("htdemucs", "hub_cache")
    assert len(list(load_separation_model(spec).models)) == 1
    default = isolated_caches / "chart-hero" / "demucs"
    default.mkdir(parents=True)
    torch.save(_tiny_package(), default / "htdemucs.th")
    spec = find_separation_model()
    assert (spec.kind, spec.folder) == ("repo", default)  # the user's folder comes first


def test_huggingface_cache_of_demucs_4_1(tmp_path, isolated_caches, monkeypatch):
    from safetensors.torch import save_file

    package = _tiny_package()
    snap = tmp_path / "hf" / "models--adefossez--HTDemucs" / "snapshots" / "0123abcd"
    snap.mkdir(parents=True)
    (snap / "htdemucs.yaml").write_text("models: ['955717e8']\n")
    meta = {"klass": "demucs.hdemucs.HDemucs", "args": "[]", "kwargs": json.dumps(package["kwargs"])}
    save_file({k: v.contiguous() for k, v in package["state"].items()}, str(snap / "955717e8.safetensors"), meta)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    spec = find_separation_model()
    assert spec is not None and (spec.kind, spec.folder) == ("hf_cache", snap)
    assert load_separation_model(spec).samplerate == 44100


def test_unloadable_weights_raise_chart_file_error(tmp_path, isolated_caches):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "junk.th").write_bytes(b"not a torch file")
    spec = find_separation_model(repo, names=("junk",))
    with pytest.raises(ChartFileError, match="cannot load separation model junk"):
        load_separation_model(spec)
    with pytest.raises(ChartFileError):
        load_separation_model(SeparatorSpec("htdemucs", "builtin"))  # would download: refused


def test_unwritable_cache_still_returns_stems(tmp_path, isolated_caches):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    messages: list[str] = []
    drums, _ = separate_drums(_noise(0.5), SR, SeparatorSpec.unittest(), cache_dir=blocker,
                              on_progress=lambda f, m: messages.append(m), segment_s=0.5)
    assert drums.shape == (2, SR // 2) and "not cached" in messages[-1]


def test_model_files_removed_after_finding(tmp_path, isolated_caches):
    repo = tmp_path / "repo"
    repo.mkdir()
    torch.save(_tiny_package(), repo / "tinysep.th")
    spec = find_separation_model(repo, names=("tinysep",))
    (repo / "tinysep.th").unlink()
    with pytest.raises(ChartFileError, match="missing"):
        load_separation_model(spec)
