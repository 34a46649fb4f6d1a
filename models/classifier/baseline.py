"""The TF-IDF + logistic regression baseline, reported beside every model on the same split."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


class TfidfBaseline:
    """Word 1-2-gram TF-IDF and a class-weighted logistic regression (threshold 0.5)."""

    name = "tfidf_logreg"

    def __init__(self, *, C: float = 4.0, seed: int = 13):  # noqa: N803
        self.vectorizer = TfidfVectorizer(
            sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=200_000
        )
        self.model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=seed)

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> TfidfBaseline:
        self.model.fit(self.vectorizer.fit_transform(texts), np.asarray(labels, dtype=int))
        return self

    def hoax_probability(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.predict_proba(self.vectorizer.transform(texts))[:, 1]

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.decision_function(self.vectorizer.transform(texts))


class LexicalChannel:
    """A TF-IDF + logistic-regression score beside the embedding (late fusion in the head's calibrator)."""

    def __init__(self, *, C: float = 4.0, seed: int = 13, max_features: int = 100_000):  # noqa: N803
        self.C, self.seed, self.max_features = C, seed, max_features
        self.model: TfidfBaseline | None = None

    def _new(self) -> TfidfBaseline:
        model = TfidfBaseline(C=self.C, seed=self.seed)
        model.vectorizer.set_params(max_features=self.max_features)
        return model

    def fit_oof(self, texts: Sequence[str], labels: Sequence[int], folds) -> np.ndarray:  # noqa: ANN001
        """Out-of-fold decision scores on the given folds, then the channel refitted on everything."""
        texts = list(texts)
        y = np.asarray(labels, dtype=int)
        oof = np.zeros(len(y), dtype=float)
        for train_idx, test_idx in folds:
            part = self._new().fit([texts[i] for i in train_idx], y[train_idx])
            oof[test_idx] = part.decision([texts[i] for i in test_idx])
        self.model = self._new().fit(texts, y)
        return oof

    def score(self, texts: Sequence[str]) -> np.ndarray:
        if self.model is None:
            raise RuntimeError("the lexical channel is not trained")
        return self.model.decision(list(texts))
