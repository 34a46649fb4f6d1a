"""Typed records that flow through collection and scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from saring.media.records import MediaRef, StoredImage


@dataclass(slots=True)
class PostRecord:
    """One public post as a connector yields it (before it is stored)."""

    source: str
    platform: str
    external_id: str
    text: str
    author_handle: str | None = None
    url: str | None = None
    language: str | None = None
    posted_at: datetime | None = None
    captured_at: datetime | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    raw: dict | None = None
    #: images the source gave with the post (issue 12); ``images`` once read, stored and OCR'd
    media: list[MediaRef] = field(default_factory=list)
    images: list[StoredImage] = field(default_factory=list)
    #: the text read in the post's images (OCR), kept beside ``text``, never mixed into it
    ocr_text: str | None = None


@dataclass(slots=True, frozen=True)
class QuarantinedRecord:
    """A malformed input record: its source, position and the reason, kept for the CLI to show."""

    source: str
    position: str
    reason: str
    raw: str = ""
