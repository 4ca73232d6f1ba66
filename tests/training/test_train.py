"""The real training loop on a tiny config: trains, evaluates, checkpoints, resumes."""
from __future__ import annotations

import json

import pytest

from app.resources import resource_path
from app.training.config import load_config
from app.training.synth.dataset import SynthConfig, write_shards
from app.training.train import train
from app.transcription.checkpoint import load_checkpoint

PROCEDURAL_ONLY = SynthConfig(duration_s=6.0, kit_weights={"procedural": 1.0}, p_mma=0.0, p_accompaniment=0.0,
                              use_fluidsynth=False)


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    write_shards(root / "train", 6, seed=1, config=PROCEDURAL_ONLY, per_shard=3)
    write_shards(root / "val", 2, seed=2, config=PROCEDURAL_ONLY, per_shard=2)
    return root


def test_tiny_training_run_checkpoints_and_resumes(tmp_path, shards) -> None:
    overrides = {"run_dir": str(tmp_path / "run"), "train_data": [str(shards / "train")],
                 "val_data": [str(shards / "val")]}
    config = load_config(resource_path("training", "tiny.yaml"), overrides)
    lines = []
    best = train(config, log=lines.append)
    bundle = load_checkpoint(best)
    assert bundle.training_summary["steps"] in (8, 16)
    assert set(bundle.calibration.thresholds) <= set(bundle.classes)
    metrics = [json.loads(l) for l in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert any("val_sum_f" in m for m in metrics) and any("loss" in m for m in metrics)
    # a longer config resumes where the first run stopped
    longer = load_config(resource_path("training", "tiny.yaml"),
                         {**overrides, "stages": [{"name": "onset", "steps": 4}, {"name": "full", "steps": 20},
                                                  {"name": "anneal", "steps": 4, "lr": 1e-4}],
                          "keep_snapshots": True})
    train(longer, log=lines.append)
    assert any("resuming" in l and "step 16" in l for l in lines)
    assert "stage anneal: learning rate 1.00e-04" in lines
    assert load_checkpoint(tmp_path / "run" / "latest.pt").training_summary["steps"] == 28
    snapshots = sorted(p.name for p in (tmp_path / "run").glob("step-*.pt"))
    assert snapshots and snapshots[-1] == "step-000028.pt" and "step-000016.pt" not in snapshots
    assert load_checkpoint(tmp_path / "run" / snapshots[-1]).training_summary["steps"] == 28
    import torch
    assert torch.load(tmp_path / "run" / "state-latest.pt", weights_only=True)["lr"] == pytest.approx(1e-4)


def test_unknown_setting_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("lr: 0.1\nlearning_rat: 3\n")
    with pytest.raises(ValueError, match="learning_rat"):
        load_config(bad)


@pytest.mark.parametrize("text, message", [
    ("stages: [{name: a, stepz: 3}]\n", "stepz"),
    ("anchor_decay: 0.5\n", "needs init_checkpoint"),
    ("anchor_decay: -1\ninit_checkpoint: x.pt\n", "0 \\(off\\) or more"),
    ("lr: [\n", "not valid YAML"),
])
def test_bad_settings_are_one_line_naming_the_file(tmp_path, text, message) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        load_config(bad)
    assert str(info.value).startswith(f"{bad}: ") and "\n" not in str(info.value)


def test_fine_tune_from_checkpoint(tmp_path, shards) -> None:
    base = {"train_data": [str(shards / "train")], "val_data": [str(shards / "val")]}
    first = train(load_config(resource_path("training", "tiny.yaml"), {**base, "run_dir": str(tmp_path / "a")}),
                  log=lambda s: None)
    lines: list[str] = []
    cfg = load_config(resource_path("training", "tiny.yaml"),
                      {**base, "run_dir": str(tmp_path / "b"), "init_checkpoint": str(first),
                       "stages": [{"name": "full", "steps": 2}], "eval_every": 2})
    train(cfg, log=lines.append)
    assert any("starting from the weights" in l for l in lines)


def _distance(a, b) -> float:
    """Squared distance between two models' weights (BatchNorm's running statistics are not weights)."""
    wb = dict(b.named_parameters())
    return sum(float((w.detach().float() - wb[k].detach().float()).pow(2).sum()) for k, w in a.named_parameters())


def test_anchor_decay_pulls_back_towards_the_start(tmp_path, shards) -> None:
    base = {"train_data": [str(shards / "train")], "val_data": [str(shards / "val")]}
    first = train(load_config(resource_path("training", "tiny.yaml"), {**base, "run_dir": str(tmp_path / "a")}),
                  log=lambda s: None)
    start = load_checkpoint(first).model
    tune = {**base, "init_checkpoint": str(first), "stages": [{"name": "full", "steps": 6}], "eval_every": 6}
    free = load_checkpoint(train(load_config(resource_path("training", "tiny.yaml"),
                                             {**tune, "run_dir": str(tmp_path / "free")}), log=lambda s: None))
    lines: list[str] = []
    held = load_checkpoint(train(load_config(resource_path("training", "tiny.yaml"),
                                             {**tune, "run_dir": str(tmp_path / "held"), "anchor_decay": 50.0}),
                                 log=lines.append))
    pinned = load_checkpoint(train(load_config(resource_path("training", "tiny.yaml"),
                                               {**tune, "run_dir": str(tmp_path / "pinned"), "anchor_decay": 1e6}),
                                   log=lambda s: None))
    assert any("anchored to" in l for l in lines)
    assert _distance(free.model, start) > 0
    assert 0 < _distance(held.model, start) < _distance(free.model, start)
    assert _distance(pinned.model, start) < 1e-10   # lr * anchor_decay >= 1: every step ends back at the start
    # a resumed run reads the start from init_checkpoint again (the model holds the resumed weights)
    lines.clear()
    train(load_config(resource_path("training", "tiny.yaml"),
                      {**tune, "run_dir": str(tmp_path / "pinned"), "anchor_decay": 1e6,
                       "stages": [{"name": "full", "steps": 10}]}), log=lines.append)
    resumed = load_checkpoint(tmp_path / "pinned" / "latest.pt")
    assert any("resuming" in l for l in lines) and any("anchored to" in l for l in lines)
    assert resumed.training_summary["steps"] == 10 and _distance(resumed.model, start) < 1e-10


def test_fine_tune_widens_a_narrower_checkpoint(tmp_path, shards) -> None:
    base = {"train_data": [str(shards / "train")], "val_data": [str(shards / "val")],
            "stages": [{"name": "full", "steps": 2}], "eval_every": 2}
    first = train(load_config(resource_path("training", "tiny.yaml"), {**base, "run_dir": str(tmp_path / "a")}),
                  log=lambda s: None)
    lines: list[str] = []
    wider = {"conv_channels": [6, 8], "proj_dim": 16, "gru_hidden": 12, "gru_layers": 1, "branch_hidden": 8,
             "dropout": 0.0}
    train(load_config(resource_path("training", "tiny.yaml"),
                      {**base, "run_dir": str(tmp_path / "b"), "init_checkpoint": str(first), "model": wider}),
          log=lines.append)
    assert any("widened" in l for l in lines)
    deeper = {**wider, "gru_layers": 2}
    with pytest.raises(ValueError, match="not a widening"):
        train(load_config(resource_path("training", "tiny.yaml"),
                          {**base, "run_dir": str(tmp_path / "c"), "init_checkpoint": str(first), "model": deeper}),
              log=lambda s: None)


def test_training_device_names(monkeypatch) -> None:
    import torch
    from app.training.train import training_device
    assert training_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="only cpu, cuda and auto"):
        training_device("meta")
    with pytest.raises(ValueError, match="'gpu0'"):
        training_device("gpu0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training_device("auto") == torch.device("cpu")
    with pytest.raises(ValueError, match="sees no CUDA device"):
        training_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert training_device("auto") == torch.device("cuda")
    assert training_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(ValueError, match="sees 1 CUDA device"):
        training_device("cuda:1")


def test_a_run_on_an_unusable_device_stops_before_writing(tmp_path, shards) -> None:
    config = load_config(resource_path("training", "tiny.yaml"),
                         {"run_dir": str(tmp_path / "run"), "train_data": [str(shards / "train")],
                          "val_data": [str(shards / "val")], "device": "cuda:99"})  # no machine has 100 GPUs
    with pytest.raises(ValueError, match="'cuda:99'"):
        train(config, log=lambda line: None)
    assert not (tmp_path / "run").exists()


def test_exclude_kits_leaves_examples_out(tmp_path, shards) -> None:
    import json

    from app.training.synth.kit import kit_sources
    kits = {kit_sources(ex["kit"])["kick"]
            for sh in json.loads((shards / "train" / "manifest.json").read_text())["shards"] for ex in sh["examples"]}
    base = {"train_data": [str(shards / "train")], "val_data": [str(shards / "val")],
            "stages": [{"name": "full", "steps": 1}], "eval_every": 1}
    one = sorted(kits)[0]
    lines: list[str] = []
    train(load_config(resource_path("training", "tiny.yaml"),
                      {**base, "run_dir": str(tmp_path / "a"), "exclude_kits": [one]}), log=lines.append)
    left_out = [l for l in lines if l.startswith("left out")]
    assert left_out and f"rendered with {one}" in left_out[0] and not left_out[0].startswith("left out 0 ")
    with pytest.raises(ValueError, match="no training examples .* once exclude_kits"):
        train(load_config(resource_path("training", "tiny.yaml"),
                          {**base, "run_dir": str(tmp_path / "b"), "exclude_kits": sorted(kits)}), log=lambda s: None)
