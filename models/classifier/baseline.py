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
