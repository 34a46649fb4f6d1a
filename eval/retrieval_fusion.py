"""Ranking from matcher candidates, fusion tuning (earlier period only) and band calibration/evaluation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eval.retrieval_data import Query
from factcheck_kb.bands import (
    AUTO,
    NONE,
    SUGGEST,
    BandThresholds,
    LabelledPair,
    PairScore,
    calibrate,
    decide,
    default_thresholds,
)
from factcheck_kb.fusion import FusionConfig, fit_weighted
from factcheck_kb.matcher import Candidates, Matcher
from factcheck_kb.tokens import word_count


def top_ids(
    matcher: Matcher, cand: Candidates, scores: np.ndarray, keep: np.ndarray | None = None
) -> list[str]:
    """The top-10 kb_ids of one query's candidates by ``scores`` (ties by dense score, as the matcher)."""
    tiebreak = cand.dense if cand.dense is not None else scores
    order = np.lexsort((-tiebreak, -scores))
    if keep is not None:
        order = order[keep[order]]
    return [matcher.index.kb_id_of(int(cand.item_ids[i])) for i in order[:10]]


def rank_one(
    matcher: Matcher, cand: Candidates, method: str, fusion: FusionConfig | None = None
) -> list[str]:
    """Top-10 kb_ids of one query by 'dense', 'lexical' or 'fused' scores."""
    if not len(cand.item_ids):
        return []
    if method == "dense":
        if cand.dense is None:  # a query the matcher searches lexically only (three words or fewer)
            return []
        return top_ids(matcher, cand, cand.dense)
    if method == "lexical":
        return top_ids(matcher, cand, cand.lexical, keep=cand.lexical > 0)
    return top_ids(matcher, cand, matcher.fused_scores(cand, fusion))


def rank_all(
    matcher: Matcher, cands: Sequence[Candidates], method: str, fusion: FusionConfig | None = None
) -> list[list[str]]:
    return [rank_one(matcher, c, method, fusion) for c in cands]


def tune_fusion(
    matcher: Matcher, cands: Sequence[Candidates], queries: Sequence[Query], base: FusionConfig
) -> tuple[FusionConfig, dict]:
    """The weighted fusion with the best strict MRR on the given (earlier-period) queries.

    The product's own fit (:func:`factcheck_kb.fusion.fit_weighted`, `saring kb calibrate --fusion`), run on
    the benchmark's candidates: the gold id is each query's one right answer.
    """
    fit = matcher.fit_queries([q.text for q in queries], [{q.gold} for q in queries], cands=cands)
    return fit_weighted(fit, matcher.encoder.model_id, base=base, min_queries=1)


def _ranked_pairs(matcher: Matcher, cand: Candidates, fusion: FusionConfig, query: Query, depth: int = 5):
    """(PairScore, label) for the query's top-``depth`` results; label 1: the gold or a near duplicate."""
    fused = matcher.fused_scores(cand, fusion)
    dense = cand.dense if cand.dense is not None else np.full(len(fused), np.nan, dtype=np.float32)
    out = []
    for i in np.argsort(-fused, kind="stable")[:depth]:
        d = None if np.isnan(dense[i]) else float(dense[i])
        kb_id = matcher.index.kb_id_of(int(cand.item_ids[i]))
        out.append((PairScore(float(fused[i]), d, float(cand.lexical[i])), int(kb_id in query.gold_near)))
    return out


def band_report(
    matcher: Matcher, cands: Sequence[Candidates], queries: Sequence[Query], fusion: FusionConfig
) -> dict:
    """Calibrate thresholds on the earlier period's top-5 results (labelled by the gold), apply to top-1s.

    A banded match is any listed result, so the labelled pairs are each earlier query's top five results:
    precision at a threshold is the share of listed results above it that are the right fact check. The
    model family's default thresholds (what an index has before `saring kb calibrate`) are reported beside.
    """
    pairs, scores = [], []
    for cand, q in zip(cands, queries, strict=True):
        if q.period != "earlier" or not len(cand.item_ids):
            continue
        for score, label in _ranked_pairs(matcher, cand, fusion, q):  # label: gold or a near duplicate
            pairs.append(LabelledPair(q.text, q.gold, label))
            scores.append(score)
    thresholds = calibrate(pairs, scores, base=matcher.thresholds)
    out: dict = {"thresholds": thresholds.to_dict(), "calibration_pairs": len(pairs)}
    for period in ("earlier", "later"):
        out[period] = band_counts(matcher, cands, queries, fusion, thresholds, period)
    defaults = default_thresholds(matcher.encoder.model_id)
    out["family_defaults"] = {
        "thresholds": defaults.to_dict(),
        "later": band_counts(matcher, cands, queries, fusion, defaults, "later"),
    }
    return out


def band_counts(
    matcher: Matcher,
    cands: Sequence[Candidates],
    queries: Sequence[Query],
    fusion: FusionConfig,
    thresholds: BandThresholds,
    period: str,
) -> dict:
    """Per band, how many top-1 and top-5 results fall in it and how many of those are right."""
    top1 = {AUTO: [0, 0], SUGGEST: [0, 0], NONE: [0, 0]}
    listed = {AUTO: [0, 0], SUGGEST: [0, 0], NONE: [0, 0]}
    n = 0
    for cand, q in zip(cands, queries, strict=True):
        if q.period != period or not len(cand.item_ids):
            continue
        n += 1
        for rank, (score, label) in enumerate(_ranked_pairs(matcher, cand, fusion, q)):
            band = decide(
                thresholds,
                mode=cand.plan.mode,
                fused=score.fused,
                dense=score.dense,
                lexical=score.lexical,
                words=word_count(q.text),
            )
            listed[band][0] += 1
            listed[band][1] += label
            if rank == 0:
                top1[band][0] += 1
                top1[band][1] += label
    return {
        "top1": {
            b: {"n": c[0], "correct": c[1], "precision": round(c[1] / c[0], 4) if c[0] else None}
            for b, c in top1.items()
        },
        "top5_listed": {
            b: {"n": c[0], "correct": c[1], "precision": round(c[1] / c[0], 4) if c[0] else None}
            for b, c in listed.items()
        },
        "queries_auto_linked_correctly": round(top1[AUTO][1] / n, 4) if n else None,
    }
