"""Tables of images (issue 12): each file once by SHA-256, and which posts and fact checks carry it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saring.db.base import Base, utcnow


class MediaFile(Base):
    """An image kept once under the media folder, with its perceptual hash and the text read in it."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    relpath: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    #: 256-bit pHash of each view of the image (saring.media.phash), hex, joined by ``:``
    phash: Mapped[str] = mapped_column(String(300))
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostMedia(Base):
    """An image on a post, in the post's order, with where the source said it was and when it was kept."""

    __tablename__ = "post_media"
    __table_args__ = (UniqueConstraint("post_id", "media_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source_ref: Mapped[str] = mapped_column(Text, default="")
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)


class KBMedia(Base):
    """An image a fact check or clarification carries (ClaimReview ``image``, the comms card)."""

    __tablename__ = "kb_media"
    __table_args__ = (UniqueConstraint("kb_item_id", "media_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kb_item_id: Mapped[int] = mapped_column(ForeignKey("kb_items.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"), index=True)
    source_ref: Mapped[str] = mapped_column(Text, default="")
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
