"""Typed records of media: what a source points at, what was stored, and why something was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True, frozen=True)
class MediaRef:
    """One image a source gives with a post: a local file (absolute once a connector resolved it) or a URL.

    ``fetch`` says whether the source's config allows fetching ``url`` (``options.fetch_media``)."""

    path: str | None = None
    url: str | None = None
    kind: str = "image"
    fetch: bool = False
    #: why the entry cannot be used, found while reading the record (quarantined when media are processed)
    problem: str | None = None
    given: str = ""

    @property
    def where(self) -> str:
        return self.path or self.url or self.given

    def to_dict(self) -> dict:
        return {k: v for k, v in (("path", self.path), ("url", self.url), ("kind", self.kind)) if v}


@dataclass(slots=True)
class StoredImage:
    """An image kept once under the media folder by its SHA-256, with its perceptual hash and OCR text."""

    sha256: str
    relpath: str
    mime: str
    width: int
    height: int
    size: int
    phash: str
    source_ref: str = ""
    ocr_text: str = ""
    ocr_seconds: float = 0.0
    captured_at: datetime | None = None


@dataclass(slots=True, frozen=True)
class MediaProblem:
    """A media reference that could not be used (missing, too large, not an image, fetch not allowed)."""

    ref: str
    reason: str


@dataclass(slots=True)
class MediaResult:
    """What processing a post's media gave: the stored images and the problems, in order."""

    images: list[StoredImage] = field(default_factory=list)
    problems: list[MediaProblem] = field(default_factory=list)

    @property
    def ocr_text(self) -> str:
        return "\n\n".join(i.ocr_text for i in self.images if i.ocr_text.strip())
