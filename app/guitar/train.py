"""The guitar training loop: grouped splits, augmentation, focal loss, LR schedule, early stopping, resume."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import yaml

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.guitar.augment import Augmenter, mixup
from app.guitar.checkpoint import load_guitar_model, save_guitar_model
from app.guitar.config import GuitarConfig
from app.guitar.dataset import NoteItem, class_counts, collate, length_batches, load_items
from app.guitar.evaluate import evaluate_items
from app.guitar.labels import CLASS_INDEX, CLASSES
from app.guitar.losses import class_weights, focal_loss
from app.guitar.metadata import read_metadata
from app.guitar.metrics import Metrics
from app.guitar.model import GuitarNoteNet, count_parameters
from app.guitar.splits import SPLITS, grouped_stratified_split
from app.io.atomic import atomic_path, write_text_atomic
from app.io.errors import ChartFileError

STATE_FILE = "state-latest.pt"
SPLITS_FILE = "splits.json"


@dataclass
class TrainResult:
    best_path: Path
    epochs: int
    best_val_balanced_accuracy: float
    test: Metrics | None
    elapsed_s: float


def _split_items(items: list[NoteItem], run: Path, config: GuitarConfig, log) -> dict[str, list[NoteItem]]:
    """Items per split; the recording -> split map is kept in the run folder so a resumed run reuses it."""
    path = run / SPLITS_FILE
    if path.is_file():
        assignment = json.loads(path.read_text())
        missing = {it.event.recording for it in items} - set(assignment)
        if missing:
            raise ChartFileError(path, f"{len(missing)} recording(s) of the metadata are not in the run's splits")
    else:
        s = config.splits
        assignment = grouped_stratified_split([it.event for it in items], (s.train, s.val, s.test), s.seed)
        write_text_atomic(path, json.dumps(assignment, indent=1, sort_keys=True) + "\n")
    out = {name: [it for it in items if assignment[it.event.recording] == name] for name in SPLITS}
    for name in SPLITS:
        n_rec = len({it.event.recording for it in out[name]})
        log(f"{name}: {len(out[name])} notes from {n_rec} recordings, per class {class_counts(out[name])}")
    return out


def _save_state(path: Path, model, opt, sched, epoch: int, best: float, bad_epochs: int) -> None:
    with atomic_path(path) as tmp:
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict() if sched is not None else {}, "epoch": epoch,
                    "best": best, "bad_epochs": bad_epochs}, tmp)


def _scheduler(config: GuitarConfig, opt):
    t = config.training
    if t.scheduler == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=t.lr_factor, patience=t.lr_patience)
    if t.scheduler == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(t.max_epochs, 1))
    return None


def _train_epoch(model, opt, items: list[NoteItem], config: GuitarConfig, weights, epoch: int) -> float:
    t, params = config.training, config.features
    rng = np.random.default_rng([t.seed, epoch])
    augment = Augmenter(config.augmentation, params, rng)
    dbs = [augment(it.db) for it in items]
    labels = torch.tensor([CLASS_INDEX[it.event.label] for it in items])
    model.train()
    losses = []
    for idx in length_batches([d.shape[1] for d in dbs], t.batch_size, rng):
        x, lengths = collate([dbs[i] for i in idx], params)
        targets = torch.nn.functional.one_hot(labels[idx], len(CLASSES)).float()
        if config.augmentation.enabled:
            x, lengths, targets = mixup(x, lengths, targets, config.augmentation.mixup_alpha, rng)
        loss = focal_loss(model(x, lengths), targets, weights, t.focal_gamma)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        opt.step()
        losses.append(float(loss.detach()))
    return float(np.mean(losses)) if losses else 0.0


def train(config: GuitarConfig, on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
          log: Callable[[str], None] = print) -> TrainResult:
    """Train (or resume) a run in config.training.run_dir; evaluate the best model on the test split.

    The run folder gets config.yaml, splits.json, metrics.jsonl, state-latest.pt (resume), latest.pt and
    best.pt (self-describing checkpoints; best by validation balanced accuracy) and test/ (the report).
    """
    t, params = config.training, config.features
    torch.set_num_threads(t.threads)
    torch.manual_seed(t.seed)
    started = time.time()
    meta = read_metadata(config.data.metadata, config.data.audio_root)
    for line in meta.report():
        log(line)
    items, problems = load_items(meta.events, params, should_cancel=should_cancel)
    for p in problems:
        log(p.describe(meta.path))
    if not items:
        raise ChartFileError(meta.path, "no usable notes in the metadata table")
    run = config.run_path
    run.mkdir(parents=True, exist_ok=True)
    write_text_atomic(run / "config.yaml", yaml.safe_dump(config.to_dict(), sort_keys=False))
    split = _split_items(items, run, config, log)
    train_items, val_items = split["train"], split["val"] or split["train"]
    if not split["val"]:
        log("warning: no validation recordings; selecting the best model on the training notes")
    model = GuitarNoteNet(n_bands=params.n_mels, **vars(config.model))
    opt = torch.optim.AdamW(model.parameters(), lr=t.lr, weight_decay=t.weight_decay)
    sched = _scheduler(config, opt)
    epoch, best, bad_epochs = 0, -1.0, 0
    if (run / STATE_FILE).is_file():
        state = torch.load(run / STATE_FILE, weights_only=True, map_location="cpu")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        if sched is not None and state["scheduler"]:
            sched.load_state_dict(state["scheduler"])
        epoch, best, bad_epochs = state["epoch"], state["best"], state["bad_epochs"]
        log(f"resuming {run} after epoch {epoch} (best validation balanced accuracy {best:.3f})")
    weights = class_weights(class_counts(train_items)) if t.class_weights else None
    log(f"model: {count_parameters(model):,} parameters; class weights "
        f"{[round(float(w), 3) for w in weights] if weights is not None else 'off'}")
    summary = {"train_notes": len(train_items), "val_notes": len(split["val"]), "test_notes": len(split["test"]),
               "parameters": count_parameters(model), "config": config.to_dict()}
    with open(run / "metrics.jsonl", "a") as metrics_file:
        while epoch < t.max_epochs and bad_epochs < t.early_stopping_patience:
            check_cancel(should_cancel)
            loss = _train_epoch(model, opt, train_items, config, weights, epoch)
            epoch += 1
            val = evaluate_items(model, params, val_items)
            lr = opt.param_groups[0]["lr"]
            if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(val.balanced_accuracy)
            elif sched is not None:
                sched.step()
            improved = val.balanced_accuracy > best + 1e-6
            best, bad_epochs = (val.balanced_accuracy, 0) if improved else (best, bad_epochs + 1)
            record = {"epoch": epoch, "loss": round(loss, 5), "val_balanced_accuracy": round(val.balanced_accuracy, 4),
                      "val_macro_f1": round(val.macro_f1, 4), "lr": lr, "elapsed_s": round(time.time() - started, 1)}
            metrics_file.write(json.dumps(record) + "\n")
            metrics_file.flush()
            summary.update(epochs=epoch, val_balanced_accuracy=round(val.balanced_accuracy, 4))
            save_guitar_model(run / "latest.pt", model, params, summary)
            if improved:
                save_guitar_model(run / "best.pt", model, params, {**summary, "best_epoch": epoch})
            _save_state(run / STATE_FILE, model, opt, sched, epoch, best, bad_epochs)
            log(f"epoch {epoch}: loss {loss:.4f}, val balanced accuracy {val.balanced_accuracy:.3f}"
                f"{' (best)' if improved else ''}, lr {lr:.2g}")
            if on_progress:
                on_progress(epoch / t.max_epochs, f"epoch {epoch} val bal. acc {val.balanced_accuracy:.3f}")
    if bad_epochs >= t.early_stopping_patience:
        log(f"early stop after epoch {epoch}: no better validation score for {bad_epochs} epochs")
    test = None
    if split["test"]:
        bundle = load_guitar_model(run / "best.pt")
        test = evaluate_items(bundle.model, params, split["test"], run / "test", "test recordings")
        log(f"test ({run / 'test'}): {test.summary()}")
    return TrainResult(run / "best.pt", epoch, best, test, time.time() - started)
