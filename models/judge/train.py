"""Fitting a match judge from labelled pairs and stance texts, and measuring it (reliability, precision).

Pairs are (post, fact check) candidates the retriever returned, labelled 1 when the fact check is the one
written about the post's claim. Stance texts are labelled 1 when they spread a claim and 0 when they report
its debunk. Thresholds are fitted on a held-out part, never on the part the heads were fitted on:

- auto: the lowest P(same) × P(spreads) at which the held-out pairs reach ``auto_precision`` (0.98);
- suggest: the P(same) that keeps ``suggest_recall`` (0.90) of the held-out true pairs;
- refutes_below / spreads_above: where the held-out stance texts reach ``stance_precision`` on each side.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from factcheck_kb.evidence import FEATURES as EVIDENCE_FEATURES
from models.judge.model import JudgeConfig, JudgeThresholds, LinearHead, MatchJudge, new_card
from models.judge.stance_cues import CUE_FEATURES, PAIR_FEATURES, stance_features

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PairSet:
    """Candidate pairs: evidence rows, labels, the query each belongs to (an index into ``query_texts``)
    and its retriever rank; the queries' texts and vectors give their P(spreads)."""

    x: np.ndarray
    y: np.ndarray
    group: np.ndarray
    rank: np.ndarray
    query_texts: list[str]
    query_vectors: np.ndarray | None = None
    kb_ids: list[str] = field(default_factory=list)
    #: the stance head's pair features of each pair (stance_cues.PAIR_FEATURES), when computed
    stance_pair: np.ndarray | None = None

    def subset(self, mask: np.ndarray) -> PairSet:
        ids = [k for k, keep in zip(self.kb_ids, mask, strict=True) if keep] if self.kb_ids else []
        return PairSet(
            self.x[mask],
            self.y[mask],
            self.group[mask],
            self.rank[mask],
            self.query_texts,
            self.query_vectors,
            ids,
            None if self.stance_pair is None else self.stance_pair[mask],
        )

    def __len__(self) -> int:
        return len(self.y)

    def spreads(self, judge: MatchJudge, encoder_id: str | None) -> np.ndarray:
        """P(spreads) of each pair: of its post, and of the post against its fact check where the judge
        reads pairs."""
        if judge.reads_pairs and self.stance_pair is not None and len(self.y):
            vectors = None if self.query_vectors is None else self.query_vectors[self.group]
            texts = [self.query_texts[g] for g in self.group.tolist()]
            return judge.p_spreads(texts, vectors, encoder_id, pair=self.stance_pair)
        used = np.unique(self.group)
        vectors = None if self.query_vectors is None else self.query_vectors[used]
        p = judge.p_spreads([self.query_texts[g] for g in used], vectors, encoder_id)
        lookup = dict(zip(used.tolist(), p.tolist(), strict=True))
        return np.asarray([lookup[g] for g in self.group.tolist()], dtype=float)

    @staticmethod
    def concat(parts: Sequence[PairSet]) -> PairSet:
        """One set from several (their query indexes shifted)."""
        texts: list[str] = []
        xs, ys, groups, ranks, vectors, ids, pairs = [], [], [], [], [], [], []
        for part in parts:
            ids.extend(part.kb_ids)
            if part.stance_pair is not None:
                pairs.append(part.stance_pair)
            xs.append(part.x)
            ys.append(part.y)
            groups.append(part.group + len(texts))
            ranks.append(part.rank)
            texts.extend(part.query_texts)
            if part.query_vectors is not None:
                vectors.append(part.query_vectors)
        qv = np.vstack(vectors) if vectors and len(vectors) == len(parts) else None
        sp = np.vstack(pairs) if pairs and len(pairs) == len(parts) else None
        return PairSet(
            np.vstack(xs),
            np.concatenate(ys),
            np.concatenate(groups),
            np.concatenate(ranks),
            texts,
            qv,
            ids,
            sp,
        )


@dataclass(slots=True)
class StanceSet:
    texts: list[str]
    y: np.ndarray
    vectors: np.ndarray | None = None
    sources: list[str] = field(default_factory=list)
    #: each text's pair features against the fact check it is about (stance_cues.PAIR_FEATURES)
    pair: np.ndarray | None = None

    def subset(self, mask: np.ndarray) -> StanceSet:
        idx = np.flatnonzero(mask)
        return StanceSet(
            [self.texts[i] for i in idx],
            self.y[idx],
            None if self.vectors is None else self.vectors[idx],
            [self.sources[i] for i in idx] if self.sources else [],
            None if self.pair is None else self.pair[idx],
        )


# ------------------------------------------------------------------ metrics


def reliability(p: Sequence[float], y: Sequence[int], bins: int = 10) -> dict:
    """Expected calibration error over equal-width bins, with the bins (mean p, observed rate, count)."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    if not len(p):
        return {"ece": None, "bins": []}
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    table = []
    for b in range(bins):
        sel = which == b
        if not sel.any():
            continue
        conf, acc, n = float(p[sel].mean()), float(y[sel].mean()), int(sel.sum())
        ece += n / len(p) * abs(conf - acc)
        table.append({"p": round(conf, 3), "observed": round(acc, 3), "n": n})
    return {"ece": round(ece, 4), "bins": table}


def auc(p: Sequence[float], y: Sequence[int]) -> float | None:
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y)
    if len(set(y.tolist())) < 2:
        return None
    return round(float(roc_auc_score(y, np.asarray(p))), 4)


def lowest_threshold_for_precision(scores: np.ndarray, labels: np.ndarray, target: float, min_n: int = 20):
    """Lowest t with precision of {score >= t} >= target over at least ``min_n`` selected; None if none."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    precision = np.cumsum(y) / np.arange(1, len(y) + 1)
    best = None
    for i in range(len(s)):
        if i + 1 < len(s) and s[i + 1] == s[i]:
            continue
        if i + 1 >= min_n and precision[i] >= target:
            best = float(s[i])
    return best


def threshold_for_recall(scores: np.ndarray, labels: np.ndarray, recall: float) -> float:
    positives = np.sort(scores[labels == 1])[::-1]
    if not len(positives):
        return 0.5
    k = max(0, min(len(positives) - 1, int(np.ceil(recall * len(positives))) - 1))
    return float(positives[k])


# ------------------------------------------------------------------ fitting


def fit_stance(
    fit: StanceSet, encoder_id: str | None, *, c: float = 0.5
) -> tuple[LinearHead, LinearHead | None]:
    """The cue stance head (with the pair features when the texts carry them) and, when vectors are given,
    the cues + vector head."""
    names = list(CUE_FEATURES) + (list(PAIR_FEATURES) if fit.pair is not None else [])
    cues = stance_features(names, fit.texts, fit.pair)
    cue_head = LinearHead.fit(cues, fit.y, names, c=c, balanced=True)
    vector_head = None
    if fit.vectors is not None and encoder_id:
        dims = [f"dim{i}" for i in range(fit.vectors.shape[1])]
        vector_head = LinearHead.fit(
            np.hstack([cues, fit.vectors]),
            fit.y,
            names + dims,
            c=c,
            balanced=True,
            encoder=encoder_id,
        )
    return cue_head, vector_head


def stance_thresholds(p: np.ndarray, y: np.ndarray, precision: float = 0.9) -> tuple[float, float]:
    """(refutes_below, spreads_above) where each side's held-out texts reach ``precision``."""
    spreads_above = lowest_threshold_for_precision(p, y, precision, min_n=10)
    refutes = lowest_threshold_for_precision(1.0 - p, 1 - y, precision, min_n=10)
    refutes_below = 1.0 - refutes if refutes is not None else 0.2
    spreads_above = spreads_above if spreads_above is not None else 0.8
    if refutes_below > spreads_above:  # overlapping: meet in the middle
        refutes_below = spreads_above = (refutes_below + spreads_above) / 2
    # rounded outwards, so the held-out texts that reached the precision stay inside
    return math.ceil(refutes_below * 1e4) / 1e4, math.floor(spreads_above * 1e4) / 1e4


def fit_judge(
    pairs_fit: PairSet,
    pairs_held: PairSet,
    stance_fit: StanceSet,
    stance_held: StanceSet,
    *,
    encoder_id: str,
    auto_precision: float = 0.98,
    suggest_recall: float = 0.90,
    stance_precision: float = 0.90,
    rerank: bool | None = None,
    training_data: dict | None = None,
    stance_vectors: bool = False,
) -> tuple[MatchJudge, dict]:
    """Fit the heads on the fit parts, the thresholds on the held-out parts; returns the judge and metrics."""
    verifier = LinearHead.fit(pairs_fit.x, pairs_fit.y, list(EVIDENCE_FEATURES), c=1.0, encoder=encoder_id)
    cue_head, vector_head = fit_stance(stance_fit, encoder_id)
    # The vector head reads the fact checkers' own register (headlines, conclusions) as refuting and any
    # social-media register as spreading: on colloquial debunk reports it says "spreads" (measured, see
    # eval.judge). The cue head is the default; the vector head only where asked for.
    judge = MatchJudge(
        JudgeConfig(verifier, cue_head, vector_head if stance_vectors else None, encoder=encoder_id)
    )
    vector_judge = MatchJudge(JudgeConfig(verifier, cue_head, vector_head, encoder=encoder_id))

    p_stance = judge.p_spreads(stance_held.texts, stance_held.vectors, encoder_id, pair=stance_held.pair)
    refutes_below, spreads_above = stance_thresholds(p_stance, stance_held.y, stance_precision)

    p_same = judge.verify(pairs_held.x)
    joint = p_same * pairs_held.spreads(judge, encoder_id)
    auto = lowest_threshold_for_precision(joint, pairs_held.y, auto_precision)
    suggest = threshold_for_recall(p_same, pairs_held.y, suggest_recall)
    thresholds = JudgeThresholds(
        auto=round(auto, 4) if auto is not None else 1.01,
        suggest=round(min(suggest, auto if auto is not None else 1.0), 4),
        refutes_below=refutes_below,
        spreads_above=spreads_above,
        fitted_on="held-out pairs",
    )
    judge.config.thresholds = thresholds
    held_rank = ranking_metrics(p_same, pairs_held)
    if rerank is None:
        rerank = held_rank["reranked"]["MRR"] >= held_rank["retriever"]["MRR"]
    judge.config.rerank = bool(rerank)
    metrics = {
        "verifier_held_out": {
            "pairs": len(pairs_held),
            "positives": int(pairs_held.y.sum()),
            "auc": auc(p_same, pairs_held.y),
            "reliability": reliability(p_same, pairs_held.y),
            "ranking": held_rank,
        },
        "stance_held_out": stance_metrics(p_stance, stance_held.y, refutes_below, spreads_above),
        "stance_held_out_vector_head": stance_metrics(
            vector_judge.p_spreads(stance_held.texts, stance_held.vectors, encoder_id, pair=stance_held.pair),
            stance_held.y,
            refutes_below,
            spreads_above,
        ),
        "thresholds": thresholds.to_dict(),
        "rerank": judge.config.rerank,
    }
    judge.card = new_card(
        encoder=encoder_id,
        features=list(EVIDENCE_FEATURES),
        training_data=training_data or {},
        metrics=metrics,
    )
    return judge, metrics


def stance_metrics(p: np.ndarray, y: np.ndarray, refutes_below: float, spreads_above: float) -> dict:
    from sklearn.metrics import f1_score

    pred = (p >= 0.5).astype(int)
    refutes = p <= refutes_below
    spreads = p >= spreads_above
    return {
        "texts": int(len(y)),
        "spreads": int(y.sum()),
        "auc": auc(p, y),
        "macro_f1_at_0.5": round(float(f1_score(y, pred, average="macro")), 4) if len(y) else None,
        "refutes_called": int(refutes.sum()),
        "refutes_precision": round(float((y[refutes] == 0).mean()), 4) if refutes.any() else None,
        "refutations_recalled": round(float(refutes[y == 0].mean()), 4) if (y == 0).any() else None,
        "spreads_precision": round(float((y[spreads] == 1).mean()), 4) if spreads.any() else None,
        "spreads_recalled": round(float(spreads[y == 1].mean()), 4) if (y == 1).any() else None,
        "unclear": int((~refutes & ~spreads).sum()),
    }


def ranking_metrics(p_same: np.ndarray, pairs: PairSet) -> dict:
    """R@1/R@5/MRR over the queries with a true pair among their candidates: retriever order vs judged."""
    out = {}
    for name, key in (("retriever", -pairs.rank.astype(float)), ("reranked", p_same)):
        r1 = r5 = rr = 0.0
        n = 0
        for g in np.unique(pairs.group):
            sel = np.flatnonzero(pairs.group == g)
            if not pairs.y[sel].any():
                continue
            n += 1
            order = sel[np.argsort(-key[sel], kind="stable")]
            pos = int(np.flatnonzero(pairs.y[order] == 1)[0])
            r1 += pos < 1
            r5 += pos < 5
            rr += 1.0 / (pos + 1)
        out[name] = {"queries": n, "R@1": round(r1 / max(n, 1), 4), "R@5": round(r5 / max(n, 1), 4)}
        out[name]["MRR"] = round(rr / max(n, 1), 4)
    return out
