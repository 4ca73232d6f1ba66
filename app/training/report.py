"""The evaluation report: per-class onset metrics at two windows, IOI and subdivision recall, timing,
confidence intervals and the confusions that matter, as markdown (with a plot when matplotlib is there)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from app.training import metrics as M


@dataclass
class TrackEvents:
    """One evaluated recording: reference and estimated onsets per class, and its beat times (for subdivisions)."""

    name: str
    ref: dict[str, np.ndarray]
    est: dict[str, np.ndarray]
    beat_times_s: np.ndarray | None = None


def _table(pooled: dict[str, M.ClassScore], classes: Sequence[str]) -> list[str]:
    rows = ["| class | P | R | F | TP | FP | FN | median offset ms | mean offset ms |", "|---|---|---|---|---|---|---|---|---|"]
    for c in list(classes) + ["sum"]:
        s = pooled[c]
        rows.append(f"| {c} | {s.precision:.3f} | {s.recall:.3f} | {s.f:.3f} | {s.tp} | {s.fp} | {s.fn} | "
                    f"{s.offset_median_ms:+.1f} | {s.offset_mean_ms:+.1f} |")
    return rows


def build_report(tracks: Sequence[TrackEvents], classes: Sequence[str], title: str, out_md: Path | None = None) -> str:
    lines = [f"# {title}", "", f"{len(tracks)} recording(s).", ""]
    for window in (0.05, 0.025):
        scores = [M.score_track(t.ref, t.est, classes, window) for t in tracks]
        pooled = M.pooled(scores, classes)
        lo, hi = M.bootstrap_f(scores, "sum")
        lines += [f"## ±{window * 1000:.0f} ms", "", f"Summed F {pooled['sum'].f:.3f} (95% bootstrap CI over "
                  f"recordings {lo:.3f}–{hi:.3f})", ""] + _table(pooled, classes) + [""]
    lines += ["## Recall by inter-onset interval (±50 ms)", "", "| class | " + " | ".join(
        lab for lab, _, _ in M.recall_by_ioi({}, {}, ["x"])["x"]) + " |", "|---" * 9 + "|"]
    ioi_tot: dict[str, list[list[int]]] = {}
    for t in tracks:
        for c, rows in M.recall_by_ioi(t.ref, t.est, classes).items():
            acc = ioi_tot.setdefault(c, [[0, 0] for _ in rows])
            for k, (_, f, n) in enumerate(rows):
                acc[k][0] += f
                acc[k][1] += n
    for c, acc in ioi_tot.items():
        lines.append(f"| {c} | " + " | ".join(f"{f / n:.2f} ({n})" if n else "—" for f, n in acc) + " |")
    if any(t.beat_times_s is not None for t in tracks):
        lines += ["", "## Recall by subdivision (±50 ms)", ""]
        sub: dict[str, dict[str, list[int]]] = {}
        for t in tracks:
            if t.beat_times_s is None:
                continue
            for c, table in M.recall_by_subdivision(t.ref, t.est, classes, t.beat_times_s).items():
                for lab, (f, n) in table.items():
                    acc = sub.setdefault(c, {}).setdefault(lab, [0, 0])
                    acc[0] += f
                    acc[1] += n
        labels = ["beat", "8th", "8th triplet", "16th", "16th triplet", "32nd", "64th", "off-grid"]
        lines += ["| class | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for c, table in sub.items():
            lines.append(f"| {c} | " + " | ".join(
                f"{table[l][0] / table[l][1]:.2f} ({table[l][1]})" if l in table else "—" for l in labels) + " |")
    conf: dict[tuple[str, str], int] = {}
    for t in tracks:
        for k, v in M.confusions(t.ref, t.est).items():
            conf[k] = conf.get(k, 0) + v
    lines += ["", "## Confusions (missed reference onsets with a spare estimate of another class within ±50 ms)", "",
              "| true | predicted | count |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {n} |" for (a, b), n in sorted(conf.items(), key=lambda kv: -kv[1]) if n]
    if out_md is not None:
        out_md.parent.mkdir(parents=True, exist_ok=True)
        png = _plot_ioi(ioi_tot, out_md.with_suffix(".ioi.png"))
        if png:
            lines += ["", f"![recall by IOI]({png.name})"]
    text = "\n".join(lines) + "\n"
    if out_md is not None:
        from app.io.atomic import write_text_atomic
        write_text_atomic(out_md, text)
    return text


def _plot_ioi(ioi_tot: dict[str, list[list[int]]], path: Path) -> Path | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    labels = [lab for lab, _, _ in M.recall_by_ioi({}, {}, ["x"])["x"]]
    fig, ax = plt.subplots(figsize=(8, 4))
    for c, acc in ioi_tot.items():
        ax.plot(range(len(acc)), [f / n if n else np.nan for f, n in acc], marker="o", label=c)
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_ylabel("recall")
    ax.set_ylim(0, 1.05)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
