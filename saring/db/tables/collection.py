"""Tables of the collection part: source checkpoints, quarantine, issue clusters, LSH state, flow runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saring.db.base import Base, utcnow
from saring.db.tables.core import Source


class SourceCheckpoint(Base):
    """Where collection from one source stopped; written in the same transaction as the posts it covers."""

    __tablename__ = "source_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), unique=True)
    cursor: Mapped[dict | None] = mapped_column()
    records_read: Mapped[int] = mapped_column(Integer, default=0)
    posts_added: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship()


class QuarantinedItem(Base):
    """A malformed input record kept aside with its source, position and reason (one row per position)."""

    __tablename__ = "quarantined_records"
    __table_args__ = (UniqueConstraint("source_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    position: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship()


class IssueCluster(Base):
    """One issue: a cluster of near-identical posts, with its spread across platforms."""

    __tablename__ = "issue_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_post_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime | None] = mapped_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(index=True)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    platform_counts: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LSHState(Base):
    """The near-duplicate index (MinHash LSH) as a blob, saved with the cluster links it produced."""

    __tablename__ = "lsh_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FlowRunRecord(Base):
    """Bookkeeping of one collect/score/watch run: what it did, for the CLI and the desk."""

    __tablename__ = "flow_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    prefect_run_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="running")
    stats: Mapped[dict] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
