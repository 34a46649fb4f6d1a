"""Tables of the comms part: versioned message templates, per-channel clarification texts, publications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saring.db.base import Base, utcnow


class ClarificationTemplate(Base):
    """One version of the message template of a channel; exactly one version per channel is active."""

    __tablename__ = "clarification_templates"
    __table_args__ = (UniqueConstraint("channel", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClarificationVariant(Base):
    """The text of a clarification for one channel (X keeps its thread parts too)."""

    __tablename__ = "clarification_variants"
    __table_args__ = (UniqueConstraint("clarification_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clarification_id: Mapped[int] = mapped_column(
        ForeignKey("clarifications.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[list] = mapped_column(default=list)
    template_version: Mapped[int | None] = mapped_column(Integer)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Publication(Base):
    """A clarification as posted on one channel: where, when, and its last reach/engagement snapshot."""

    __tablename__ = "clarification_publications"
    __table_args__ = (UniqueConstraint("clarification_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clarification_id: Mapped[int] = mapped_column(
        ForeignKey("clarifications.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(index=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reach: Mapped[int | None] = mapped_column(Integer)
    engagement: Mapped[dict] = mapped_column(default=dict)
    measured_at: Mapped[datetime | None] = mapped_column()
