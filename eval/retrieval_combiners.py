"""Combiners measured against the fitted two-weight fusion: a third (TF-IDF) channel and a learned reranker.

Both are fitted on the EARLIER period's queries and score the matcher's own candidates (dense top-50 plus
BM25 top-50), so they differ from the product's fused ranking only in how the candidates are ordered:

- ``fused_tfidf3``: weighted fusion of dense, BM25 and the TF-IDF (word 1-2-gram + char 3-5-gram) cosine,
  the weights and floor chosen by earlier-period MRR;
- ``fused_lr``: logistic regression over per-candidate features (dense cosine, BM25/self-score, TF-IDF
  cosine and each one's gap to the query's best candidate), trained on earlier-period candidates labelled by
  the gold.

For a fine-tuned encoder both are fitted on its own earlier-period scores, which its training inflated; only
the later period is a fair test of it. Measured (split 2025-01-01, --views title): the fitted TF-IDF weight
was 0 for both encoders, and the regression moved later-period R@5 by +0.006 (base e5) and 0.000 (fine-tuned),
within noise (about ±0.009 at n=654); neither is in the product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eval.retrieval_data import Query
from eval.retrieval_fusion import top_ids
from factcheck_kb.fusion import DENSE_FLOORS, DENSE_WEIGHTS, FusionConfig, model_family, normalise_dense
from factcheck_kb.matcher import Candidates, Matcher
from factcheck_kb.records import FactCheck
from factcheck_kb.views import ViewScheme, lexical_text

TFIDF_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4)


class TfidfBaseline:
    """Word 1-2-grams + char_wb 3-5-grams, sublinear tf, cosine: the strongest plain baseline."""

    def __init__(self, kb: Sequence[FactCheck], scheme: ViewScheme):
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self._sp, self._normalize = sp, normalize
        docs = [lexical_text(fc, scheme) for fc in kb]
        self.words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_features=300_000)
        self.chars = TfidfVectorizer(
            sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=300_000
        )
        self.matrix = normalize(
            sp.hstack([self.words.fit_transform(docs), self.chars.fit_transform(docs)]).tocsr()
        )
        self.ids = np.array([fc.kb_id for fc in kb])
        self.row_of = {fc.kb_id: r for r, fc in enumerate(kb)}

    def _queries(self, texts: Sequence[str]):
        qm = self._sp.hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()
        return self._normalize(qm)

    def rankings(self, texts: Sequence[str], k: int = 10) -> list[list[str]]:
        out = []
        qm = self._queries(list(texts))
        for start in range(0, qm.shape[0], 256):
            scores = (qm[start : start + 256] @ self.matrix.T).toarray()
            top = np.argsort(-scores, axis=1)[:, :k]
            out.extend(self.ids[row].tolist() for row in top)
        return out

    def candidate_scores(self, matcher: Matcher, texts: Sequence[str], cands: Sequence[Candidates]):
        """The TF-IDF cosine of each query's candidates (aligned with ``cand.item_ids``)."""
        qm = self._queries(list(texts))
        out = []
        for qi, cand in enumerate(cands):
            rows = [self.row_of.get(matcher.index.kb_id_of(int(i)) or "", -1) for i in cand.item_ids]
            scores = np.zeros(len(rows), np.float32)
            ok = [p for p, r in enumerate(rows) if r >= 0]
            if ok:
                vals = (qm[qi] @ self.matrix[[rows[p] for p in ok]].T).toarray().ravel()
                scores[ok] = vals
            out.append(scores)
        return out


def _gold_mask(matcher: Matcher, cand: Candidates, query: Query) -> np.ndarray:
    return np.array([matcher.index.kb_id_of(int(i)) == query.gold for i in cand.item_ids], dtype=bool)


def _three(cand: Candidates, tf: np.ndarray, floor: float, wd: float, wt: float) -> np.ndarray:
    return wd * normalise_dense(cand.dense, floor) + (1 - wd - wt) * cand.lexical + wt * tf


def fit_three_channel(matcher, cands, tfs, queries) -> tuple[dict, float]:
    """(floor, w_dense, w_tfidf) with the best MRR on the given (earlier-period) queries."""
    usable = [
        (cand, tf, _gold_mask(matcher, cand, q))
        for cand, tf, q in zip(cands, tfs, queries, strict=True)
        if cand.plan.mode == "hybrid" and len(cand.item_ids)
    ]
    best, best_mrr = {"floor": 0.0, "w_dense": 0.5, "w_tfidf": 0.0}, -1.0
    for floor in DENSE_FLOORS[model_family(matcher.encoder.model_id)]:
        for wd in DENSE_WEIGHTS:
            for wt in TFIDF_WEIGHTS:
                if wd + wt >= 1.0:
                    continue
                total = 0.0
                for cand, tf, gold in usable:
                    order = np.lexsort((-cand.dense, -_three(cand, tf, floor, wd, wt)))[:10]
                    hits = np.flatnonzero(gold[order])
                    total += 1.0 / (hits[0] + 1) if len(hits) else 0.0
                mrr = total / max(len(queries), 1)
                if mrr > best_mrr + 1e-12:
                    best, best_mrr = {"floor": floor, "w_dense": wd, "w_tfidf": wt}, mrr
    return best, round(float(best_mrr), 4)


def _features(cand: Candidates, tf: np.ndarray) -> np.ndarray:
    d, lx = cand.dense, cand.lexical
    return np.column_stack([d, lx, tf, d - d.max(), lx - lx.max(), tf - tf.max()]).astype(np.float32)


def fit_lr(matcher, cands, tfs, queries):
    """Logistic regression over candidate features, trained on the given (earlier-period) queries."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    xs, ys = [], []
    for cand, tf, q in zip(cands, tfs, queries, strict=True):
        if cand.plan.mode != "hybrid" or not len(cand.item_ids):
            continue
        xs.append(_features(cand, tf))
        ys.append(_gold_mask(matcher, cand, q))
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    model.fit(np.vstack(xs), np.concatenate(ys))
    return model


def combiner_rankings(
    matcher: Matcher,
    cands: Sequence[Candidates],
    queries: Sequence[Query],
    tfidf: TfidfBaseline,
    fallback: FusionConfig,
) -> tuple[dict[str, list[list[str]]], dict]:
    """Rankings of every query by both combiners (fitted on the earlier period) and what they learned.

    Queries the matcher does not search in hybrid mode (short or URL-only) keep the ``fallback`` ranking.
    """
    tfs = tfidf.candidate_scores(matcher, [q.text for q in queries], cands)
    earlier = [i for i, q in enumerate(queries) if q.period == "earlier"]
    pick = lambda seq: [seq[i] for i in earlier]  # noqa: E731
    three, three_mrr = fit_three_channel(matcher, pick(cands), pick(tfs), pick(queries))
    lr = fit_lr(matcher, pick(cands), pick(tfs), pick(queries))
    out: dict[str, list[list[str]]] = {"fused_tfidf3": [], "fused_lr": []}
    for cand, tf in zip(cands, tfs, strict=True):
        if not len(cand.item_ids):
            out["fused_tfidf3"].append([])
            out["fused_lr"].append([])
        elif cand.plan.mode != "hybrid":
            ranked = top_ids(matcher, cand, matcher.fused_scores(cand, fallback))
            out["fused_tfidf3"].append(ranked)
            out["fused_lr"].append(ranked)
        else:
            out["fused_tfidf3"].append(
                top_ids(matcher, cand, _three(cand, tf, three["floor"], three["w_dense"], three["w_tfidf"]))
            )
            out["fused_lr"].append(top_ids(matcher, cand, lr.decision_function(_features(cand, tf))))
    learned = {
        "fused_tfidf3": {**three, "earlier_mrr": three_mrr},
        "fused_lr": {
            "features": ["dense", "bm25", "tfidf", "dense_gap", "bm25_gap", "tfidf_gap"],
            "coef_standardised": [round(float(c), 4) for c in lr[-1].coef_.ravel()],
        },
    }
    return out, learned
