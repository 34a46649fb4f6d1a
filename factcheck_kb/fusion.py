"""Dense + lexical fusion: weighted score fusion (default) and reciprocal rank fusion.

Weighted fusion maps the cosine onto [0, 1] with a per-model affine (E5 cosines sit in 0.75-1.0, USE's spread
over 0-1) and adds the BM25 score normalised by the query's self-score:

    fused = w_dense * clip((cos - dense_floor) / (1 - dense_floor), 0, 1) + w_lexical * lexical

The fused score keeps an absolute meaning across queries, so bands can be set on it. Reciprocal rank fusion
(``1/(k + rank)`` summed) is kept for comparison: the field measured that it can lower R@1 when one ranker is
much better than the other (eval/retrieval.py reports both).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """How dense and lexical scores combine; stored in the index manifest."""

    method: str = "weighted"
    w_dense: float = 0.5
    w_lexical: float = 0.5
    dense_floor: float = 0.0
    rrf_k: int = 60

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


# Per-model defaults, chosen on the EARLIER period of the development set (eval/retrieval.py --tune-fusion);
# never on the later-period queries that the benchmark reports.
_MODEL_DEFAULTS: dict[str, FusionConfig] = {
    "e5": FusionConfig(method="weighted", w_dense=0.5, w_lexical=0.5, dense_floor=0.75),
    "use": FusionConfig(method="weighted", w_dense=0.3, w_lexical=0.7, dense_floor=0.2),
}


def model_family(model_id: str) -> str:
    """'e5' for E5-family ids (including fine-tunes), 'use' for universal sentence encoder, else 'other'."""
    lowered = (model_id or "").lower()
    if "e5" in lowered:
        return "e5"
    if "use" in lowered or "universal" in lowered:
        return "use"
    return "other"


def default_fusion(model_id: str) -> FusionConfig:
    return _MODEL_DEFAULTS.get(model_family(model_id), FusionConfig())


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
