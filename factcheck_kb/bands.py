"""Three bands, as the field decides: auto-link, suggest to the TRC, or none; thresholds per model.

Rules (after Meedan Check/Alegre):
- a normal post is banded on the fused score;
- a query of at most ``short_query_words`` words is searched lexically only and banded on the lexical score;
- a URL-only post skips dense search (lexical search over the URL's words) and is banded on the lexical score;
- a post with fewer than ``min_words_auto`` words, and any URL-only post, never auto-links: auto -> suggest;
- optionally, a match to an item older than ``max_auto_age_days`` is downgraded to suggest.

:func:`calibrate` sets the thresholds from labelled (text, kb_id, label) pairs: the auto threshold is the
lowest score at which the pairs scoring at least that much reach ``auto_precision`` (default 0.95), the
suggest threshold likewise for ``suggest_precision`` (default 0.60). A signal with too few labelled pairs
keeps its default.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date

import numpy as np

log = logging.getLogger(__name__)

AUTO = "auto"
SUGGEST = "suggest"
NONE = "none"
BANDS = (AUTO, SUGGEST, NONE)

NEVER = 1.01  # a threshold no score reaches


@dataclass(frozen=True, slots=True)
class BandThresholds:
    """Per-model thresholds; scores are the matcher's (cosine, BM25/self-score, fused), all in [0, 1]."""

    auto_dense: float
    suggest_dense: float
    auto_lexical: float
    suggest_lexical: float
    auto_fused: float
    suggest_fused: float
    min_words_auto: int = 8
    short_query_words: int = 3
    max_auto_age_days: int | None = None
    source: str = "default"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BandThresholds:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def pair(self, signal: str) -> tuple[float, float]:
        """(auto, suggest) thresholds of 'dense', 'lexical' or 'fused'."""
        return getattr(self, f"auto_{signal}"), getattr(self, f"suggest_{signal}")


# Defaults per model family, calibrated on the earlier period of the development set (eval/retrieval.py: the
# top five results of each earlier claim, labelled by its gold fact check; auto at 95% precision, suggest at
# 60%) under the family's default fusion, and rounded (auto up). A lexical score alone never auto-links there.
_DEFAULTS: dict[str, BandThresholds] = {
    # E5 squeezes cosines into 0.75-1.0
    "e5": BandThresholds(
        auto_dense=0.98,
        suggest_dense=0.90,
        auto_lexical=NEVER,
        suggest_lexical=0.37,
        auto_fused=0.96,
        suggest_fused=0.65,
    ),
    # an E5 fine-tuned by `saring kb finetune` spreads them lower
    "e5-ft": BandThresholds(
        auto_dense=0.90,
        suggest_dense=0.62,
        auto_lexical=NEVER,
        suggest_lexical=0.36,
        auto_fused=0.93,
        suggest_fused=0.39,
    ),
    # USE spreads them over 0-1; calibrated on the demo's 88 labelled pairs (pipelines/demo_data), rounded up
    "use": BandThresholds(
        auto_dense=0.70,
        suggest_dense=0.45,
        auto_lexical=0.72,
        suggest_lexical=0.30,
        auto_fused=0.65,
        suggest_fused=0.35,
    ),
    # Meedan's published values (mpnet) for any other model until calibrated
    "other": BandThresholds(
        auto_dense=0.95,
        suggest_dense=0.75,
        auto_lexical=0.875,
        suggest_lexical=0.70,
        auto_fused=0.90,
        suggest_fused=0.70,
    ),
}


def default_thresholds(model_id: str) -> BandThresholds:
    from factcheck_kb.fusion import model_family

    return _DEFAULTS[model_family(model_id)]


def band_for(score: float, auto: float, suggest: float) -> str:
    if score >= auto:
        return AUTO
    if score >= suggest:
        return SUGGEST
    return NONE


def decide(
    thresholds: BandThresholds,
    *,
    mode: str,
    fused: float,
    dense: float | None,
    lexical: float | None,
    words: int,
    url_only: bool = False,
    published: date | None = None,
    today: date | None = None,
) -> str:
    """The band of one match. ``mode`` is 'hybrid', 'lexical' (short or URL-only query) or 'dense'."""
    if mode == "lexical":
        band = band_for(lexical or 0.0, *thresholds.pair("lexical"))
    elif mode == "dense":
        band = band_for(dense or 0.0, *thresholds.pair("dense"))
    else:
        band = band_for(fused, *thresholds.pair("fused"))
    if band == AUTO:
        too_short = words < thresholds.min_words_auto
        too_old = False
        if thresholds.max_auto_age_days is not None and published is not None:
            too_old = ((today or date.today()) - published).days > thresholds.max_auto_age_days
        if too_short or url_only or too_old:
            band = SUGGEST
    return band


# ------------------------------------------------------------------ calibration


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """A post (or claim) and a KB item, labelled 1 when the item is the right fact check for it."""

    text: str
    kb_id: str
    label: int


@dataclass(frozen=True, slots=True)
class PairScore:
    """The matcher's scores for one labelled pair (dense may be None for lexical-only texts)."""

    fused: float
    dense: float | None
    lexical: float | None


def threshold_for_precision(
    scores: Sequence[float], labels: Sequence[int], target: float, *, min_positives: int = 5
) -> float | None:
    """Lowest threshold t such that precision of {score >= t} >= target; None when too few positives reach it.

    Returns NEVER when no threshold reaches the target.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if int(y.sum()) < min_positives:
        return None
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    precision = tp / np.arange(1, len(y) + 1)
    best = None
    # only cut between distinct scores
    for i in range(len(s)):
        if i + 1 < len(s) and s[i + 1] == s[i]:
            continue
        if precision[i] >= target and tp[i] >= min_positives:
            best = float(s[i])
    return best if best is not None else NEVER


def calibrate(
    pairs: Sequence[LabelledPair],
    scores: Sequence[PairScore],
    *,
    base: BandThresholds,
    auto_precision: float = 0.95,
    suggest_precision: float = 0.60,
    min_positives: int = 5,
) -> BandThresholds:
    """Thresholds for each signal from labelled pairs; signals without enough labelled pairs keep ``base``."""
    if len(pairs) != len(scores):
        raise ValueError("pairs and scores differ in length")
    labels = [1 if p.label else 0 for p in pairs]
    updates: dict[str, float] = {}
    for signal in ("fused", "dense", "lexical"):
        values = [getattr(s, signal) for s in scores]
        keep = [i for i, v in enumerate(values) if v is not None]
        if not keep:
            continue
        vals = [float(values[i]) for i in keep]
        labs = [labels[i] for i in keep]
        auto = threshold_for_precision(vals, labs, auto_precision, min_positives=min_positives)
        suggest = threshold_for_precision(vals, labs, suggest_precision, min_positives=min_positives)
        if auto is None or suggest is None:
            log.info("calibration: too few labelled positives for %s; keeping its defaults", signal)
            continue
        updates[f"auto_{signal}"] = round(auto, 4)
        updates[f"suggest_{signal}"] = round(min(suggest, auto), 4)
    result = replace(base, **updates, source="calibrated" if updates else base.source)
    log.info("calibrated thresholds: %s", result)
    return result


def precision_recall_at(
    scores: Sequence[float], labels: Sequence[int], threshold: float
) -> tuple[float, float]:
    """Precision and recall of {score >= threshold} (precision 1.0 when nothing is selected)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    chosen = s >= threshold
    tp = int((chosen & (y == 1)).sum())
    precision = tp / int(chosen.sum()) if chosen.any() else 1.0
    recall = tp / int(y.sum()) if y.any() else 0.0
    return precision, recall
