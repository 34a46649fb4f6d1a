"""Core tables: sources, posts, knowledge base, matches, TRC queue, verdicts, clarifications, audit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saring.db.base import Base, utcnow


class Source(Base):
    """A place posts come from (a platform export, a feed, a tipline, manual intake)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    location: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[str | None] = mapped_column(String(100))
    region_tags: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(Base):
    """One public post as captured, with its raw payload kept."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    platform: Mapped[str] = mapped_column(String(30), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    author_handle: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_normalised: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20))
    posted_at: Mapped[datetime | None] = mapped_column(index=True)
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    engagement: Mapped[dict] = mapped_column(default=dict)
    raw: Mapped[dict | None] = mapped_column()
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    scored_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # --- added by migration 0003_collection (flows, issue 4): the issue cluster this post belongs to ---
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("issue_clusters.id"), index=True)
    # --- end of 0003_collection block ---
    #: the text read in the post's images (OCR, migration 0010_media), beside ``text``, never mixed into it
    ocr_text: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()


class KBItem(Base):
    """A fact check or official clarification in the knowledge base."""

    __tablename__ = "kb_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kb_id: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(200))
    published_date: Mapped[date | None] = mapped_column(Date)
    verdict: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text, default="")
    claim_text: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[list] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(20), default="id")
    text_quality: Mapped[str | None] = mapped_column(String(30))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Match(Base):
    """A post's match to a KB item, as the matcher scored it."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("post_id", "kb_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    kb_item_id: Mapped[int] = mapped_column(ForeignKey("kb_items.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    dense_score: Mapped[float | None] = mapped_column(Float)
    lexical_score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    model_id: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the match judge's view (migration 0008); None for matches banded on scores alone
    probability: Mapped[float | None] = mapped_column(Float)
    p_spreads: Mapped[float | None] = mapped_column(Float)
    stance: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[dict | None] = mapped_column()
    judge_version: Mapped[str | None] = mapped_column(String(100))

    kb_item: Mapped[KBItem] = relationship()


class QueueItem(Base):
    """A suspected hoax waiting for the TRC, with the reasons it was raised."""

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_items_status_priority", "status", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    status: Mapped[str] = mapped_column(String(30), default="baru", index=True)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    band: Mapped[str | None] = mapped_column(String(10), index=True)
    best_kb_item_id: Mapped[int | None] = mapped_column(ForeignKey("kb_items.id"))
    best_score: Mapped[float | None] = mapped_column(Float)
    hoax_probability: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[list] = mapped_column(default=list)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # --- added by migration 0004_desk (issue 5): topic and place, for SKPD routing and queue filters ---
    category: Mapped[str | None] = mapped_column(String(100))  # indexed with status+priority: tables/desk.py
    kecamatan: Mapped[str | None] = mapped_column(String(100))
    # --- end of 0004_desk block ---

    post: Mapped[Post] = relationship()
    best_kb_item: Mapped[KBItem | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class Verdict(Base):
    """The TRC's decision on a queue item."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    kb_item_id: Mapped[int | None] = mapped_column(ForeignKey("kb_items.id"))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Clarification(Base):
    """A clarification drafted by comms for a verified hoax."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id"), index=True)
    kb_item_id: Mapped[int | None] = mapped_column(ForeignKey("kb_items.id"))
    label: Mapped[str] = mapped_column(String(30), default="HOAKS")
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # --- added by migration 0005_comms (issue 6): the parts of the message, approval, and its KB entry ---
    verdict: Mapped[str | None] = mapped_column(String(30))
    claim_text: Mapped[str] = mapped_column(Text, default="")
    source_text: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    review_note: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column()
    kb_id: Mapped[str | None] = mapped_column(String(200), index=True)
    index_status: Mapped[str | None] = mapped_column(String(20))
    # --- end of 0005_comms block ---


class AuditLog(Base):
    """Append-only record of who did what, when, with which model and thresholds."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    details: Mapped[dict] = mapped_column(default=dict)
