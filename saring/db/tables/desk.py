"""Desk tables: accounts, sessions, SKPD, routing, assignments, comments; the audit log stays append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from saring.db.base import Base, utcnow
from saring.db.tables.core import AuditLog, QueueItem


class Skpd(Base):
    """A regional government office (Satuan Kerja Perangkat Daerah) that follows up routed items."""

    __tablename__ = "skpd"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A desk account; ``role`` is one of admin, trc, analyst, comms, pic (a PIC belongs to one SKPD)."""

    __tablename__ = "desk_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpd.id"))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    skpd: Mapped[Skpd | None] = relationship()


class DeskSession(Base):
    """A server-side login session; the cookie carries a random token, only its SHA-256 is stored."""

    __tablename__ = "desk_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One login try, kept for rate limiting per IP and username."""

    __tablename__ = "desk_login_attempts"
    __table_args__ = (Index("ix_desk_login_attempts_ip_username_at", "ip", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(100))
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RoutingRule(Base):
    """Category and/or kecamatan -> responsible SKPD, with follow-up hours per priority tier."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_category_kecamatan", "category", "kecamatan", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str | None] = mapped_column(String(100))
    kecamatan: Mapped[str | None] = mapped_column(String(100))
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpd.id"))
    hours_high: Mapped[int] = mapped_column(Integer, default=6)
    hours_medium: Mapped[int] = mapped_column(Integer, default=24)
    hours_low: Mapped[int] = mapped_column(Integer, default=72)
    updated_by: Mapped[str] = mapped_column(String(100), default="sistem")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    skpd: Mapped[Skpd] = relationship()


class Assignment(Base):
    """The SKPD (and optionally the PIC) responsible for a queue item's follow-up, with a deadline."""

    __tablename__ = "assignments"
    # Covering (SKPD -> items): the SKPD filter and a PIC's queue never read the assignment rows themselves.
    __table_args__ = (Index("ix_assignments_skpd_item", "skpd_id", "queue_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), unique=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpd.id"))
    pic_user_id: Mapped[int | None] = mapped_column(ForeignKey("desk_users.id"))
    deadline: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="terbuka")
    routed_by: Mapped[str] = mapped_column(String(100), default="sistem")
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    skpd: Mapped[Skpd] = relationship()
    pic: Mapped[User | None] = relationship()


class Comment(Base):
    """A note by an officer on a queue item."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Queue filters sort by priority within a status; these let the database read one page without sorting it all.
Index("ix_queue_items_category_status_priority", QueueItem.category, QueueItem.status, QueueItem.priority)
Index("ix_queue_items_kecamatan_status_priority", QueueItem.kecamatan, QueueItem.status, QueueItem.priority)
Index("ix_queue_items_band_status_priority", QueueItem.band, QueueItem.status, QueueItem.priority)
Index("ix_assignments_status_deadline_item", Assignment.status, Assignment.deadline, Assignment.queue_item_id)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


@event.listens_for(AuditLog, "before_update")
def _refuse_audit_update(_mapper, _connection, target) -> None:  # noqa: ANN001
    raise AuditLogIsAppendOnly(f"audit_log row {target.id} cannot be changed")


@event.listens_for(AuditLog, "before_delete")
def _refuse_audit_delete(_mapper, _connection, target) -> None:  # noqa: ANN001
    raise AuditLogIsAppendOnly(f"audit_log row {target.id} cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state) -> None:  # noqa: ANN001
    """Bulk ``update(AuditLog)`` / ``delete(AuditLog)`` bypass the mapper events; stop them here."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) == AuditLog.__tablename__:
        raise AuditLogIsAppendOnly("audit_log is append-only")
