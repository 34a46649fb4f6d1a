"""Score one chunk of stored posts and write the results in one transaction (what a score task runs)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from pipelines import store
from pipelines.runtime import ScoringContext, load_context
from pipelines.score import StageTimer, score_posts
from saring.db import session_scope

log = logging.getLogger(__name__)


def unscored_ids(url: str | None = None, limit: int | None = None) -> list[int]:
    """Ids of the posts waiting to be scored."""
    with session_scope(url) as session:
        return store.unscored_post_ids(session, limit)


def score_chunk(
    post_ids: Sequence[int],
    *,
    url: str | None = None,
    context: ScoringContext | None = None,
    now: datetime | None = None,
) -> dict:
    """Encode, match, classify and prioritise the posts; write matches, queue items and ``scored_at``.

    Returns counts and seconds per stage. Posts already scored by a concurrent run are scored again
    (their rows are updated, never duplicated).
    """
    timer = StageTimer()
    context = context or load_context(url=url)
    with timer.stage("load"), session_scope(url) as session:
        posts = store.posts_to_score(session, post_ids)

    def kb_lookup(kb_ids: set[str]):
        with session_scope(url) as lookup_session:
            return store.kb_info(lookup_session, kb_ids)

    scored = score_posts(
        posts,
        context.encoder,
        context.matcher,
        context.classifier,
        gazetteer=context.gazetteer,
        kb_lookup=kb_lookup,
        config=context.config,
        model_version=context.model_version,
        top_k=context.top_k,
        now=now,
        timer=timer,
    )
    with timer.stage("write"), session_scope(url) as session:
        stats = store.save_scores(session, scored, model_id=context.model_id)
    return {
        "posts": len(posts),
        "scored": stats.scored,
        "matches": stats.matches,
        "queue_added": stats.queue_added,
        "queue_updated": stats.queue_updated,
        "auto_linked": sum(1 for s in scored if any(m.band == "auto" and m.known_hoax for m in s.matches)),
        "seconds": dict(timer.seconds),
    }
