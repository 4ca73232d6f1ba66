"""Classification metrics: accuracy, balanced accuracy, macro/micro F1, MCC, per-class report, confusions."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np

from app.guitar.labels import CLASSES


@dataclass
class ClassReport:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Metrics:
    """Scores of predictions against labels; confusion[i][j] counts true class i predicted as j."""

    n: int
    accuracy: float
    balanced_accuracy: float
    macro_f1: float
    micro_f1: float
    mcc: float
    per_class: dict[str, ClassReport] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return (f"{self.n} notes: accuracy {self.accuracy:.3f}, balanced accuracy {self.balanced_accuracy:.3f}, "
                f"macro F1 {self.macro_f1:.3f}, micro F1 {self.micro_f1:.3f}, MCC {self.mcc:.3f}")


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], n_classes: int = len(CLASSES)) -> np.ndarray:
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return cm


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else 0.0


def mcc(cm: np.ndarray) -> float:
    """Matthews correlation coefficient of a multi-class confusion matrix (Gorodkin's R_K); 0 when undefined."""
    cm = cm.astype(np.float64)
    t, p, c, s = cm.sum(axis=1), cm.sum(axis=0), np.trace(cm), cm.sum()
    denom = math.sqrt(max(s * s - (p * p).sum(), 0.0)) * math.sqrt(max(s * s - (t * t).sum(), 0.0))
    return float((c * s - (t * p).sum()) / denom) if denom else 0.0


def compute_metrics(y_true: Sequence[int], y_pred: Sequence[int], classes: Sequence[str] = CLASSES) -> Metrics:
    """All scores; balanced accuracy and macro F1 average over classes that occur in labels (and predictions, for F1)."""
    cm = confusion_matrix(y_true, y_pred, len(classes))
    tp = np.diag(cm).astype(float)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    per_class, recalls, f1s = {}, [], []
    for i, name in enumerate(classes):
        precision, recall = _ratio(tp[i], predicted[i]), _ratio(tp[i], support[i])
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[name] = ClassReport(round(precision, 6), round(recall, 6), round(f1, 6), int(support[i]))
        if support[i]:
            recalls.append(recall)
        if support[i] or predicted[i]:
            f1s.append(f1)
    n = int(cm.sum())
    accuracy = _ratio(tp.sum(), n)
    return Metrics(n, accuracy, float(np.mean(recalls)) if recalls else 0.0, float(np.mean(f1s)) if f1s else 0.0,
                   accuracy, mcc(cm), per_class, cm.tolist())


def high_confidence_mistakes(y_true: Sequence[int], probs: np.ndarray, min_confidence: float = 0.0,
                             limit: int = 50) -> list[int]:
    """Indices of wrong predictions, most confident first (at least min_confidence)."""
    probs = np.asarray(probs)
    pred, conf = probs.argmax(axis=1), probs.max(axis=1)
    wrong = [i for i in range(len(pred)) if pred[i] != y_true[i] and conf[i] >= min_confidence]
    return sorted(wrong, key=lambda i: -conf[i])[:limit]


def confusion_png(path, cm: Sequence[Sequence[int]], classes: Sequence[str] = CLASSES, title: str = "") -> None:
    """Write the confusion matrix as a PNG (rows: true class, columns: predicted; counts and row shares)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from app.io.atomic import atomic_path

    cm = np.asarray(cm)
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(4.8, 4.2), dpi=120)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(classes)), classes, rotation=30)
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, f"{cm[i, j]}\n{share[i, j]:.0%}", ha="center", va="center",
                    color="white" if share[i, j] > 0.5 else "black", fontsize=9)
    ax.set_title(title or "confusion matrix")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
