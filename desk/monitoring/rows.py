"""Read the rows the monitoring metrics need from the database (one cohort: items queued in a period)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.monitoring.metrics import AssignmentRow, ClarificationRow, ItemRow, split_engagement
from desk.services.categories import CATEGORIES
from desk.services.timefmt import as_utc
from saring.db.tables.comms import Publication
from saring.db.tables.core import AuditLog, Clarification, Post, QueueItem, Verdict
from saring.db.tables.desk import Assignment

PLATFORM_LABELS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "twitter": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "whatsapp": "WhatsApp",
    "web": "Situs web",
    "telegram": "Telegram",
    "tipline": "Aduan warga",
}
UNDECIDED = "perlu_investigasi"


@dataclass(slots=True)
class Cohort:
    """Rows of one period, ready for :func:`desk.monitoring.metrics.compute`."""

    items: list[ItemRow]
    assignments: list[AssignmentRow]
    clarifications: list[ClarificationRow]
    start_utc: datetime
    end_utc: datetime


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at the start and after the (inclusive) end day."""
    low = datetime.combine(start, time(0), tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(0), tz).astimezone(UTC)
    return low, high


def _publication_reach(publication: Publication) -> tuple[int | None, int | None]:
    views, interactions = split_engagement(publication.engagement)
    reach = publication.reach if publication.reach is not None else (views or None)
    return reach, (interactions if publication.engagement else None)


def _sum_known(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _first_publications(session: Session) -> dict[int, datetime]:
    """Clarification id -> its first publication time."""
    first: dict[int, datetime] = {}
    for clarification_id, published_at in session.execute(
        select(Publication.clarification_id, Publication.published_at)
    ):
        moment = as_utc(published_at)
        if clarification_id not in first or moment < first[clarification_id]:
            first[clarification_id] = moment
    return first


def _coverage(
    session: Session, first: dict[int, datetime]
) -> tuple[dict[int, datetime], dict[int, datetime]]:
    """Earliest publication per issue cluster and per queue item (for clarifications of unclustered items)."""
    by_cluster: dict[int, datetime] = {}
    by_item: dict[int, datetime] = {}
    rows = session.execute(
        select(Clarification.id, Clarification.queue_item_id, Post.cluster_id)
        .join(QueueItem, QueueItem.id == Clarification.queue_item_id)
        .join(Post, Post.id == QueueItem.post_id)
    )
    for clarification_id, item_id, cluster_id in rows:
        moment = first.get(clarification_id)
        if moment is None:
            continue
        target, key = (by_cluster, cluster_id) if cluster_id is not None else (by_item, item_id)
        if key not in target or moment < target[key]:
            target[key] = moment
    return by_cluster, by_item


def _done_times(session: Session, item_ids: list[int]) -> dict[int, datetime]:
    """Item id -> when its follow-up was last marked done (from the audit trail)."""
    done: dict[int, datetime] = {}
    if not item_ids:
        return done
    rows = session.scalars(
        select(AuditLog).where(
            AuditLog.action == "item.followup",
            AuditLog.entity_type == "queue_item",
            AuditLog.entity_id.in_([str(i) for i in item_ids]),
        )
    )
    for row in rows:
        after = (row.details or {}).get("after") or {}
        if after.get("status") == "ditindaklanjuti":
            item_id, moment = int(row.entity_id), as_utc(row.at)
            if item_id not in done or moment > done[item_id]:
                done[item_id] = moment
    return done


def load_cohort(session: Session, start: date, end: date, tz: ZoneInfo) -> Cohort:
    """Items queued between local days ``start`` and ``end`` (inclusive) and everything that followed them."""
    low, high = period_bounds(start, end, tz)
    pairs = session.execute(
        select(QueueItem, Post)
        .join(Post, Post.id == QueueItem.post_id)
        .where(QueueItem.created_at >= low, QueueItem.created_at < high)
        .order_by(QueueItem.id)
    ).all()
    item_ids = [item.id for item, _ in pairs]
    verdicts: dict[int, list[Verdict]] = defaultdict(list)
    assignments: dict[int, Assignment] = {}
    if item_ids:
        for v in session.scalars(
            select(Verdict).where(Verdict.queue_item_id.in_(item_ids)).order_by(Verdict.id)
        ):
            verdicts[v.queue_item_id].append(v)
        for a in session.scalars(select(Assignment).where(Assignment.queue_item_id.in_(item_ids))):
            assignments[a.queue_item_id] = a
    first = _first_publications(session)
    by_cluster, by_item = _coverage(session, first)
    items: list[ItemRow] = []
    for item, post in pairs:
        decided = [v for v in verdicts.get(item.id, []) if v.verdict != UNDECIDED]
        latest = decided[-1] if decided else None
        covered = [
            t
            for t in (
                by_cluster.get(post.cluster_id) if post.cluster_id is not None else None,
                by_item.get(item.id),
            )
            if t is not None
        ]
        assignment = assignments.get(item.id)
        items.append(
            ItemRow(
                item_id=item.id,
                platform=post.platform,
                flagged_at=as_utc(item.created_at),
                posted_at=as_utc(post.posted_at),
                category=item.category,
                kecamatan=item.kecamatan,
                skpd=assignment.skpd.name if assignment is not None else None,
                band=item.band,
                best_kb_item_id=item.best_kb_item_id,
                first_verdict_at=min(as_utc(v.decided_at) for v in decided) if decided else None,
                verdict=latest.verdict if latest else None,
                verdict_kb_item_id=latest.kb_item_id if latest else None,
                clarified_at=min(covered) if covered else None,
            )
        )
    done = _done_times(session, list(assignments))
    assignment_rows = []
    for item_id, a in sorted(assignments.items()):
        done_at = None
        if a.status == "ditindaklanjuti":
            done_at = done.get(item_id) or as_utc(a.updated_at)
        assignment_rows.append(
            AssignmentRow(item_id=item_id, skpd=a.skpd.name, deadline=as_utc(a.deadline), done_at=done_at)
        )
    return Cohort(items, assignment_rows, _clarification_rows(session, first, low, high), low, high)


def _clarification_rows(
    session: Session, first: dict[int, datetime], low: datetime, high: datetime
) -> list[ClarificationRow]:
    from desk.comms.queries import hoax_posts, publications_of

    rows = []
    for clarification_id, moment in sorted(first.items()):
        if not low <= moment < high:
            continue
        clarification = session.get(Clarification, clarification_id)
        publications = publications_of(session, clarification_id)
        reach = [_publication_reach(p) for p in publications.values()]
        posts = hoax_posts(session, clarification)
        views = interactions = 0
        for post in posts:
            v, i = split_engagement(post.engagement)
            views, interactions = views + v, interactions + i
        rows.append(
            ClarificationRow(
                clarification_id=clarification_id,
                title=clarification.title,
                label=clarification.label,
                first_published_at=moment,
                channels=list(publications),
                reach=_sum_known([r for r, _ in reach]),
                interactions=_sum_known([i for _, i in reach]),
                hoax_posts=len(posts),
                hoax_reach=views,
                hoax_interactions=interactions,
            )
        )
    return rows


def labels() -> dict[str, dict[str, str]]:
    """Display names of platforms and categories."""
    return {"platform": dict(PLATFORM_LABELS), "category": dict(CATEGORIES)}
