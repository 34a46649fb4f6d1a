"""Bands: the three-band rules, per-model defaults, and calibration from labelled pairs."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck_kb.bands import (
    AUTO,
    NEVER,
    NONE,
    SUGGEST,
    BandThresholds,
    LabelledPair,
    PairScore,
    calibrate,
    decide,
    default_thresholds,
    precision_recall_at,
    threshold_for_precision,
)

T = BandThresholds(
    auto_dense=0.9,
    suggest_dense=0.8,
    auto_lexical=0.6,
    suggest_lexical=0.3,
    auto_fused=0.7,
    suggest_fused=0.4,
)


def test_hybrid_posts_are_banded_on_the_fused_score():
    assert decide(T, mode="hybrid", fused=0.75, dense=0.1, lexical=0.1, words=12) == AUTO
    assert decide(T, mode="hybrid", fused=0.5, dense=0.99, lexical=0.99, words=12) == SUGGEST
    assert decide(T, mode="hybrid", fused=0.2, dense=0.99, lexical=0.99, words=12) == NONE


def test_posts_under_eight_words_never_auto_link():
    assert decide(T, mode="hybrid", fused=0.99, dense=0.99, lexical=0.99, words=7) == SUGGEST
    assert decide(T, mode="hybrid", fused=0.99, dense=0.99, lexical=0.99, words=8) == AUTO


def test_url_only_posts_never_auto_link():
    assert decide(T, mode="lexical", fused=1.0, dense=None, lexical=1.0, words=0, url_only=True) == SUGGEST
    assert decide(T, mode="lexical", fused=0.1, dense=None, lexical=0.1, words=0, url_only=True) == NONE


def test_lexical_and_dense_modes_use_their_own_thresholds():
    assert decide(T, mode="lexical", fused=0.0, dense=None, lexical=0.65, words=10) == AUTO
    assert decide(T, mode="lexical", fused=0.0, dense=None, lexical=0.35, words=3) == SUGGEST
    assert decide(T, mode="dense", fused=0.0, dense=0.85, lexical=None, words=10) == SUGGEST


def test_old_items_can_be_kept_from_auto_linking():
    aged = BandThresholds(**{**T.to_dict(), "max_auto_age_days": 365})
    kwargs = dict(mode="hybrid", fused=0.9, dense=0.9, lexical=0.9, words=20, today=date(2026, 1, 1))
    assert decide(aged, published=date(2024, 1, 1), **kwargs) == SUGGEST
    assert decide(aged, published=date(2025, 6, 1), **kwargs) == AUTO
    assert decide(T, published=date(2010, 1, 1), **kwargs) == AUTO


def test_per_model_defaults_differ_where_cosines_differ():
    e5, use = default_thresholds("multilingual-e5-small"), default_thresholds("use-multilingual")
    assert e5.auto_dense > use.auto_dense and e5.suggest_dense > use.suggest_dense
    assert 0.75 <= e5.suggest_dense < e5.auto_dense <= 1.0
    assert default_thresholds("/models/e5-finetuned-claims").auto_dense == e5.auto_dense
    assert BandThresholds.from_dict(e5.to_dict()) == e5


def test_threshold_for_precision_picks_the_lowest_safe_cut():
    scores = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5]
    labels = [1, 1, 1, 1, 0, 1, 0, 0]
    assert threshold_for_precision(scores, labels, 1.0, min_positives=3) == 0.8
    assert threshold_for_precision(scores, labels, 0.8, min_positives=3) == 0.7
    assert threshold_for_precision(scores, labels, 0.6, min_positives=3) == 0.5
    assert threshold_for_precision([0.9, 0.8], [0, 0], 0.9, min_positives=0) == NEVER
    assert threshold_for_precision(scores, labels, 0.9, min_positives=10) is None


def test_calibrate_reaches_target_precision_on_its_pairs():
    pairs, scores = [], []
    for i in range(40):
        positive = i % 2 == 0
        s = 0.55 + 0.4 * (i / 40) + (0.1 if positive else 0.0)
        pairs.append(LabelledPair(text=f"post {i}", kb_id="kb", label=int(positive)))
        scores.append(PairScore(fused=s, dense=s, lexical=None))
    base = default_thresholds("use-multilingual")
    out = calibrate(pairs, scores, base=base, auto_precision=0.95, suggest_precision=0.6)
    assert out.source == "calibrated"
    assert out.suggest_fused <= out.auto_fused
    labels = [p.label for p in pairs]
    fused = [s.fused for s in scores]
    assert precision_recall_at(fused, labels, out.auto_fused)[0] >= 0.95
    assert precision_recall_at(fused, labels, out.suggest_fused)[0] >= 0.6
    # no lexical scores: the lexical thresholds stay at the defaults
    assert (out.auto_lexical, out.suggest_lexical) == (base.auto_lexical, base.suggest_lexical)


def test_calibrate_rejects_misaligned_input():
    with pytest.raises(ValueError):
        calibrate([LabelledPair("a", "kb", 1)], [], base=T)
