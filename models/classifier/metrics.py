"""Classification metrics reported everywhere: macro-F1, per-class P/R, PR-AUC, Brier and ECE."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_recall_fscore_support,
)

CLASS_NAMES = ("not_hoax", "hoax")


def expected_calibration_error(y_true: Sequence[int], prob: Sequence[float], n_bins: int = 10) -> float:
    """ECE with equal-width bins over the hoax probability."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(prob, dtype=float)
    if len(y) == 0:
        return float("nan")
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(ece)


def classification_metrics(y_true: Sequence[int], prob: Sequence[float], threshold: float = 0.5) -> dict:
    """Every number the project reports for a hoax classifier on one split."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    pred = (p >= threshold).astype(int)
    both = len(np.unique(y)) == 2
    prec, rec, f1, support = precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
    per_class = {
        name: {
            "precision": float(prec[i]),
            "recall": float(rec[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, name in enumerate(CLASS_NAMES)
    }
    return {
        "n": int(len(y)),
        "hoax_rate": float(y.mean()) if len(y) else float("nan"),
        "threshold": float(threshold),
        "macro_f1": float(f1_score(y, pred, labels=[0, 1], average="macro", zero_division=0)),
        "accuracy": float((pred == y).mean()) if len(y) else float("nan"),
        "per_class": per_class,
        "pr_auc_hoax": float(average_precision_score(y, p)) if both else float("nan"),
        "pr_auc_not_hoax": float(average_precision_score(1 - y, 1 - p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p, pos_label=1)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
    }


def best_threshold(y_true: Sequence[int], prob: Sequence[float]) -> float:
    """The cut-off on the hoax probability that maximises macro-F1 (ties: closest to 0.5)."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [f1_score(y, (p >= t).astype(int), average="macro", zero_division=0) for t in grid]
    best = max(scores)
    candidates = [t for t, s in zip(grid, scores, strict=True) if s >= best - 1e-12]
    return float(min(candidates, key=lambda t: abs(t - 0.5)))


def summary_line(name: str, m: dict) -> str:
    """One human-readable line of the headline numbers."""
    return (
        f"{name}: macro-F1 {m['macro_f1']:.3f}  P/R hoax {m['per_class']['hoax']['precision']:.2f}/"
        f"{m['per_class']['hoax']['recall']:.2f}  P/R not {m['per_class']['not_hoax']['precision']:.2f}/"
        f"{m['per_class']['not_hoax']['recall']:.2f}  "
        f"PR-AUC {m['pr_auc_hoax']:.3f}/{m['pr_auc_not_hoax']:.3f}"
        f"  Brier {m['brier']:.3f}  ECE {m['ece']:.3f}  (n={m['n']})"
    )
