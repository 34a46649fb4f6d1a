"""Posts, checkpoints, quarantine, matches and queue items in the database: idempotent writes, no Prefect."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipelines.impersonation import display_name_of
from pipelines.records import PostRecord, QuarantinedRecord
from pipelines.scoring import KBInfo, PostToScore, ScoredPost
from saring.db.base import utcnow
from saring.db.tables.collection import (
    FlowRunRecord,
    IssueCluster,
    QuarantinedItem,
    SourceCheckpoint,
)
from saring.db.tables.core import KBItem, Match, Post, QueueItem, Source
from saring.db.tables.media import KBMedia, MediaFile, PostMedia
from saring.media.ingest import with_ocr_text
from saring.media.phash import HashIndex
from saring.media.rows import ensure_media_files

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PreparedPost:
    """A connector's post with its normalised text, language and content hash, ready to store."""

    record: PostRecord
    text_normalised: str
    language: str | None
    content_hash: str


@dataclass(slots=True)
class BatchStats:
    """What one write of a batch did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined_new: int = 0
    quarantined_seen: int = 0

    def __iadd__(self, other: BatchStats) -> BatchStats:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ScoreWriteStats:
    """What one write of scores did."""

    scored: int = 0
    matches: int = 0
    queue_added: int = 0
    queue_updated: int = 0


def content_hash(text: str) -> str:
    """SHA-256 of the text's lower-cased words (``pipelines.dedup``): finds exact copies across sources."""
    from pipelines.dedup import content_hash as canonical_hash

    return canonical_hash(text)


def _insert(session: Session, table: Any):
    """A dialect INSERT that can skip rows hitting a unique constraint (SQLite and PostgreSQL)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no idempotent insert for dialect {name}")


# --- sources and checkpoints --------------------------------------------------------------------


def ensure_source(
    session: Session,
    name: str,
    *,
    kind: str = "unknown",
    location: str | None = None,
    schedule: str | None = None,
    region_tags: Sequence[str] = (),
) -> Source:
    """The source row for a configured source, created or brought up to date."""
    source = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    if source is None:
        session.execute(
            _insert(session, Source)
            .values(
                name=name,
                kind=kind,
                location=location,
                schedule=schedule,
                region_tags=list(region_tags),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["name"])
        )
        source = session.scalars(select(Source).where(Source.name == name)).one()
        return source
    if (source.kind, source.location, source.schedule) != (kind, location, schedule) and kind != "unknown":
        source.kind, source.location, source.schedule = kind, location, schedule
        source.region_tags = list(region_tags)
    return source


def load_cursor(session: Session, source_name: str) -> dict | None:
    """The cursor the last committed batch of this source left, or None for a first run."""
    stmt = (
        select(SourceCheckpoint.cursor)
        .join(Source, Source.id == SourceCheckpoint.source_id)
        .where(Source.name == source_name)
    )
    return session.scalars(stmt).one_or_none()


def save_checkpoint(
    session: Session,
    source: Source,
    cursor: Mapping[str, Any] | None,
    *,
    read: int,
    added: int,
    quarantined: int,
) -> None:
    """Record where the source stopped (call in the transaction that wrote the posts it covers)."""
    checkpoint = session.scalars(
        select(SourceCheckpoint).where(SourceCheckpoint.source_id == source.id)
    ).one_or_none()
    if checkpoint is None:
        checkpoint = SourceCheckpoint(source_id=source.id, records_read=0, posts_added=0, quarantined=0)
        session.add(checkpoint)
    if cursor is not None:
        checkpoint.cursor = dict(cursor)
    checkpoint.records_read = (checkpoint.records_read or 0) + read
    checkpoint.posts_added = (checkpoint.posts_added or 0) + added
    checkpoint.quarantined = (checkpoint.quarantined or 0) + quarantined
    checkpoint.updated_at = utcnow()


# --- posts and quarantine -----------------------------------------------------------------------


def upsert_posts(session: Session, source: Source, posts: Sequence[PreparedPost]) -> BatchStats:
    """Insert new posts (unique source + external id); a changed text updates the post and re-scores it."""
    stats = BatchStats()
    if not posts:
        return stats
    by_id: dict[str, PreparedPost] = {}
    for post in posts:  # the last copy of an id within one batch wins
        by_id[post.record.external_id] = post
    existing = {
        row.external_id: row
        for row in session.execute(
            select(Post.id, Post.external_id, Post.content_hash).where(
                Post.source_id == source.id, Post.external_id.in_(list(by_id))
            )
        )
    }
    now = utcnow()
    new_rows = []
    for external_id, post in by_id.items():
        row = existing.get(external_id)
        if row is None:
            new_rows.append(_post_values(source.id, post, now))
        elif row.content_hash != post.content_hash:
            stored = session.get(Post, row.id)
            _apply(stored, post)
            stored.scored_at = None
            stats.updated += 1
        else:
            stats.unchanged += 1
    if new_rows:
        # a Core insert on the table: one compiled statement for the batch (the ORM's bulk insert
        # compiles one per group of rows with the same None columns, ten times slower here)
        posts_table = Post.__table__
        stmt = (
            _insert(session, posts_table)
            .on_conflict_do_nothing(index_elements=["source_id", "external_id"])
            .returning(posts_table.c.id)
        )
        inserted = len(session.execute(stmt, new_rows).all())
        stats.added += inserted
        stats.unchanged += len(new_rows) - inserted
    return stats


def _post_values(source_id: int, post: PreparedPost, now: datetime) -> dict[str, Any]:
    r = post.record
    return {
        "source_id": source_id,
        "platform": r.platform,
        "external_id": r.external_id,
        "author_handle": r.author_handle,
        "url": r.url,
        "text": r.text,
        "text_normalised": post.text_normalised,
        "language": post.language or r.language,
        "posted_at": _utc(r.posted_at),
        "captured_at": _utc(r.captured_at) or now,
        "engagement": dict(r.engagement or {}),
        "raw": r.raw,
        "content_hash": post.content_hash,
        "scored_at": None,
        "created_at": now,
        "cluster_id": None,
        "ocr_text": r.ocr_text,
    }


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _apply(stored: Post, post: PreparedPost) -> None:
    r = post.record
    stored.platform, stored.author_handle, stored.url = r.platform, r.author_handle, r.url
    stored.text, stored.text_normalised = r.text, post.text_normalised
    stored.language = post.language or r.language
    stored.posted_at = _utc(r.posted_at)
    stored.engagement = dict(r.engagement or {})
    stored.raw, stored.content_hash = r.raw, post.content_hash
    stored.ocr_text = r.ocr_text


def save_post_media(session: Session, source: Source, posts: Sequence[PreparedPost]) -> int:
    """Link each post to its stored images (idempotent; a post's changed images replace its old links)."""
    with_images = {p.record.external_id: p.record for p in posts if p.record.images}
    if not with_images:
        return 0
    media_ids = ensure_media_files(session, (i for r in with_images.values() for i in r.images))
    post_ids = dict(
        session.execute(
            select(Post.external_id, Post.id).where(
                Post.source_id == source.id, Post.external_id.in_(list(with_images))
            )
        )
        .tuples()
        .all()
    )
    rows = []
    for external_id, record in with_images.items():
        post_id = post_ids.get(external_id)
        if post_id is None:
            continue
        keep = [media_ids[i.sha256] for i in record.images]
        session.execute(
            delete(PostMedia).where(PostMedia.post_id == post_id, PostMedia.media_id.not_in(keep))
        )
        for position, image in enumerate(record.images):
            rows.append(
                {
                    "post_id": post_id,
                    "media_id": media_ids[image.sha256],
                    "position": position,
                    "source_ref": image.source_ref or "",
                    "captured_at": _utc(image.captured_at) or utcnow(),
                }
            )
    if rows:
        insert = _insert(session, PostMedia.__table__)
        session.execute(insert.on_conflict_do_nothing(index_elements=["post_id", "media_id"]), rows)
    return len(rows)


def quarantine_records(session: Session, source: Source, records: Iterable[QuarantinedRecord]) -> BatchStats:
    """Keep malformed records aside, one row per source position (seen again: reason and time refreshed)."""
    stats = BatchStats()
    by_position = {r.position: r for r in records}
    if not by_position:
        return stats
    existing = {
        q.position: q
        for q in session.scalars(
            select(QuarantinedItem).where(
                QuarantinedItem.source_id == source.id, QuarantinedItem.position.in_(list(by_position))
            )
        )
    }
    now = utcnow()
    for position, record in by_position.items():
        item = existing.get(position)
        if item is None:
            session.add(
                QuarantinedItem(
                    source_id=source.id,
                    position=position[:300],
                    reason=record.reason,
                    raw=record.raw or "",
                    created_at=now,
                    last_seen_at=now,
                )
            )
            stats.quarantined_new += 1
        else:
            item.reason, item.raw, item.last_seen_at = record.reason, record.raw or "", now
            stats.quarantined_seen += 1
    session.flush()
    return stats


def save_batch(
    session: Session,
    source: Source,
    posts: Sequence[PreparedPost],
    quarantined: Sequence[QuarantinedRecord],
    cursor: Mapping[str, Any] | None,
    *,
    records_read: int | None = None,
) -> BatchStats:
    """Posts, quarantined records and the checkpoint in one transaction (the caller's session)."""
    stats = upsert_posts(session, source, posts)
    save_post_media(session, source, posts)
    stats += quarantine_records(session, source, quarantined)
    read = records_read if records_read is not None else len(posts) + len(quarantined)
    save_checkpoint(session, source, cursor, read=read, added=stats.added, quarantined=stats.quarantined_new)
    return stats


# --- scoring ------------------------------------------------------------------------------------


def unscored_post_ids(session: Session, limit: int | None = None) -> list[int]:
    """Ids of posts not scored yet (new or changed), oldest first."""
    stmt: Select = select(Post.id).where(Post.scored_at.is_(None)).order_by(Post.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def posts_to_score(session: Session, post_ids: Sequence[int]) -> list[PostToScore]:
    """The posts with their cluster's size and platform count, in the order of ``post_ids``."""
    rows = session.execute(
        select(
            Post.id,
            Post.text,
            Post.text_normalised,
            Post.platform,
            Post.posted_at,
            Post.engagement,
            Post.author_handle,
            Post.raw,
            Post.ocr_text,
            IssueCluster.post_count,
            IssueCluster.platform_counts,
        )
        .outerjoin(IssueCluster, IssueCluster.id == Post.cluster_id)
        .where(Post.id.in_(list(post_ids)))
    ).all()
    hashes = post_image_hashes(session, post_ids)
    files = post_image_files(session, post_ids)
    by_id = {}
    for row in rows:
        platforms = row.platform_counts or {}
        by_id[row.id] = PostToScore(
            post_id=row.id,
            text=with_ocr_text(row.text, row.ocr_text),
            text_normalised=row.text_normalised,
            platform=row.platform,
            posted_at=row.posted_at,
            engagement=dict(row.engagement or {}),
            cluster_size=int(row.post_count or 1),
            cluster_platforms=max(1, len([p for p, n in platforms.items() if n])),
            report_count=int(platforms.get("aduan", 0) or (1 if row.platform == "aduan" else 0)),
            author_handle=row.author_handle,
            author_name=display_name_of(row.raw),
            image_hashes=hashes.get(row.id, ()),
            image_files=files.get(row.id, ()),
        )
    return [by_id[i] for i in post_ids if i in by_id]


def _post_media_column(session: Session, post_ids: Sequence[int], column: Any) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    if not post_ids:
        return {}
    rows = session.execute(
        select(PostMedia.post_id, column)
        .join(MediaFile, MediaFile.id == PostMedia.media_id)
        .where(PostMedia.post_id.in_(list(post_ids)))
        .order_by(PostMedia.post_id, PostMedia.position)
    )
    for post_id, value in rows:
        out.setdefault(post_id, []).append(value)
    return {k: tuple(v) for k, v in out.items()}


def post_image_hashes(session: Session, post_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The perceptual hashes of each post's images, in the post's order."""
    return _post_media_column(session, post_ids, MediaFile.phash)


def media_path(relpath: str | None) -> str:
    """Where a stored image's file is (under SARING_HOME/media), "" when the row names none."""
    from saring.config import get_settings

    return str(get_settings().media_dir / relpath) if relpath else ""


def post_image_files(session: Session, post_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The stored files of each post's images, in the post's order (for local image features)."""
    relpaths = _post_media_column(session, post_ids, MediaFile.relpath)
    return {k: tuple(media_path(r) for r in v) for k, v in relpaths.items()}


def image_index(min_agreement: float | None = None) -> HashIndex:
    """An empty image index with the configured local-feature agreement (SARING_IMAGE_MATCH_MIN_AGREEMENT)."""
    from saring.config import get_settings

    agreement = get_settings().image_match_min_agreement if min_agreement is None else min_agreement
    return HashIndex(min_agreement=agreement)


def kb_image_index(session: Session) -> HashIndex:
    """The perceptual hashes (and stored files, for local features) of every image a KB item carries, keyed
    by the item's kb_id."""
    rows = session.execute(
        select(KBItem.kb_id, MediaFile.phash, MediaFile.relpath)
        .join(KBMedia, KBMedia.kb_item_id == KBItem.id)
        .join(MediaFile, MediaFile.id == KBMedia.media_id)
    )
    index = image_index()
    for kb_id, phash, relpath in rows:
        index.add(kb_id, phash, media_path(relpath))
    return index


def kb_info(session: Session, kb_ids: Iterable[str]) -> dict[str, KBInfo]:
    """Verdict, category and title of the given KB items (missing ids are left out)."""
    ids = sorted(set(kb_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(KBItem.kb_id, KBItem.verdict, KBItem.category, KBItem.title).where(KBItem.kb_id.in_(ids))
    )
    return {r.kb_id: KBInfo(verdict=r.verdict, category=r.category, title=r.title or "") for r in rows}


def save_scores(session: Session, scored: Sequence[ScoredPost], *, model_id: str) -> ScoreWriteStats:
    """Matches, queue items (one per post) and ``scored_at`` for a chunk; re-scoring updates in place."""
    stats = ScoreWriteStats()
    if not scored:
        return stats
    post_ids = [s.post_id for s in scored]
    kb_ids = {m.kb_id for s in scored for m in s.matches}
    kb_pk = dict(
        session.execute(select(KBItem.kb_id, KBItem.id).where(KBItem.kb_id.in_(kb_ids))).tuples().all()
    )
    missing = kb_ids - set(kb_pk)
    if missing:
        log.warning(
            "%d matched KB ids are not in the database (index out of date?): %s",
            len(missing),
            ", ".join(sorted(missing)[:5]),
        )

    matches_table, items_table, posts_table = Match.__table__, QueueItem.__table__, Post.__table__
    existing_matches = {
        (row.post_id, row.kb_item_id): row.id
        for row in session.execute(
            select(Match.post_id, Match.kb_item_id, Match.id).where(Match.post_id.in_(post_ids))
        )
    }
    now = utcnow()
    keep: set[tuple[int, int]] = set()
    match_rows = []
    for s in scored:
        for m in s.matches:
            pk = kb_pk.get(m.kb_id)
            if pk is None or (s.post_id, pk) in keep:
                continue
            keep.add((s.post_id, pk))
            match_rows.append(
                {
                    "post_id": s.post_id,
                    "kb_item_id": pk,
                    "rank": m.rank,
                    "score": float(m.score),
                    "dense_score": None if m.dense_score is None else float(m.dense_score),
                    "lexical_score": None if m.lexical_score is None else float(m.lexical_score),
                    "band": m.band,
                    "model_id": model_id,
                    "created_at": now,
                    "probability": m.probability,
                    "p_spreads": m.p_spreads,
                    "stance": m.stance,
                    "evidence": m.evidence,
                    "judge_version": m.judge_version,
                }
            )
    if match_rows:
        upsert = _insert(session, matches_table)
        changing = (
            "rank",
            "score",
            "dense_score",
            "lexical_score",
            "band",
            "model_id",
            "probability",
            "p_spreads",
            "stance",
            "evidence",
            "judge_version",
        )
        upsert = upsert.on_conflict_do_update(
            index_elements=["post_id", "kb_item_id"], set_={c: upsert.excluded[c] for c in changing}
        )
        session.execute(upsert, match_rows)
        stats.matches = len(match_rows)
    stale = [match_id for key, match_id in existing_matches.items() if key not in keep]
    if stale:
        session.execute(delete(matches_table).where(matches_table.c.id.in_(stale)))

    queued_before = set(session.scalars(select(QueueItem.post_id).where(QueueItem.post_id.in_(post_ids))))
    new_items, changed_items = [], []
    for s in scored:
        if s.post_id not in queued_before and not s.queue:
            continue
        best = next((m for m in s.matches if m.known_hoax and m.band != "none"), s.best)
        values = {
            "priority": float(s.priority),
            "band": s.band,
            "best_kb_item_id": kb_pk.get(best.kb_id) if best else None,
            "best_score": float(best.score) if best else None,
            "hoax_probability": None if s.hoax_probability is None else float(s.hoax_probability),
            "model_version": s.model_version,
            "reasons": list(s.reasons),
            "kecamatan": s.kecamatan,
            "category": s.category,
            "updated_at": now,
        }
        if s.post_id in queued_before:
            changed_items.append({"target_post_id": s.post_id, **values})
        else:
            new_items.append(
                {"post_id": s.post_id, "status": "baru", "version_id": 1, "created_at": now, **values}
            )
    if new_items:
        # a concurrent run may have queued the post meanwhile: its item stands
        insert_items = _insert(session, items_table).on_conflict_do_nothing(index_elements=["post_id"])
        stats.queue_added = len(session.execute(insert_items.returning(items_table.c.id), new_items).all())
    if changed_items:
        c = items_table.c
        session.execute(
            update(items_table)
            .where(c.post_id == bindparam("target_post_id"))
            .values(
                priority=bindparam("priority"),
                band=bindparam("band"),
                best_kb_item_id=bindparam("best_kb_item_id"),
                best_score=bindparam("best_score"),
                hoax_probability=bindparam("hoax_probability"),
                model_version=bindparam("model_version"),
                reasons=bindparam("reasons"),
                kecamatan=func.coalesce(bindparam("kecamatan"), c.kecamatan),
                category=func.coalesce(bindparam("category"), c.category),
                updated_at=bindparam("updated_at"),
                version_id=c.version_id + 1,  # the desk's optimistic lock sees the change
            ),
            changed_items,
        )
        stats.queue_updated = len(changed_items)

    session.execute(update(posts_table).where(posts_table.c.id.in_(post_ids)).values(scored_at=now))
    stats.scored = len(scored)
    return stats


# --- reading for the CLI, the demo and tests ----------------------------------------------------


@dataclass(slots=True)
class QueueRow:
    """A queue item as the CLI lists it."""

    queue_item_id: int
    post_id: int
    status: str
    priority: float
    band: str | None
    platform: str
    source: str
    text: str
    best_kb_id: str | None
    hoax_probability: float | None
    reasons: list[str] = field(default_factory=list)


def list_queue(session: Session, *, status: str | None = "baru", limit: int = 20) -> list[QueueRow]:
    """Top queue items by priority (newest first among equals)."""
    stmt = (
        select(QueueItem, Post, Source.name, KBItem.kb_id)
        .join(Post, Post.id == QueueItem.post_id)
        .join(Source, Source.id == Post.source_id)
        .outerjoin(KBItem, KBItem.id == QueueItem.best_kb_item_id)
        .order_by(QueueItem.priority.desc(), QueueItem.id.desc())
        .limit(limit)
    )
    if status:
        stmt = stmt.where(QueueItem.status == status)
    return [
        QueueRow(
            queue_item_id=q.id,
            post_id=p.id,
            status=q.status,
            priority=q.priority,
            band=q.band,
            platform=p.platform,
            source=source_name,
            text=p.text,
            best_kb_id=kb_id,
            hoax_probability=q.hoax_probability,
            reasons=list(q.reasons or []),
        )
        for q, p, source_name, kb_id in session.execute(stmt)
    ]


@dataclass(slots=True)
class QuarantineRow:
    """A quarantined record as the CLI lists it."""

    source: str
    position: str
    reason: str
    raw: str
    created_at: datetime


def list_quarantined(session: Session, *, source: str | None = None, limit: int = 100) -> list[QuarantineRow]:
    """Quarantined records, newest first, optionally of one source."""
    stmt = (
        select(QuarantinedItem, Source.name)
        .join(Source, Source.id == QuarantinedItem.source_id)
        .order_by(QuarantinedItem.created_at.desc(), QuarantinedItem.id.desc())
        .limit(limit)
    )
    if source:
        stmt = stmt.where(Source.name == source)
    return [
        QuarantineRow(source=name, position=q.position, reason=q.reason, raw=q.raw, created_at=q.created_at)
        for q, name in session.execute(stmt)
    ]


def counts(session: Session) -> dict[str, int]:
    """Row counts of the collection and queue tables (for tests, the demo and the benchmark)."""
    tables = {
        "posts": Post,
        "scored": None,
        "matches": Match,
        "queue_items": QueueItem,
        "quarantined": QuarantinedItem,
        "clusters": IssueCluster,
    }
    out: dict[str, int] = {}
    for name, table in tables.items():
        if table is None:
            out[name] = session.scalar(
                select(func.count()).select_from(Post).where(Post.scored_at.is_not(None))
            )
        else:
            out[name] = session.scalar(select(func.count()).select_from(table))
    return out


# --- flow run bookkeeping -----------------------------------------------------------------------


def start_flow_run(
    session: Session, flow: str, target: str | None = None, prefect_run_id: str | None = None
) -> int:
    """Record that a flow run started; returns its id."""
    record = FlowRunRecord(
        flow=flow, target=target, prefect_run_id=prefect_run_id, status="running", stats={}
    )
    session.add(record)
    session.flush()
    return record.id


def finish_flow_run(session: Session, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
    """Record how a flow run ended."""
    record = session.get(FlowRunRecord, run_id)
    if record is not None:
        record.status, record.stats, record.finished_at = status, dict(stats), utcnow()
