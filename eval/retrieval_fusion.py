"""Ranking from matcher candidates, fusion tuning (earlier period only) and band calibration/evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from eval.retrieval_data import Query
from eval.retrieval_metrics import metrics
from factcheck_kb.bands import AUTO, NONE, SUGGEST, LabelledPair, PairScore, calibrate, decide
from factcheck_kb.fusion import FusionConfig, model_family
from factcheck_kb.matcher import Candidates, Matcher
from factcheck_kb.tokens import word_count

# Grids searched on the earlier period; the floor is the cosine of unrelated texts for the model family.
W_DENSE = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
FLOORS = {"e5": (0.7, 0.75, 0.8), "use": (0.0, 0.1, 0.2, 0.3), "other": (0.0, 0.3, 0.5)}


def _order(cand: Candidates, scores: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    tiebreak = cand.dense if cand.dense is not None else scores
    order = np.lexsort((-tiebreak, -scores))
    if keep is not None:
        order = order[keep[order]]
    return order[:10]


def rank_one(
    matcher: Matcher, cand: Candidates, method: str, fusion: FusionConfig | None = None
) -> list[str]:
    """Top-10 kb_ids of one query by 'dense', 'lexical' or 'fused' scores."""
    if not len(cand.item_ids):
        return []
    if method == "dense":
        order = _order(cand, cand.dense)
    elif method == "lexical":
        order = _order(cand, cand.lexical, keep=cand.lexical > 0)
    else:
        order = _order(cand, matcher.fused_scores(cand, fusion))
    return [matcher.index.kb_id_of(int(cand.item_ids[i])) for i in order]


def rank_all(
    matcher: Matcher, cands: Sequence[Candidates], method: str, fusion: FusionConfig | None = None
) -> list[list[str]]:
    return [rank_one(matcher, c, method, fusion) for c in cands]


def tune_fusion(
    matcher: Matcher, cands: Sequence[Candidates], queries: Sequence[Query], base: FusionConfig
) -> tuple[FusionConfig, dict]:
    """The weighted fusion with the best strict MRR on the given (earlier-period) queries."""
    grid = {}
    best, best_mrr = base, -1.0
    for floor in FLOORS[model_family(matcher.encoder.model_id)]:
        for w in W_DENSE:
            cfg = replace(base, method="weighted", w_dense=w, w_lexical=round(1 - w, 2), dense_floor=floor)
            mrr = metrics(rank_all(matcher, cands, "fused", cfg), queries)["MRR"]
            grid[f"floor={floor},w_dense={w}"] = mrr
            if mrr > best_mrr:
                best, best_mrr = cfg, mrr
    return best, grid


def _pair_scores(matcher: Matcher, cand: Candidates, fusion: FusionConfig, query: Query):
    """(positive, hard negative) PairScores of one query: its gold item and the best-ranked other item."""
    fused = matcher.fused_scores(cand, fusion)
    kb_ids = [matcher.index.kb_id_of(int(i)) for i in cand.item_ids]
    pos = neg = None
    for i in np.lexsort((-cand.dense, -fused)):
        score = PairScore(float(fused[i]), float(cand.dense[i]), float(cand.lexical[i]))
        if kb_ids[i] == query.gold and pos is None:
            pos = score
        elif kb_ids[i] not in query.gold_equivalent and neg is None:
            neg = score
        if pos is not None and neg is not None:
            break
    return pos, neg


def band_report(
    matcher: Matcher, cands: Sequence[Candidates], queries: Sequence[Query], fusion: FusionConfig
) -> dict:
    """Calibrate thresholds on earlier-period pairs (gold vs hardest other item), apply them to top-1s."""
    pairs, scores = [], []
    for cand, q in zip(cands, queries, strict=True):
        if q.period != "earlier" or not len(cand.item_ids):
            continue
        pos, neg = _pair_scores(matcher, cand, fusion, q)
        for score, label in ((pos, 1), (neg, 0)):
            if score is not None:
                pairs.append(LabelledPair(q.text, q.gold, label))
                scores.append(score)
    thresholds = calibrate(pairs, scores, base=matcher.thresholds)
    out: dict = {"thresholds": thresholds.to_dict(), "calibration_pairs": len(pairs)}
    for period in ("earlier", "later"):
        counts = {AUTO: [0, 0], SUGGEST: [0, 0], NONE: [0, 0]}
        for cand, q in zip(cands, queries, strict=True):
            if q.period != period or not len(cand.item_ids):
                continue
            fused = matcher.fused_scores(cand, fusion)
            top = int(np.lexsort((-cand.dense, -fused))[0])
            band = decide(
                thresholds,
                mode=cand.plan.mode,
                fused=float(fused[top]),
                dense=float(cand.dense[top]),
                lexical=float(cand.lexical[top]),
                words=word_count(q.text),
            )
            correct = matcher.index.kb_id_of(int(cand.item_ids[top])) in q.gold_equivalent
            counts[band][0] += 1
            counts[band][1] += int(correct)
        n = sum(c[0] for c in counts.values())
        out[period] = {
            band: {"n": c[0], "top1_correct": c[1], "precision": round(c[1] / c[0], 4) if c[0] else None}
            for band, c in counts.items()
        }
        out[period]["auto_linked_correctly_share"] = round(counts[AUTO][1] / n, 4) if n else None
    return out
