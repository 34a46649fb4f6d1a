"""The knowledge base in the database: idempotent bulk upsert by kb_id, statistics, and reading back."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from factcheck_kb.records import FactCheck
from saring.db.base import utcnow
from saring.db.tables.core import KBItem

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
# Column widths in kb_items; longer values are cut so PostgreSQL accepts them like SQLite does.
_LIMITS = {
    "kb_id": 200,
    "source": 100,
    "publisher": 200,
    "verdict": 50,
    "category": 100,
    "language": 20,
    "text_quality": 30,
}


@dataclass(slots=True, frozen=True)
class UpsertStats:
    """What an upsert did: new kb_ids inserted, changed ones updated, identical ones left alone."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(slots=True)
class KBStats:
    """Counts over the knowledge base."""

    total: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    by_verdict: dict[str, int] = field(default_factory=dict)
    by_text_quality: dict[str, int] = field(default_factory=dict)
    first_date: date | None = None
    last_date: date | None = None
    undated: int = 0


def _row(record: FactCheck, content_hash: str) -> dict:
    values = {
        "kb_id": record.kb_id,
        "source": record.source,
        "url": record.url,
        "publisher": record.publisher,
        "published_date": record.published_date,
        "verdict": record.verdict,
        "category": record.category,
        "title": record.title or "",
        "claim_text": record.claim_text or "",
        "explanation": record.explanation or "",
        "conclusion": record.conclusion or "",
        "references": list(record.references),
        "language": record.language or "id",
        "text_quality": record.text_quality,
        "content_hash": content_hash,
    }
    for name, limit in _LIMITS.items():
        value = values[name]
        if isinstance(value, str) and len(value) > limit:
            log.warning("%s: %s cut to %d characters", record.kb_id, name, limit)
            values[name] = value[:limit]
    return values


def _chunks(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upsert_factchecks(
    session: Session, records: Iterable[FactCheck], *, chunk_size: int = CHUNK_SIZE
) -> UpsertStats:
    """Insert new kb_ids, update those whose content hash changed, leave identical ones; caller commits.

    The existing (kb_id, content_hash) map is read once; inserts and updates go in chunks. When the same kb_id
    appears twice in ``records`` the last one wins.
    """
    latest: dict[str, FactCheck] = {}
    for record in records:
        if record.kb_id in latest:
            log.debug("kb_id %s given twice; keeping the last", record.kb_id)
        latest[record.kb_id] = record
    existing = {
        kb_id: (item_id, digest)
        for kb_id, item_id, digest in session.execute(select(KBItem.kb_id, KBItem.id, KBItem.content_hash))
    }
    now = utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    unchanged = 0
    for kb_id, record in latest.items():
        digest = record.content_hash()
        if kb_id not in existing:
            inserts.append({**_row(record, digest), "created_at": now, "updated_at": now})
        elif existing[kb_id][1] != digest:
            updates.append({**_row(record, digest), "id": existing[kb_id][0], "updated_at": now})
        else:
            unchanged += 1
    for chunk in _chunks(inserts, chunk_size):
        session.execute(insert(KBItem), chunk)
    for chunk in _chunks(updates, chunk_size):
        session.execute(update(KBItem), chunk)  # ORM bulk UPDATE by primary key
    session.flush()
    stats = UpsertStats(inserted=len(inserts), updated=len(updates), unchanged=unchanged)
    log.info(
        "KB upsert: %d inserted, %d updated, %d unchanged", stats.inserted, stats.updated, stats.unchanged
    )
    return stats


def kb_stats(session: Session) -> KBStats:
    """Counts by source, verdict and text quality, and the range of publication dates."""

    def counts(column) -> dict[str, int]:  # noqa: ANN001
        rows = session.execute(select(column, func.count()).group_by(column).order_by(func.count().desc()))
        return {(key if key is not None else "(none)"): n for key, n in rows}

    total = session.scalar(select(func.count()).select_from(KBItem)) or 0
    first, last = session.execute(
        select(func.min(KBItem.published_date), func.max(KBItem.published_date))
    ).one()
    undated = (
        session.scalar(select(func.count()).select_from(KBItem).where(KBItem.published_date.is_(None))) or 0
    )
    return KBStats(
        total=total,
        by_source=counts(KBItem.source),
        by_verdict=counts(KBItem.verdict),
        by_text_quality=counts(KBItem.text_quality),
        first_date=first,
        last_date=last,
        undated=undated,
    )


def iter_kb_items(session: Session, *, batch_size: int = 1000, source: str | None = None) -> Iterator[KBItem]:
    """Every KB item in id order, fetched in batches; optionally only one source."""
    query = select(KBItem).order_by(KBItem.id).execution_options(yield_per=batch_size)
    if source is not None:
        query = query.where(KBItem.source == source)
    yield from session.scalars(query)


def kbitem_to_factcheck(item: KBItem) -> FactCheck:
    """A stored KB item back as the FactCheck it was imported from (same content hash)."""
    return FactCheck(
        kb_id=item.kb_id,
        source=item.source,
        title=item.title or "",
        claim_text=item.claim_text or "",
        explanation=item.explanation or "",
        conclusion=item.conclusion or "",
        url=item.url,
        publisher=item.publisher,
        published_date=item.published_date,
        verdict=item.verdict,
        category=item.category,
        references=list(item.references or []),
        language=item.language or "id",
        text_quality=item.text_quality,
    )


def load_factchecks(session: Session, *, source: str | None = None) -> list[FactCheck]:
    """All KB items as FactChecks, in id order (the order they were first stored)."""
    return [kbitem_to_factcheck(item) for item in iter_kb_items(session, source=source)]


def get_factcheck(session: Session, kb_id: str) -> FactCheck | None:
    """One KB item by kb_id, or None."""
    item = session.scalar(select(KBItem).where(KBItem.kb_id == kb_id))
    return kbitem_to_factcheck(item) if item is not None else None
