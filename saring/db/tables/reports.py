"""Tables of citizen reports (issue 14): the report, its reporter kept apart, blocks, and the outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saring.db.base import Base, utcnow


class CitizenReport(Base):
    """One report sent through /lapor; the reported content is a post from source ``aduan``."""

    __tablename__ = "citizen_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    seen_platform: Mapped[str] = mapped_column(String(30))
    link: Mapped[str | None] = mapped_column(Text)
    link_key: Mapped[str | None] = mapped_column(String(64), index=True)
    seen_on: Mapped[date] = mapped_column(Date)
    kecamatan: Mapped[str | None] = mapped_column(String(100))
    desa: Mapped[str | None] = mapped_column(String(100))
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    screenshot_type: Mapped[str | None] = mapped_column(String(20))
    ip_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column()
    answer_verdict: Mapped[str | None] = mapped_column(String(30))


class CitizenReporter(Base):
    """How to answer a report's sender: TRC and admin only, deleted after the retention period."""

    __tablename__ = "citizen_reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("citizen_reports.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    contact: Mapped[str] = mapped_column(String(320))
    contact_hash: Mapped[str] = mapped_column(String(64), index=True)
    consent_at: Mapped[datetime] = mapped_column()
    delete_after: Mapped[datetime] = mapped_column(index=True)


class ReporterBlock(Base):
    """A blocked reporter contact or address (by hash); their reports are refused while active."""

    __tablename__ = "reporter_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    blocked_by: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """One message to send (an answer to a reporter or an alert to the TRC), and how sending went."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(30), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="antre", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizen_reports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column()
