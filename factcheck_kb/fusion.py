"""Dense + lexical fusion: weighted score fusion (default) and reciprocal rank fusion.

Weighted fusion maps the cosine onto [0, 1] with a per-model affine (E5 cosines sit in 0.75-1.0, USE's spread
over 0-1) and adds the BM25 score normalised by the query's self-score:

    fused = w_dense * clip((cos - dense_floor) / (1 - dense_floor), 0, 1) + w_lexical * lexical

The fused score keeps an absolute meaning across queries, so bands can be set on it. Reciprocal rank fusion
(``1/(k + rank)`` summed) is kept for comparison: the field measured that it can lower R@1 when one ranker is
much better than the other (eval/retrieval.py reports both).

The weights and floor are fitted per index from labelled (text -> fact check) pairs by :func:`fit_weighted`
(`saring kb calibrate --fusion`), which keeps the setting with the best MRR of the right fact checks among
the matcher's candidates; the result is stored in the index manifest with the model id it was fitted for.
Without labelled pairs each model family has a default fitted the same way on the development set (below);
an E5 fine-tuned by `saring kb finetune` is its own family, because its cosines spread lower. Measured
(eval/retrieval.py, fitted on the earlier period, later period held out): a learned logistic-regression
combiner over dense/BM25/TF-IDF scores, ranks and per-query gaps, and a third TF-IDF channel, did no better
than the fitted two-weight fusion.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """How dense and lexical scores combine; stored in the index manifest."""

    method: str = "weighted"
    w_dense: float = 0.5
    w_lexical: float = 0.5
    dense_floor: float = 0.0
    rrf_k: int = 60
    source: str = "default"  # 'default' or 'fitted' (from labelled pairs)
    fitted_for: str | None = None  # the model id the fitted weights belong to
    fitted_queries: int = 0

    def __post_init__(self) -> None:
        if self.method not in ("weighted", "rrf"):
            raise ValueError(f"unknown fusion method {self.method!r} (weighted | rrf)")
        if not 0.0 <= self.dense_floor < 1.0:
            raise ValueError("dense_floor must be in [0, 1)")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FusionConfig:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


# Per-model defaults, fitted (fit_weighted, by MRR) on the EARLIER period of the development set
# (python -m eval.retrieval); never on the later-period queries that the benchmark reports. For base
# multilingual-e5-small this raised later-period fused R@5 from 0.917 (the old 0.5/0.75) to 0.937.
# "e5-ft" is an E5 fine-tuned by `saring kb finetune` (2 epochs on the earlier-period pairs): its cosines
# spread lower and its dense signal is sharper, so it wants no floor and more lexical weight (later-period
# R@5 0.954, against 0.927 when it is given the base E5 default).
_MODEL_DEFAULTS: dict[str, FusionConfig] = {
    "e5": FusionConfig(method="weighted", w_dense=0.6, w_lexical=0.4, dense_floor=0.2),
    "e5-ft": FusionConfig(method="weighted", w_dense=0.3, w_lexical=0.7, dense_floor=0.0),
    "use": FusionConfig(method="weighted", w_dense=0.3, w_lexical=0.7, dense_floor=0.2),
}


def model_family(model_id: str) -> str:
    """'e5' for E5-family ids, 'e5-ft' for an E5 fine-tuned by `saring kb finetune` (its folder says so),
    'use' for the universal sentence encoder, else 'other'."""
    from models.encoder.loading import finetune_info

    info = finetune_info(model_id) if model_id else None
    base_model = str((info or {}).get("base_model", ""))
    if info is not None and base_model != model_id:
        base = model_family(base_model)
        return "e5-ft" if base == "e5" else base
    lowered = (model_id or "").lower()
    if "e5" in lowered:
        return "e5"
    if "use" in lowered or "universal" in lowered:
        return "use"
    return "other"


def default_fusion(model_id: str) -> FusionConfig:
    return _MODEL_DEFAULTS.get(model_family(model_id), FusionConfig())


# Grids searched by fit_weighted; the floor is the cosine of unrelated texts for the model family (a
# fine-tuned E5 spreads its cosines lower than the base model, hence the wide E5 range).
DENSE_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
_E5_FLOORS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8)
DENSE_FLOORS = {
    "e5": _E5_FLOORS,
    "e5-ft": _E5_FLOORS,
    "use": (0.0, 0.1, 0.2, 0.3),
    "other": (0.0, 0.3, 0.5),
}
MIN_FIT_QUERIES = 20  # fewer labelled queries than this keep the default fusion
MRR_DEPTH = 10


@dataclass(frozen=True, slots=True)
class FitQuery:
    """One labelled query's hybrid candidates: dense and lexical scores, and which candidates are right."""

    dense: np.ndarray
    lexical: np.ndarray
    gold: np.ndarray  # bool, aligned with the scores


def mean_reciprocal_rank(queries: Sequence[FitQuery], config: FusionConfig, depth: int = MRR_DEPTH) -> float:
    """MRR (over the top ``depth``) of the first right candidate when ranked as the matcher ranks them."""
    if not queries:
        return 0.0
    total = 0.0
    for q in queries:
        if not len(q.gold) or not q.gold.any():
            continue
        fused = fuse(q.dense, q.lexical, config)
        order = np.lexsort((-np.asarray(q.dense), -fused))[:depth]
        hits = np.flatnonzero(q.gold[order])
        if len(hits):
            total += 1.0 / (int(hits[0]) + 1)
    return total / len(queries)


def fit_weighted(
    queries: Sequence[FitQuery],
    model_id: str,
    *,
    base: FusionConfig | None = None,
    min_queries: int = MIN_FIT_QUERIES,
) -> tuple[FusionConfig, dict[str, float]]:
    """The weighted fusion (dense weight and floor from the grid) with the best MRR on labelled queries.

    Returns the fitted config (``source='fitted'``, ``fitted_for=model_id``) and the MRR of every grid point;
    with fewer than ``min_queries`` queries whose right answer is among the candidates, ``base`` (or the
    model's default) comes back unchanged. Ties keep the earlier grid point.
    """
    base = base or default_fusion(model_id)
    usable = [q for q in queries if len(q.gold) and q.gold.any()]
    if len(usable) < min_queries:
        log.info("fusion fit: %d usable labelled queries (< %d); keeping %s", len(usable), min_queries, base)
        return base, {}
    grid: dict[str, float] = {}
    best, best_mrr = base, -1.0
    for floor in DENSE_FLOORS[model_family(model_id)]:
        for w in DENSE_WEIGHTS:
            cfg = FusionConfig(method="weighted", w_dense=w, w_lexical=round(1 - w, 2), dense_floor=floor)
            mrr = mean_reciprocal_rank(queries, cfg)
            grid[f"floor={floor},w_dense={w}"] = round(mrr, 4)
            if mrr > best_mrr + 1e-12:
                best, best_mrr = cfg, mrr
    fitted = replace(best, source="fitted", fitted_for=model_id, fitted_queries=len(queries))
    log.info("fusion fit on %d labelled queries: %s (MRR %.4f)", len(queries), fitted, best_mrr)
    return fitted, grid


def normalise_dense(cosine: np.ndarray, floor: float) -> np.ndarray:
    """Cosine mapped onto [0, 1] with the model's floor (the cosine of unrelated texts)."""
    return np.clip((np.asarray(cosine, dtype=np.float32) - floor) / (1.0 - floor), 0.0, 1.0)


def weighted_scores(dense: np.ndarray, lexical: np.ndarray, config: FusionConfig) -> np.ndarray:
    """Fused score of aligned candidate arrays (missing dense or lexical scores as 0)."""
    total = config.w_dense + config.w_lexical
    if total <= 0:
        raise ValueError("fusion weights must not both be zero")
    return (
        (
            config.w_dense * normalise_dense(dense, config.dense_floor)
            + config.w_lexical * np.asarray(lexical, dtype=np.float32)
        )
        / total
    ).astype(np.float32)


def rrf_scores(dense: np.ndarray, lexical: np.ndarray, config: FusionConfig) -> np.ndarray:
    """Reciprocal rank fusion over aligned candidate arrays (ranks computed within the candidates)."""

    def ranks(values: np.ndarray) -> np.ndarray:
        order = np.argsort(-np.asarray(values), kind="stable")
        out = np.empty(len(values), dtype=np.float32)
        out[order] = np.arange(1, len(values) + 1, dtype=np.float32)
        return out

    if not len(dense):
        return np.zeros(0, dtype=np.float32)
    w_d, w_l = config.w_dense, config.w_lexical
    return (w_d / (config.rrf_k + ranks(dense)) + w_l / (config.rrf_k + ranks(lexical))).astype(np.float32)


def fuse(dense: np.ndarray, lexical: np.ndarray, config: FusionConfig) -> np.ndarray:
    """The fused score of each candidate under ``config``."""
    if config.method == "rrf":
        return rrf_scores(dense, lexical, config)
    return weighted_scores(dense, lexical, config)
