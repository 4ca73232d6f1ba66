"""Metrics as a table of confusions and expected scores, checked against scikit-learn where it is installed."""
from __future__ import annotations

import numpy as np
import pytest

from app.guitar.metrics import compute_metrics, confusion_png, high_confidence_mistakes

CASES = [  # y_true, y_pred, accuracy, balanced accuracy, macro F1
    ([0, 1, 2], [0, 1, 2], 1.0, 1.0, 1.0),
    ([0, 0, 0, 0, 1, 2], [0, 0, 0, 0, 0, 0], 4 / 6, 1 / 3, (0.8 + 0 + 0) / 3),
    ([0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 2, 0], 0.5, 0.5, 0.5),
]


@pytest.mark.parametrize("y_true, y_pred, acc, bal, macro", CASES)
def test_metrics_table(y_true, y_pred, acc, bal, macro) -> None:
    m = compute_metrics(y_true, y_pred)
    assert (m.accuracy, m.balanced_accuracy, m.macro_f1, m.micro_f1) == pytest.approx((acc, bal, macro, acc))
    assert np.asarray(m.confusion).sum() == len(y_true)


def test_against_sklearn() -> None:
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    p[:120] = y[:120]
    m = compute_metrics(y.tolist(), p.tolist())
    assert m.balanced_accuracy == pytest.approx(sk.balanced_accuracy_score(y, p))
    assert m.macro_f1 == pytest.approx(sk.f1_score(y, p, average="macro"))
    assert m.mcc == pytest.approx(sk.matthews_corrcoef(y, p))


def test_mistakes_and_confusion_image(tmp_path) -> None:
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.4, 0.35, 0.25]])
    assert high_confidence_mistakes([1, 1, 0, 2], probs) == [0, 2, 3]
    pytest.importorskip("matplotlib")
    confusion_png(tmp_path / "c.png", [[3, 1, 0], [0, 4, 0], [1, 0, 5]])
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
