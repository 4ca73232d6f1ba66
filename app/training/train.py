"""The training loop: staged training, evaluation with calibrated thresholds, best/latest checkpoints, resume."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import yaml

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.io.atomic import atomic_path, write_text_atomic
from app.training.batches import sample_batch
from app.training.config import Stage, TrainConfig
from app.training.evaluation import activations_of, calibrate
from app.training.examples import Example, load_examples, without_kits
from app.training.widening import widen, widening_problems
from app.transcription.checkpoint import Calibration, save_checkpoint
from app.transcription.decode import load_preset
from app.transcription.features import FeatureParams
from app.transcription.losses import LossConfig, drum_loss
from app.transcription.model import HierarchicalDrumNet, count_parameters

STATE_FILE = "state-latest.pt"


def _stage_at(config: TrainConfig, step: int) -> Stage:
    done = 0
    for stage in config.stages:
        done += stage.steps
        if step < done:
            return stage
    return config.stages[-1]


def evaluate(model: HierarchicalDrumNet, examples: list[Example], params: FeatureParams,
             preset: str) -> tuple[float, Calibration]:
    """Summed F (evaluation classes, ±50 ms) with thresholds calibrated on `examples`, and the calibration."""
    acts = [activations_of(model, ex.features, params.frame_rate) for ex in examples]
    thresholds, offsets, f = calibrate(acts, examples, load_preset(preset))
    return f, Calibration(thresholds, offsets)


def training_device(name: str) -> torch.device:
    """The torch device a config's `device` names; "auto" is CUDA when torch sees one. An unusable name is a
    ValueError that says what is available."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as e:
        raise ValueError(f"device {name!r}: {e}") from None
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"device {name!r}: this torch sees no CUDA device (use cpu or auto)")
        if (device.index or 0) >= count:
            raise ValueError(f"device {name!r}: this torch sees {count} CUDA device(s)")
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"device {name!r}: only cpu, cuda and auto are supported")
    return device


def build_model(config: TrainConfig) -> HierarchicalDrumNet:
    """The untrained network a config describes (its features fix the input channels and bands)."""
    params = FeatureParams(**config.features)
    return HierarchicalDrumNet(in_channels=params.n_channels, n_bands=params.n_bands, **config.model)


def _save_state(path: Path, model, opt, step: int, best_f: float, bad_evals: int, lr: float) -> None:
    with atomic_path(path) as tmp:
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "best_f": best_f,
                    "bad_evals": bad_evals, "lr": lr}, tmp)


def _initial_weights(config: TrainConfig, model: HierarchicalDrumNet,
                     params: FeatureParams) -> tuple[dict[str, torch.Tensor], str]:
    """init_checkpoint's weights as a state dict for `model` (widened where the model is wider), and a log line."""
    from app.transcription.checkpoint import load_checkpoint
    init = load_checkpoint(Path(config.init_checkpoint).expanduser())
    if init.feature_params != params:
        raise ValueError(f"{config.init_checkpoint}: features differ from the config")
    if init.model.init_kwargs == model.init_kwargs:
        return init.model.state_dict(), f"starting from the weights of {config.init_checkpoint}"
    problems = widening_problems(init.model.init_kwargs, model.init_kwargs)
    if problems:
        raise ValueError(f"{config.init_checkpoint}: architecture differs from the config and is not "
                         f"a widening of it ({'; '.join(problems)})")
    return (widen(init.model, config.seed, **model.init_kwargs).state_dict(),
            f"starting from the weights of {config.init_checkpoint}, widened "
            f"({count_parameters(init.model):,} -> {count_parameters(model):,} parameters; new units "
            f"start with zero output weights, so the wider model begins exactly where that one ends)")


def _anchor_from(start: dict[str, torch.Tensor], model: HierarchicalDrumNet) -> list[torch.Tensor]:
    """The starting weights for `anchor_decay`, float32 on the model's device, in model.parameters() order."""
    return [start[name].detach().to(p.device, torch.float32).clone() for name, p in model.named_parameters()]


@torch.no_grad()
def _pull_towards(model: HierarchicalDrumNet, anchor: list[torch.Tensor], fraction: float) -> None:
    """Move every weight `fraction` (0..1) of its way back to the anchor."""
    fraction = min(max(fraction, 0.0), 1.0)
    for p, a in zip(model.parameters(), anchor):
        p.lerp_(a, fraction)


def train(config: TrainConfig, on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
          log: Callable[[str], None] = print) -> Path:
    """Train (or resume) a run in config.run_dir; returns the best checkpoint's path.

    Writes config.yaml, metrics.jsonl, state-latest.pt (for resume), latest.pt and best.pt (self-describing
    checkpoints with calibration) in the run folder.
    """
    device = training_device(config.device)
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    params = FeatureParams(**config.features)
    model = build_model(config).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    run = config.run_path
    run.mkdir(parents=True, exist_ok=True)
    write_text_atomic(run / "config.yaml", yaml.safe_dump(config.to_dict(), sort_keys=False))
    step, best_f, bad_evals, lr = 0, -1.0, 0, config.lr
    start = None   # init_checkpoint's weights, when this run starts from them rather than resuming
    if (run / STATE_FILE).is_file():
        state = torch.load(run / STATE_FILE, weights_only=True, map_location="cpu")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, best_f, bad_evals, lr = state["step"], state["best_f"], state["bad_evals"], state["lr"]
        log(f"resuming {run} at step {step} (best summed F so far {best_f:.3f})")
    elif config.init_checkpoint:
        start, how = _initial_weights(config, model, params)
        model.load_state_dict(start)
        log(how)
    for g in opt.param_groups:
        g["lr"] = lr
    anchor = None
    if config.anchor_decay > 0:  # TrainConfig makes sure init_checkpoint is set
        if start is None:  # resumed: the start is no longer in the model
            start, _ = _initial_weights(config, model, params)
        anchor = _anchor_from(start, model)
        log(f"anchored to {config.init_checkpoint} (anchor_decay {config.anchor_decay:g})")
    log(f"model: {count_parameters(model):,} parameters on {device}; loading data")
    train_ex = load_examples(config.train_data, params, config.train_limit)
    if config.exclude_kits:
        kept = without_kits(train_ex, config.exclude_kits)
        log(f"left out {len(train_ex) - len(kept)} training examples rendered with {', '.join(config.exclude_kits)}")
        train_ex = kept
    if not train_ex:
        raise ValueError(f"no training examples in {', '.join(map(str, config.train_data)) or 'train_data'}"
                         + (f" once exclude_kits ({', '.join(config.exclude_kits)}) left some out"
                            if config.exclude_kits else ""))
    val_ex = load_examples(config.val_data, params, config.val_limit)
    hours = sum(e.n_frames for e in train_ex) / params.frame_rate / 3600
    log(f"train: {len(train_ex)} examples ({hours:.2f} h); val: {len(val_ex)} examples")
    crop = int(round(config.crop_s * params.frame_rate))
    summary = {"version": run.name, "config": config.to_dict(), "train_examples": len(train_ex),
               "train_hours": round(hours, 3), "parameters": count_parameters(model)}
    started = time.time()
    metrics_file = open(run / "metrics.jsonl", "a")
    try:
        while step < config.total_steps:
            check_cancel(should_cancel)
            stage = _stage_at(config, step)
            if stage.lr is not None and (step == 0 or _stage_at(config, step - 1) is not stage):
                lr, bad_evals = stage.lr, 0  # a stage with its own rate starts at it (an annealing stage)
                for g in opt.param_groups:
                    g["lr"] = lr
                log(f"stage {stage.name}: learning rate {lr:.2e}")
            loss_cfg = LossConfig(**{**config.loss, **stage.loss})
            model.train()
            batch = sample_batch(train_ex, np.random.default_rng([config.seed, step]), config.batch_size, crop,
                                 params, config.dilation)
            batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
            out = model(batch["features"])
            loss, parts = drum_loss(out, batch, model, loss_cfg)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            opt.step()
            if anchor:
                _pull_towards(model, anchor, lr * config.anchor_decay)
            step += 1
            if on_progress:
                on_progress(step / config.total_steps, f"{stage.name} step {step} loss {float(loss.detach()):.4f}")
            if step % 20 == 0 or step % config.eval_every == 0:
                metrics_file.write(json.dumps({"step": step, "stage": stage.name, "loss": float(loss.detach()), **parts,
                                               "lr": lr, "elapsed_s": round(time.time() - started, 1)}) + "\n")
                metrics_file.flush()
            if step % config.eval_every == 0 or step == config.total_steps:
                f, cal = evaluate(model, val_ex, params, config.decode_preset)
                summary.update({"steps": step, "val_sum_f": round(f, 4), "elapsed_s": round(time.time() - started)})
                metrics_file.write(json.dumps({"step": step, "val_sum_f": f, "thresholds": cal.thresholds}) + "\n")
                metrics_file.flush()
                save_checkpoint(run / "latest.pt", model, params, cal, summary)
                if config.keep_snapshots:
                    save_checkpoint(run / f"step-{step:06d}.pt", model, params, cal, summary)
                if f > best_f + 1e-4:
                    best_f, bad_evals = f, 0
                    save_checkpoint(run / "best.pt", model, params, cal, {**summary, "best_val_sum_f": round(f, 4)})
                else:
                    bad_evals += 1
                    if bad_evals % config.lr_drop_patience == 0:
                        lr *= config.lr_drop_factor
                        for g in opt.param_groups:
                            g["lr"] = lr
                log(f"step {step}: val summed F {f:.3f} (best {best_f:.3f}), lr {lr:.2e}")
                _save_state(run / STATE_FILE, model, opt, step, best_f, bad_evals, lr)
                if bad_evals >= config.early_stop_patience:
                    log(f"early stop: no gain in {bad_evals} evaluations")
                    break
    finally:
        metrics_file.close()
    return run / "best.pt"
