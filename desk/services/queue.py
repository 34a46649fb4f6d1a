"""The TRC queue: filtered, priority-ordered rows with what an officer needs to triage at a glance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from desk.services.access import Viewer, require
from desk.services.categories import categories_in_use
from desk.services.decisions import OPEN_STATUSES
from desk.services.routing import priority_tier
from desk.services.timefmt import as_utc
from saring.db.base import utcnow
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import KBItem, Post, QueueItem
from saring.db.tables.desk import Assignment, Skpd

STATUS_FILTERS = {
    "terbuka": "Belum selesai",
    "baru": "Baru",
    "investigasi": "Perlu investigasi",
    "selesai": "Sudah diputuskan",
    "semua": "Semua",
}
BANDS = {"auto": "Cocok otomatis", "suggest": "Perlu dicek", "none": "Tidak ada kecocokan"}
STANCES = {
    "spreads": "menyebarkan klaim",
    "refutes": "membantah / meneruskan klarifikasi",
    "unclear": "belum jelas",
    "unrelated": "tidak terkait",
}
EXCERPT_CHARS = 220
COUNT_CAP = 10_000  # counting further costs time and changes nothing for triage


@dataclass(slots=True)
class QueueFilters:
    """What the officer narrowed the queue to (empty string = any)."""

    status: str = "terbuka"
    platform: str = ""
    category: str = ""
    kecamatan: str = ""
    skpd: str = ""
    band: str = ""
    overdue: bool = False

    def active(self) -> dict[str, str]:
        values = {
            k: getattr(self, k) for k in ("status", "platform", "category", "kecamatan", "skpd", "band")
        }
        if self.overdue:
            values["overdue"] = "1"
        return {k: v for k, v in values.items() if v}


@dataclass(slots=True)
class QueueRow:
    """One line of the queue."""

    item_id: int
    version: int
    status: str
    priority: float
    tier: str
    excerpt: str
    platform: str
    engagement: int
    cluster_size: int
    band: str | None
    best_score: float | None
    best_title: str | None
    best_kb_item_id: int | None
    hoax_probability: float | None
    seen_at: datetime | None
    category: str | None
    kecamatan: str | None
    skpd_name: str | None
    deadline: datetime | None
    overdue: bool


@dataclass(slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    page_size: int
    filters: QueueFilters = field(default_factory=QueueFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, COUNT_CAP) // self.page_size))

    @property
    def capped(self) -> bool:
        """True when there are more than :data:`COUNT_CAP` items (``total`` is then ``COUNT_CAP + 1``)."""
        return self.total > COUNT_CAP


def engagement_total(engagement: dict | None) -> int:
    """Sum of the numeric engagement counters (likes, shares, comments, views are kept apart from views)."""
    if not engagement:
        return 0
    return int(sum(v for k, v in engagement.items() if isinstance(v, int | float) and k != "views"))


def _filtered(query: Select, filters: QueueFilters, viewer: Viewer, now: datetime) -> Select:
    if filters.status == "terbuka" or not filters.status:
        query = query.where(QueueItem.status.in_(OPEN_STATUSES))
    elif filters.status != "semua":
        query = query.where(QueueItem.status == filters.status)
    if filters.platform:
        query = query.where(Post.platform == filters.platform)
    if filters.category:
        query = query.where(QueueItem.category == filters.category)
    if filters.kecamatan:
        query = query.where(QueueItem.kecamatan == filters.kecamatan)
    if filters.band:
        query = query.where(QueueItem.band == filters.band)
    if filters.skpd:
        query = query.where(
            Assignment.skpd_id == select(Skpd.id).where(Skpd.code == filters.skpd).scalar_subquery()
        )
    if filters.overdue:
        query = query.where(
            Assignment.status == "terbuka", Assignment.deadline < now, QueueItem.status != "selesai"
        )
    if viewer.is_pic:
        query = query.where(Assignment.skpd_id == (viewer.skpd_id if viewer.skpd_id is not None else -1))
    return query


def _needs(filters: QueueFilters, viewer: Viewer) -> tuple[bool, bool]:
    """Whether the count needs the posts join and the assignments join."""
    return bool(filters.platform), bool(filters.skpd or filters.overdue or viewer.is_pic)


def _narrowed(query: Select, filters: QueueFilters, viewer: Viewer, now: datetime) -> Select:
    """Add only the joins the filters need (the queue table alone answers most views)."""
    need_post, need_assignment = _needs(filters, viewer)
    if need_post:
        query = query.join(Post, Post.id == QueueItem.post_id)
    if need_assignment:
        query = query.join(Assignment, Assignment.queue_item_id == QueueItem.id)
    return _filtered(query, filters, viewer, now)


def count_queue(
    session: Session,
    filters: QueueFilters,
    viewer: Viewer,
    now: datetime | None = None,
    *,
    cap: int = COUNT_CAP,
) -> int:
    """How many items the filters select, counted up to ``cap + 1`` (more is shown as "cap+")."""
    query = _narrowed(select(QueueItem.id), filters, viewer, now or utcnow()).limit(cap + 1)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def page_ids(
    session: Session, filters: QueueFilters, viewer: Viewer, *, page: int, page_size: int, now: datetime
) -> list[int]:
    """Ids of one page in priority order; sorting ids first keeps the wide joins to 50 rows."""
    query = _narrowed(select(QueueItem.id), filters, viewer, now)
    query = query.order_by(QueueItem.priority.desc(), QueueItem.id.desc())
    return list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)))


def list_queue(
    session: Session,
    filters: QueueFilters,
    viewer: Viewer,
    *,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue, highest priority first."""
    require(viewer, "queue.view")
    now = now or utcnow()
    page = max(1, page)
    ids = page_ids(session, filters, viewer, page=page, page_size=page_size, now=now)
    query = (
        select(
            QueueItem.id,
            QueueItem.version_id,
            QueueItem.status,
            QueueItem.priority,
            QueueItem.band,
            QueueItem.best_score,
            QueueItem.best_kb_item_id,
            QueueItem.hoax_probability,
            QueueItem.category,
            QueueItem.kecamatan,
            QueueItem.created_at,
            Post.platform,
            func.substr(Post.text, 1, EXCERPT_CHARS + 1).label("excerpt"),
            Post.posted_at,
            Post.captured_at,
            Post.engagement,
            IssueCluster.post_count,
            KBItem.title,
            Skpd.name,
            Assignment.deadline,
            Assignment.status.label("followup"),
        )
        .join(Post, Post.id == QueueItem.post_id)
        .outerjoin(IssueCluster, IssueCluster.id == Post.cluster_id)
        .outerjoin(KBItem, KBItem.id == QueueItem.best_kb_item_id)
        .outerjoin(Assignment, Assignment.queue_item_id == QueueItem.id)
        .outerjoin(Skpd, Skpd.id == Assignment.skpd_id)
        .where(QueueItem.id.in_(ids))
    )
    order = {item_id: position for position, item_id in enumerate(ids)}
    rows = []
    for r in sorted(session.execute(query), key=lambda r: order[r.id]) if ids else []:
        deadline = as_utc(r.deadline)
        excerpt = r.excerpt or ""
        rows.append(
            QueueRow(
                item_id=r.id,
                version=r.version_id,
                status=r.status,
                priority=r.priority,
                tier=priority_tier(r.priority),
                excerpt=excerpt[:EXCERPT_CHARS] + ("…" if len(excerpt) > EXCERPT_CHARS else ""),
                platform=r.platform,
                engagement=engagement_total(r.engagement),
                cluster_size=r.post_count or 1,
                band=r.band,
                best_score=r.best_score,
                best_title=r.title,
                best_kb_item_id=r.best_kb_item_id,
                hoax_probability=r.hoax_probability,
                seen_at=as_utc(r.posted_at or r.captured_at),
                category=r.category,
                kecamatan=r.kecamatan,
                skpd_name=r.name,
                deadline=deadline,
                overdue=bool(
                    deadline and r.followup == "terbuka" and r.status != "selesai" and deadline < now
                ),
            )
        )
    total = count_queue(session, filters, viewer, now)
    return QueuePage(rows=rows, total=total, page=page, page_size=page_size, filters=filters)


class Facets:
    """Values for the filter menus, cached briefly (distinct scans over 50k rows are not free)."""

    def __init__(self, ttl_s: float = 60.0):
        self.ttl_s = ttl_s
        self._lock = Lock()
        self._at = 0.0
        self._values: dict[str, list] = {}

    def get(self, session: Session, kecamatan_names: list[str]) -> dict[str, list]:
        with self._lock:
            if self._values and time.monotonic() - self._at < self.ttl_s:
                return self._values
        platforms = sorted(p for p in session.scalars(select(distinct(Post.platform))) if p)
        seen_categories = list(session.scalars(select(distinct(QueueItem.category))))
        seen_kecamatan = [k for k in session.scalars(select(distinct(QueueItem.kecamatan))) if k]
        values = {
            "platforms": platforms,
            "categories": categories_in_use(seen_categories),
            "kecamatan": sorted(set(kecamatan_names) | set(seen_kecamatan)),
            "skpd": [(s.code, s.name) for s in session.scalars(select(Skpd).order_by(Skpd.name))],
            "bands": list(BANDS.items()),
            "statuses": list(STATUS_FILTERS.items()),
        }
        with self._lock:
            self._values, self._at = values, time.monotonic()
        return values

    def clear(self) -> None:
        with self._lock:
            self._values = {}
