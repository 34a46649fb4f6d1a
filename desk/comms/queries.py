"""Reading clarifications: one by id, its channel texts and publications, the issue it answers, history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.comms.drafting import cluster_posts
from desk.comms.templates import CHANNELS
from desk.services.access import NotFound
from saring.db.tables.comms import ClarificationVariant, Publication
from saring.db.tables.core import AuditLog, Clarification, Post, QueueItem


def get_clarification(session: Session, clarification_id: int) -> Clarification:
    clarification = session.get(Clarification, clarification_id)
    if clarification is None:
        raise NotFound(f"clarification {clarification_id}")
    return clarification


def variants_of(session: Session, clarification_id: int) -> dict[str, ClarificationVariant]:
    rows = session.scalars(
        select(ClarificationVariant).where(ClarificationVariant.clarification_id == clarification_id)
    )
    by_channel = {r.channel: r for r in rows}
    return {c: by_channel[c] for c in CHANNELS if c in by_channel}


def publications_of(session: Session, clarification_id: int) -> dict[str, Publication]:
    rows = session.scalars(select(Publication).where(Publication.clarification_id == clarification_id))
    by_channel = {r.channel: r for r in rows}
    return {c: by_channel[c] for c in CHANNELS if c in by_channel}


def clarification_for_item(session: Session, item_id: int) -> Clarification | None:
    """The clarification covering an item: its own, or one made for another item of the same issue."""
    item = session.get(QueueItem, item_id)
    if item is None:
        return None
    ids = [
        q.id
        for q in session.scalars(
            select(QueueItem).where(QueueItem.post_id.in_([p.id for p in cluster_posts(session, item.post)]))
        )
    ]
    return session.scalar(
        select(Clarification)
        .where(Clarification.queue_item_id.in_(ids or [item_id]))
        .order_by(Clarification.id)
        .limit(1)
    )


def hoax_posts(session: Session, clarification: Clarification) -> list[Post]:
    """The posts the clarification answers (the item's whole issue)."""
    if clarification.queue_item_id is None:
        return []
    item = session.get(QueueItem, clarification.queue_item_id)
    return cluster_posts(session, item.post) if item is not None else []


def trail(session: Session, clarification_id: int) -> list:
    """Every audit row about one clarification, oldest first."""
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.entity_type == "clarification", AuditLog.entity_id == str(clarification_id))
            .order_by(AuditLog.at, AuditLog.id)
        )
    )
