"""Scoring a chunk of posts (no database), in two halves.

:func:`analyse_posts` encodes once, matches and classifies; :func:`prioritise_posts` adds the issue cluster's
spread, priority and reasons. :func:`score_posts` does both in one go.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from pipelines import impersonation
from pipelines.gazetteer import DEFAULT_WEIGHTS, Gazetteer
from pipelines.scoring import (
    KBInfo,
    MatchRow,
    PostToScore,
    ScoredPost,
    ScoringConfig,
    combined_hoax_probability,
    is_known_hoax,
    prior_shift,
    score_one,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StageTimer:
    """Seconds spent per stage, summed over chunks (for the flow's stats and the benchmark)."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def merge(self, other: Mapping[str, float]) -> None:
        for name, value in other.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + float(value)


def encode_posts(encoder: Any, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
    """Query vectors of the posts, encoded once and shared by the matcher and the classifier."""
    kwargs = {"kind": "query"}
    if batch_size:
        kwargs["batch_size"] = batch_size
    return np.asarray(encoder.encode(list(texts), **kwargs), dtype=np.float32)


def query_texts(matcher: Any, texts: Sequence[str]) -> list[str]:
    """The text the matcher embeds for each post (its cleaned query), else the post itself."""
    if matcher is None or not hasattr(matcher, "plan"):
        return list(texts)
    out = []
    for text in texts:
        plan = matcher.plan(text)
        out.append(plan.dense_text if plan.mode in ("hybrid", "dense") and plan.dense_text else text)
    return out


def match_posts(matcher: Any, texts: Sequence[str], *, top_k: int = 3) -> list[list[Any]]:
    """The matcher's ranked results per post (none without a KB index)."""
    if matcher is None:
        return [[] for _ in texts]
    return matcher.match(list(texts), top_k=top_k)


def classify_posts(
    classifier: Any,
    texts: Sequence[str],
    vectors: np.ndarray | None = None,
    *,
    encoder_model_id: str | None = None,
    kb_scores: Sequence[float] | None = None,
) -> np.ndarray | None:
    """Hoax probability per post from the active classifier, or None when there is no model.

    The vectors are handed over only when the classifier's own body is the same encoder (same model id);
    otherwise it encodes the texts itself. ``kb_scores`` (best match score per post) feed models using them.
    """
    if classifier is None:
        return None
    kwargs: dict[str, Any] = {}
    body = getattr(classifier, "encoder", None)
    same_body = (
        body is not None
        and encoder_model_id is not None
        and getattr(body, "model_id", None) == encoder_model_id
    )
    if vectors is not None and same_body and _accepts(classifier.predict_proba, "vectors"):
        kwargs["vectors"] = vectors
    if kb_scores is not None and _accepts(classifier.predict_proba, "kb_scores"):
        kwargs["kb_scores"] = list(kb_scores)
    return _positive_column(classifier.predict_proba(list(texts), **kwargs))


def trained_hoax_rate(classifier: Any) -> float | None:
    """The share of hoaxes the classifier was calibrated on (its card's validation split), if it says."""
    split = getattr(getattr(classifier, "card", None), "validation_split", None) or {}
    labels = split.get("labels") or {}
    hoax, other = labels.get("hoax"), labels.get("not_hoax")
    if not isinstance(hoax, int) or not isinstance(other, int) or hoax + other == 0:
        return None
    return min(max(hoax / (hoax + other), 0.01), 0.99)


def _positive_column(probabilities: Any) -> np.ndarray:
    array = np.asarray(probabilities, dtype=float)
    return array[:, 1] if array.ndim == 2 else array


_ACCEPTS: dict[tuple[int, str], bool] = {}


def _accepts(function: Callable, keyword: str) -> bool:
    import inspect

    key = (id(getattr(function, "__func__", function)), keyword)
    if key not in _ACCEPTS:
        try:
            _ACCEPTS[key] = keyword in inspect.signature(function).parameters
        except (TypeError, ValueError):
            _ACCEPTS[key] = False
    return _ACCEPTS[key]


def to_match_rows(
    results: Iterable[Any], kb: Mapping[str, KBInfo], top_k: int, judge_version: str | None = None
) -> list[MatchRow]:
    """The matcher's results (best first) as rows, each marked known hoax or not from the KB verdict."""
    rows: list[MatchRow] = []
    for position, result in enumerate(list(results)[:top_k], start=1):
        kb_id = str(result.kb_id)
        info = kb.get(kb_id)
        rows.append(
            MatchRow(
                kb_id=kb_id,
                rank=int(getattr(result, "rank", position) or position),
                score=float(result.score),
                band=str(getattr(result, "band", "none") or "none"),
                dense_score=_maybe_float(getattr(result, "dense_score", None)),
                lexical_score=_maybe_float(getattr(result, "lexical_score", None)),
                known_hoax=is_known_hoax(info.verdict if info else None),
                probability=_maybe_float(getattr(result, "probability", None)),
                p_spreads=_maybe_float(getattr(result, "p_spreads", None)),
                stance=getattr(result, "stance", None),
                evidence=getattr(result, "evidence", None),
                judge_version=judge_version if getattr(result, "probability", None) is not None else None,
            )
        )
    return rows


def with_match_thresholds(config: ScoringConfig, matcher: Any) -> ScoringConfig:
    """The config with the matcher's fused (suggest, auto) thresholds, to grade suggestions by score."""
    thresholds = getattr(matcher, "thresholds", None)
    if config.suggest_range is not None or thresholds is None or not hasattr(thresholds, "pair"):
        return config
    auto, suggest = thresholds.pair("fused")
    return replace(config, suggest_range=(float(suggest), float(auto)))


def _searchable(post: PostToScore) -> str:
    """Raw and normalised text: hashtags split by normalisation ("#BanjirKotabaru") name places too."""
    if post.text_normalised and post.text_normalised != post.text:
        return f"{post.text}\n{post.text_normalised}"
    return post.text


def _maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(slots=True)
class Analysis:
    """The encoder-bound half of scoring a chunk: each post's matches and hoax probability (no spread yet).

    Plain data, so a scoring task can hand it to the task that prioritises and writes (another thread, or
    another machine under Dask) once the posts' issue clusters are known.
    """

    post_ids: list[int]
    matches: list[list[MatchRow]]
    #: the one hoax judgement per post: the text signal combined with the judged matches
    probabilities: list[float | None]
    kb: dict[str, KBInfo] = field(default_factory=dict)


def analyse_posts(
    posts: Sequence[PostToScore],
    encoder: Any,
    matcher: Any,
    classifier: Any,
    *,
    kb_lookup: Callable[[set[str]], Mapping[str, KBInfo]] | None = None,
    top_k: int = 3,
    timer: StageTimer | None = None,
    hoax_base_rate: float | None = None,
    image_index: Any = None,
    image_max_distance: int | None = None,
) -> Analysis:
    """Encode the posts once, match them against the KB and classify them.

    ``kb_lookup`` maps matched KB ids to their verdict/category (unknown ids count as known hoaxes);
    ``hoax_base_rate`` moves the classifier's probability from its training share of hoaxes to this one;
    ``image_index`` (a :class:`saring.media.phash.HashIndex` of the KB's images) links posts by image.
    """
    from pipelines.image_matching import image_hits, merge_image_matches
    from saring.media.phash import DEFAULT_MAX_DISTANCE

    timer = timer or StageTimer()
    if not posts:
        return Analysis([], [], [])
    texts = [p.text for p in posts]
    shared = getattr(matcher, "encoder", None) if matcher is not None else None
    shared = shared if hasattr(shared, "remember") else None
    with timer.stage("embed"):
        embed_texts = query_texts(matcher, texts)
        vectors = None
        if encoder is not None:
            vectors = encode_posts(getattr(encoder, "inner", encoder), embed_texts)
            if shared is not None and getattr(shared, "model_id", None) == getattr(encoder, "model_id", None):
                shared.remember(embed_texts, vectors)
    try:
        with timer.stage("match"):
            results = match_posts(matcher, texts, top_k=top_k)
    finally:
        if shared is not None:
            shared.forget()
    with timer.stage("classify"):
        best_scores = [max((float(r.score) for r in per_post), default=0.0) for per_post in results]
        model_id = getattr(encoder, "model_id", None)
        probabilities = classify_posts(
            classifier, texts, vectors, encoder_model_id=model_id, kb_scores=best_scores
        )
    with timer.stage("match"):
        hits = image_hits(posts, image_index, image_max_distance or DEFAULT_MAX_DISTANCE)
        kb_ids = {str(r.kb_id) for per_post in results for r in list(per_post)[:top_k]}
        kb_ids |= {h.key for per_post in hits for h in per_post}
        kb = dict(kb_lookup(kb_ids)) if (kb_lookup and kb_ids) else {}
        judge = getattr(matcher, "judge", None)
        judge_version = getattr(judge, "version", None) if judge is not None else None
        rows = [
            merge_image_matches(to_match_rows(found, kb, top_k, judge_version), found_images, kb, top_k)
            for found, found_images in zip(results, hits, strict=True)
        ]
    if probabilities is None:
        text: list[float | None] = [None] * len(posts)
    else:
        trained = trained_hoax_rate(classifier)
        text = [prior_shift(float(p), trained, hoax_base_rate) for p in probabilities]
    combined = [combined_hoax_probability(t, r) for t, r in zip(text, rows, strict=True)]
    return Analysis([p.post_id for p in posts], rows, combined, kb)


def prioritise_posts(
    posts: Sequence[PostToScore],
    analysis: Analysis,
    matcher: Any = None,
    *,
    gazetteer: Gazetteer | None = None,
    config: ScoringConfig = ScoringConfig(),  # noqa: B008
    model_version: str | None = None,
    now: datetime | None = None,
    timer: StageTimer | None = None,
    registry: Any = None,
) -> list[ScoredPost]:
    """Priority, queue decision and reasons per post from its analysis and its cluster's spread.

    ``posts`` carry the spread as it is now (cluster size and platforms); posts missing from the analysis
    are left out. ``matcher`` only lends its calibrated thresholds to grade suggestions. With a
    ``registry`` (:class:`pipelines.accounts.Registry`) each post also gets its impersonation judgement.
    """
    config = with_match_thresholds(config, matcher)
    timer = timer or StageTimer()
    now = now or datetime.now(UTC)
    position = {post_id: i for i, post_id in enumerate(analysis.post_ids)}
    scored = []
    with timer.stage("prioritise"):
        for post in posts:
            index = position.get(post.post_id)
            if index is None:
                continue
            mentions = gazetteer.mentions(_searchable(post)) if gazetteer is not None else []
            scored.append(
                score_one(
                    post,
                    analysis.matches[index],
                    analysis.probabilities[index],
                    mentions,
                    now=now,
                    config=config,
                    model_version=model_version,
                    kb_info=analysis.kb,
                    local_weights=gazetteer.weights if gazetteer is not None else DEFAULT_WEIGHTS,
                )
            )
            if registry is not None:
                impersonation.judge(scored[-1], post, registry, config)
    return scored


def score_posts(
    posts: Sequence[PostToScore],
    encoder: Any,
    matcher: Any,
    classifier: Any,
    *,
    gazetteer: Gazetteer | None = None,
    kb_lookup: Callable[[set[str]], Mapping[str, KBInfo]] | None = None,
    config: ScoringConfig = ScoringConfig(),  # noqa: B008
    model_version: str | None = None,
    top_k: int = 3,
    now: datetime | None = None,
    timer: StageTimer | None = None,
    registry: Any = None,
) -> list[ScoredPost]:
    """Score a chunk in one go: :func:`analyse_posts`, then :func:`prioritise_posts` with the same posts."""
    timer = timer or StageTimer()
    analysis = analyse_posts(
        posts, encoder, matcher, classifier, kb_lookup=kb_lookup, top_k=top_k, timer=timer
    )
    return prioritise_posts(
        posts,
        analysis,
        matcher,
        gazetteer=gazetteer,
        config=config,
        model_version=model_version,
        now=now,
        timer=timer,
        registry=registry,
    )
