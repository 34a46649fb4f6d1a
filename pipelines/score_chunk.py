"""Score one chunk of stored posts (what the score tasks run), in two steps.

:func:`analyse_chunk` is the encoder-bound half: load the posts, encode, match, classify. It does not need the
posts' issue clusters, so it can run while clustering is still going on. :func:`finish_chunk` reads each
post's cluster spread as it is now, prioritises, and writes matches, queue items and ``scored_at`` in one
transaction. :func:`score_chunk` does both at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from pipelines import account_store, store
from pipelines.runtime import ScoringContext, load_context
from pipelines.score import Analysis, StageTimer, analyse_posts, prioritise_posts
from saring.db import session_scope

log = logging.getLogger(__name__)


class ChunkAnalysis:
    """A chunk's analysis and its seconds per stage, handed from the analysing task to the finishing one.

    Deliberately not a dataclass: Prefect walks dataclass task parameters field by field looking for futures
    (about 20 ms for a chunk of 256 posts' match rows); a plain object it passes on as it is.
    """

    __slots__ = ("analysis", "seconds")

    def __init__(self, analysis: Analysis, seconds: dict[str, float] | None = None) -> None:
        self.analysis = analysis
        self.seconds = dict(seconds or {})


def unscored_ids(url: str | None = None, limit: int | None = None) -> list[int]:
    """Ids of the posts waiting to be scored."""
    with session_scope(url) as session:
        return store.unscored_post_ids(session, limit)


def analyse_chunk(
    post_ids: Sequence[int], *, url: str | None = None, context: ScoringContext | None = None
) -> ChunkAnalysis:
    """Encode, match and classify the posts (nothing is written)."""
    timer = StageTimer()
    context = context or load_context(url=url)
    with timer.stage("load"), session_scope(url) as session:
        posts = store.posts_to_score(session, post_ids)
        images = store.kb_image_index(session) if any(p.image_hashes for p in posts) else None

    def kb_lookup(kb_ids: set[str]):
        with session_scope(url) as lookup_session:
            return store.kb_info(lookup_session, kb_ids)

    analysis = analyse_posts(
        posts,
        context.encoder,
        context.matcher,
        context.classifier,
        kb_lookup=kb_lookup,
        top_k=context.top_k,
        timer=timer,
        hoax_base_rate=context.config.hoax_base_rate,
        image_index=images,
        image_max_distance=context.image_max_distance,
    )
    return ChunkAnalysis(analysis, dict(timer.seconds))


def finish_chunk(
    analysed: ChunkAnalysis,
    *,
    url: str | None = None,
    context: ScoringContext | None = None,
    now: datetime | None = None,
) -> dict:
    """Prioritise the analysed posts with their cluster spread as it is now; write the chunk's results.

    Returns counts and seconds per stage (the analysis's included). Posts already scored by a concurrent
    run are scored again (their rows are updated, never duplicated).
    """
    timer = StageTimer()
    timer.merge(analysed.seconds)
    context = context or load_context(url=url)
    with timer.stage("load"), session_scope(url) as session:
        posts = store.posts_to_score(session, analysed.analysis.post_ids)
    scored = prioritise_posts(
        posts,
        analysed.analysis,
        context.matcher,
        gazetteer=context.gazetteer,
        config=context.config,
        model_version=context.model_version,
        now=now,
        timer=timer,
        registry=context.registry,
    )
    with timer.stage("write"), session_scope(url) as session:
        stats = store.save_scores(session, scored, model_id=context.model_id)
        flagged = account_store.save_flags(session, scored) if context.registry is not None else 0
    return {
        "posts": len(posts),
        "scored": stats.scored,
        "matches": stats.matches,
        "queue_added": stats.queue_added,
        "queue_updated": stats.queue_updated,
        "impersonation_flagged": flagged,
        "auto_linked": sum(1 for s in scored if any(m.band == "auto" and m.known_hoax for m in s.matches)),
        "seconds": dict(timer.seconds),
    }


def score_chunk(
    post_ids: Sequence[int],
    *,
    url: str | None = None,
    context: ScoringContext | None = None,
    now: datetime | None = None,
) -> dict:
    """Analyse and finish the chunk at once (its posts must already be clustered)."""
    context = context or load_context(url=url)
    return finish_chunk(analyse_chunk(post_ids, url=url, context=context), url=url, context=context, now=now)
