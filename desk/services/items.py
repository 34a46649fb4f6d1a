"""Everything about one queue item: the post, its issue cluster, matches, scores, assignment and history."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from desk.services import audit
from desk.services.access import Viewer, load_item, require
from desk.services.assignments import assignment_of, is_overdue
from desk.services.decisions import comments, verdict_history
from desk.services.media import post_images
from desk.services.queue import engagement_total
from desk.services.timefmt import as_utc
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import AuditLog, Match, Post, QueueItem, Verdict
from saring.db.tables.desk import Assignment, Comment

CLUSTER_POSTS_SHOWN = 30


@dataclass(slots=True)
class ClusterView:
    """The issue an item belongs to: other posts and how it spread, per day and platform."""

    cluster: IssueCluster | None
    size: int
    posts: list[tuple[Post, QueueItem | None]] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    timeline: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    peak: int = 1


@dataclass(slots=True)
class ItemDetail:
    """What the item page and the item API show."""

    item: QueueItem
    post: Post
    matches: list[Match]
    cluster: ClusterView
    assignment: Assignment | None
    overdue: bool
    verdicts: list[Verdict]
    comments: list[Comment]
    trail: list[AuditLog]
    in_force: dict[str, Any]
    engagement_total: int
    #: the post's images (issue 12), with their OCR text
    images: list[Any] = field(default_factory=list)


def cluster_view(session: Session, post: Post) -> ClusterView:
    """Other posts of the post's cluster, newest first, and the spread timeline."""
    if post.cluster_id is None:
        day = (as_utc(post.posted_at) or as_utc(post.captured_at)).date()
        return ClusterView(
            cluster=None, size=1, platforms=[post.platform], timeline=[(day, {post.platform: 1})]
        )
    cluster = session.get(IssueCluster, post.cluster_id)
    spread = session.execute(
        select(Post.platform, func.coalesce(Post.posted_at, Post.captured_at)).where(
            Post.cluster_id == post.cluster_id
        )
    ).all()
    per_day: dict[date, Counter] = defaultdict(Counter)
    for platform, seen in spread:
        per_day[as_utc(seen).date()][platform] += 1
    others = session.execute(
        select(Post, QueueItem)
        .outerjoin(QueueItem, QueueItem.post_id == Post.id)
        .where(Post.cluster_id == post.cluster_id, Post.id != post.id)
        .order_by(func.coalesce(Post.posted_at, Post.captured_at).desc())
        .limit(CLUSTER_POSTS_SHOWN)
    ).all()
    timeline = sorted((day, dict(counts)) for day, counts in per_day.items())
    return ClusterView(
        cluster=cluster,
        size=len(spread),
        posts=[(p, q) for p, q in others],
        platforms=sorted({platform for platform, _ in spread}),
        timeline=timeline,
        peak=max((sum(c.values()) for _, c in timeline), default=1),
    )


def item_detail(session: Session, item_id: int, viewer: Viewer) -> ItemDetail:
    """Load one item for display; PICs only see their SKPD's items."""
    require(viewer, "item.view")
    item = load_item(session, item_id, viewer)
    post = item.post
    matches = list(
        session.scalars(
            select(Match)
            .where(Match.post_id == post.id)
            .options(joinedload(Match.kb_item))
            .order_by(Match.rank)
        )
    )
    assignment = assignment_of(session, item.id)
    return ItemDetail(
        item=item,
        post=post,
        matches=matches,
        cluster=cluster_view(session, post),
        assignment=assignment,
        overdue=is_overdue(assignment, item.status),
        verdicts=verdict_history(session, item.id),
        comments=comments(session, item.id),
        trail=audit.trail(session, item.id),
        in_force=audit.models_in_force(session, item),
        engagement_total=engagement_total(post.engagement),
        images=post_images(session, post.id),
    )


def raw_payload(session: Session, item_id: int, viewer: Viewer) -> dict | None:
    """The post's raw payload as captured (shown on demand)."""
    require(viewer, "item.view")
    return load_item(session, item_id, viewer).post.raw


def item_summary(detail: ItemDetail) -> dict[str, Any]:
    """A JSON-ready view of an item, for the API and the evidence pack."""
    item, post = detail.item, detail.post
    return {
        "id": item.id,
        "version": item.version_id,
        "status": item.status,
        "priority": item.priority,
        "band": item.band,
        "best_score": item.best_score,
        "best_kb_item_id": item.best_kb_item_id,
        "hoax_probability": item.hoax_probability,
        "model_version": item.model_version,
        "reasons": item.reasons,
        "category": item.category,
        "kecamatan": item.kecamatan,
        "created_at": as_utc(item.created_at),
        "post": {
            "id": post.id,
            "platform": post.platform,
            "external_id": post.external_id,
            "author_handle": post.author_handle,
            "url": post.url,
            "text": post.text,
            "language": post.language,
            "posted_at": as_utc(post.posted_at),
            "captured_at": as_utc(post.captured_at),
            "engagement": post.engagement,
            "content_hash": post.content_hash,
            "cluster_id": post.cluster_id,
            "ocr_text": post.ocr_text,
            "images": [image.to_dict() for image in detail.images],
        },
        "matches": [
            {
                "kb_item_id": m.kb_item_id,
                "kb_id": m.kb_item.kb_id,
                "rank": m.rank,
                "score": m.score,
                "dense_score": m.dense_score,
                "lexical_score": m.lexical_score,
                "band": m.band,
                "model_id": m.model_id,
                "title": m.kb_item.title,
                "url": m.kb_item.url,
                "verdict": m.kb_item.verdict,
                "publisher": m.kb_item.publisher,
                "published_date": m.kb_item.published_date,
                "image_distance": (m.evidence or {}).get("image_distance"),
            }
            for m in detail.matches
        ],
        "cluster": {
            "id": detail.cluster.cluster.id if detail.cluster.cluster else None,
            "size": detail.cluster.size,
            "platforms": detail.cluster.platforms,
            "timeline": [{"date": d, "counts": c} for d, c in detail.cluster.timeline],
        },
        "assignment": None
        if detail.assignment is None
        else {
            "skpd": detail.assignment.skpd.code,
            "skpd_name": detail.assignment.skpd.name,
            "pic": detail.assignment.pic.username if detail.assignment.pic else None,
            "deadline": as_utc(detail.assignment.deadline),
            "status": detail.assignment.status,
            "overdue": detail.overdue,
            "routed_by": detail.assignment.routed_by,
        },
        "verdicts": [
            {
                "verdict": v.verdict,
                "reason": v.reason,
                "kb_item_id": v.kb_item_id,
                "decided_by": v.decided_by,
                "decided_at": as_utc(v.decided_at),
            }
            for v in detail.verdicts
        ],
        "comments": [
            {"id": c.id, "author": c.author, "body": c.body, "created_at": as_utc(c.created_at)}
            for c in detail.comments
        ],
        "audit": [
            {"id": a.id, "at": as_utc(a.at), "actor": a.actor, "action": a.action, "details": a.details}
            for a in detail.trail
        ],
        "in_force": detail.in_force,
    }
