"""Batched note probabilities, and evaluation reports: metrics JSON, confusion PNG, high-confidence mistakes."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from app.guitar.dataset import NoteItem, collate, length_batches
from app.guitar.features import FeatureParams
from app.guitar.labels import CLASS_INDEX, CLASSES
from app.guitar.metrics import Metrics, compute_metrics, confusion_png, high_confidence_mistakes
from app.io.atomic import write_text_atomic

MISTAKE_MIN_CONFIDENCE = 0.0
"""Mistakes listed whatever their confidence, most confident first (the list is cut at MISTAKES_LIMIT)."""
MISTAKES_LIMIT = 100


def predict_probs(model: torch.nn.Module, params: FeatureParams, dbs: Sequence[np.ndarray],
                  batch_size: int = 32) -> np.ndarray:
    """Softmax probabilities [N, n_classes] of dB features, batched by similar length (order kept)."""
    out = np.zeros((len(dbs), len(CLASSES)), dtype=np.float32)
    if not dbs:
        return out
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for idx in length_batches([d.shape[1] for d in dbs], batch_size):
            x, lengths = collate([dbs[i] for i in idx], params)
            out[idx] = torch.softmax(model(x, lengths), dim=-1).numpy()
    model.train(was_training)
    return out


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _prediction_rows(items: Sequence[NoteItem], probs: np.ndarray, indices: Sequence[int]) -> list[dict]:
    rows = []
    for i in indices:
        e = items[i].event
        rows.append({"row": e.row, "note_id": e.note_id, "source_audio": str(e.audio_path),
                     "onset_sec": f"{e.onset_s:.4f}", "offset_sec": f"{e.offset_s:.4f}", "label": e.label,
                     "predicted": CLASSES[int(probs[i].argmax())], "confidence": f"{probs[i].max():.4f}",
                     **{f"p_{c}": f"{probs[i, j]:.4f}" for j, c in enumerate(CLASSES)}})
    return rows


def evaluate_items(model: torch.nn.Module, params: FeatureParams, items: Sequence[NoteItem],
                   out_dir: str | Path | None = None, title: str = "") -> Metrics:
    """Scores of the model on labelled items; with out_dir, also writes report.json, confusion.png,
    predictions.csv and mistakes.csv (wrong predictions, most confident first)."""
    probs = predict_probs(model, params, [it.db for it in items])
    y_true = [CLASS_INDEX[it.event.label] for it in items]
    metrics = compute_metrics(y_true, probs.argmax(axis=1).tolist())
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out / "report.json", json.dumps(metrics.to_dict(), indent=2) + "\n")
        confusion_png(out / "confusion.png", metrics.confusion, CLASSES, title)
        columns = ["row", "note_id", "source_audio", "onset_sec", "offset_sec", "label", "predicted", "confidence",
                   *[f"p_{c}" for c in CLASSES]]
        write_text_atomic(out / "predictions.csv", _csv(_prediction_rows(items, probs, range(len(items))), columns))
        wrong = high_confidence_mistakes(y_true, probs, MISTAKE_MIN_CONFIDENCE, MISTAKES_LIMIT)
        write_text_atomic(out / "mistakes.csv", _csv(_prediction_rows(items, probs, wrong), columns))
    return metrics
