"""Tables of the registry part (added by its own migration): model versions and their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saring.db.base import Base, utcnow


class ModelVersion(Base):
    """One trained classifier: its folder in the registry, data snapshot, metrics and who trained it."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    parent_version: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    encoder: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="candidate", index=True)
    data_snapshot: Mapped[dict] = mapped_column(default=dict)
    metrics: Mapped[dict] = mapped_column(default=dict)
    validation_split: Mapped[str] = mapped_column(String(100))
    validation_macro_f1: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float, default=0.5)
    trained_by: Mapped[str] = mapped_column(String(100))
    trained_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class ModelEvent(Base):
    """What happened to versions: registered, promoted, refused, forced, rolled back, retrain decisions."""

    __tablename__ = "model_events"
    __table_args__ = (Index("ix_model_events_version_at", "version", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[str | None] = mapped_column(String(100))
    previous_version: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(default=dict)
