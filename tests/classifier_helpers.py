"""Helpers shared by the classifier, registry and retrain-flow tests."""

from __future__ import annotations

from datetime import datetime

from saring.db.tables.core import Post, QueueItem, Source, Verdict


def add_verdict(session, text: str, verdict: str, *, external_id: str, when: datetime) -> Post:
    """A post with a queue item and a TRC verdict (helper shared by the registry and flow tests)."""
    source = session.query(Source).filter_by(name="tes").one_or_none()
    if source is None:
        source = Source(name="tes", kind="manual")
        session.add(source)
        session.flush()
    post = session.query(Post).filter_by(source_id=source.id, external_id=external_id).one_or_none()
    if post is None:
        post = Post(
            source_id=source.id,
            platform="whatsapp",
            external_id=external_id,
            text=text,
            text_normalised=text,
            posted_at=when,
        )
        session.add(post)
        session.flush()
        session.add(QueueItem(post_id=post.id))
        session.flush()
    item = session.query(QueueItem).filter_by(post_id=post.id).one()
    session.add(
        Verdict(queue_item_id=item.id, post_id=post.id, verdict=verdict, decided_by="trc", decided_at=when)
    )
    session.flush()
    return post
