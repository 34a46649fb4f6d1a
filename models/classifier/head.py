"""The classification head on frozen embeddings: class-weighted, calibrated on out-of-fold scores."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from models.classifier.metrics import best_threshold, classification_metrics

log = logging.getLogger(__name__)
HEADS = ("logreg", "mlp")
CALIBRATIONS = ("sigmoid", "isotonic")


@dataclass(slots=True)
class HeadParams:
    """Hyper-parameters of the head."""

    head: str = "logreg"
    C: float = 1.0  # noqa: N815
    hidden: int = 128
    alpha: float = 1e-3
    calibration: str = "sigmoid"
    cv_folds: int = 5
    seed: int = 13


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class CalibratedHead:
    """Scaler + base model (balanced class weights) + a 1-D calibrator fitted on out-of-fold scores."""

    def __init__(self, params: HeadParams):
        if params.head not in HEADS:
            raise ValueError(f"unknown head {params.head!r}; choose one of {HEADS}")
        if params.calibration not in CALIBRATIONS:
            raise ValueError(f"unknown calibration {params.calibration!r}; choose one of {CALIBRATIONS}")
        self.params = params
        self.scaler: StandardScaler | None = None
        self.base = None
        self.calibrator = None
        self.threshold = 0.5
        self.oof_metrics: dict = {}

    def _new_base(self):
        p = self.params
        if p.head == "logreg":
            return LogisticRegression(C=p.C, class_weight="balanced", max_iter=5000, random_state=p.seed)
        return MLPClassifier(
            hidden_layer_sizes=(p.hidden,),
            alpha=p.alpha,
            early_stopping=False,
            max_iter=200,
            random_state=p.seed,
        )

    def _fit_base(self, X: np.ndarray, y: np.ndarray):  # noqa: N803
        scaler = StandardScaler().fit(X)
        base = self._new_base()
        if self.params.head == "mlp":
            base.fit(scaler.transform(X), y, sample_weight=compute_sample_weight("balanced", y))
        else:
            base.fit(scaler.transform(X), y)
        return scaler, base

    @staticmethod
    def _score(scaler: StandardScaler, base, X: np.ndarray) -> np.ndarray:  # noqa: N803
        Z = scaler.transform(X)  # noqa: N806
        if hasattr(base, "decision_function"):
            return base.decision_function(Z)
        return _logit(base.predict_proba(Z)[:, 1])

    def _fit_calibrator(self, scores: np.ndarray, y: np.ndarray):
        if self.params.calibration == "isotonic" and scores.shape[1] == 1:
            return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores[:, 0], y)
        return LogisticRegression(C=1e6, max_iter=1000).fit(scores, y)

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        if isinstance(self.calibrator, IsotonicRegression):
            return np.clip(self.calibrator.predict(scores[:, 0]), 0.0, 1.0)
        return self.calibrator.predict_proba(scores)[:, 1]

    def folds(self, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The seeded stratified folds used for out-of-fold scores (shared with the lexical channel)."""
        counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
        n_folds = int(min(self.params.cv_folds, counts.min()))
        if n_folds < 2:
            raise ValueError(f"need at least 2 examples of each class to train, got {counts.tolist()}")
        splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=self.params.seed)
        return list(splitter.split(np.zeros(len(y)), y))

    def fit(self, X: np.ndarray, y: np.ndarray, extra_oof: np.ndarray | None = None) -> CalibratedHead:  # noqa: N803
        """Out-of-fold scores -> calibrator and threshold; then the base model on all the data.

        `extra_oof` holds out-of-fold scores of other channels (the lexical model), computed on the same
        folds; the calibrator then learns how to weigh the embedding score against them (late fusion)."""
        y = np.asarray(y, dtype=int)
        oof = np.zeros(len(y), dtype=float)
        for train_idx, test_idx in self.folds(y):
            scaler, base = self._fit_base(X[train_idx], y[train_idx])
            oof[test_idx] = self._score(scaler, base, X[test_idx])
        scores = _stack(oof, extra_oof)
        self.calibrator = self._fit_calibrator(scores, y)
        calibrated = self._calibrate(scores)
        self.threshold = best_threshold(y, calibrated)
        self.oof_metrics = classification_metrics(y, calibrated, self.threshold)
        self.scaler, self.base = self._fit_base(X, y)
        log.info(
            "head %s fitted on %d examples; threshold %.2f; out-of-fold macro-F1 %.3f",
            self.params.head,
            len(y),
            self.threshold,
            self.oof_metrics["macro_f1"],
        )
        return self

    def hoax_probability(self, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:  # noqa: N803
        if self.base is None:
            raise RuntimeError("the head is not trained")
        return self._calibrate(_stack(self._score(self.scaler, self.base, X), extra))


def _stack(score: np.ndarray, extra: np.ndarray | None) -> np.ndarray:
    score = np.asarray(score, dtype=float).reshape(-1, 1)
    if extra is None:
        return score
    return np.hstack([score, np.asarray(extra, dtype=float).reshape(len(score), -1)])
