"""Registry of the Pemda's official accounts and contacts, and the impersonation flag of a post (issue 13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saring.db.base import Base, utcnow


class OfficialAccount(Base):
    """One registered account or contact of an SKPD or an official (unique per platform and handle)."""

    __tablename__ = "official_accounts"
    __table_args__ = (Index("ix_official_accounts_platform_handle", "platform", "handle", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skpd: Mapped[str] = mapped_column(String(50), index=True)
    skpd_name: Mapped[str] = mapped_column(String(200), default="")
    official_name: Mapped[str] = mapped_column(String(200), default="")
    official_title: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(30))
    handle: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    profile_url: Mapped[str] = mapped_column(Text, default="")
    phones: Mapped[list] = mapped_column(default=list)
    domains: Mapped[list] = mapped_column(default=list)
    payment_accounts: Mapped[list] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(100), default="sistem")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImpersonationFlag(Base):
    """A post judged to come from an account or number imitating a registered one, with its signals."""

    __tablename__ = "impersonation_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    probability: Mapped[float] = mapped_column(Float)
    imitates_id: Mapped[int | None] = mapped_column(
        ForeignKey("official_accounts.id", ondelete="SET NULL"), index=True
    )
    imitates_label: Mapped[str] = mapped_column(String(300), default="")
    skpd: Mapped[str | None] = mapped_column(String(50))
    signals: Mapped[list] = mapped_column(default=list)
    numbers: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    imitates: Mapped[OfficialAccount | None] = relationship()
