"""The one record type for a fact check or official clarification, and import error reports."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(slots=True)
class FactCheck:
    """A fact check / clarification as imported; ``kb_id`` is the id it was imported with."""

    kb_id: str
    source: str
    title: str = ""
    claim_text: str = ""
    explanation: str = ""
    conclusion: str = ""
    url: str | None = None
    publisher: str | None = None
    published_date: date | None = None
    verdict: str | None = None
    category: str | None = None
    references: list[str] = field(default_factory=list)
    language: str = "id"
    text_quality: str | None = None
    #: images the fact check carries (ClaimReview ``image``, a clarification's card): paths or URLs, as
    #: given; stored and hashed on import, never part of the text index
    images: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        """Hash of everything that matters for indexing and display; changes mean re-embedding."""
        payload = asdict(self)
        payload.pop("images", None)  # images do not change what is embedded
        payload["published_date"] = self.published_date.isoformat() if self.published_date else None
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @property
    def has_text(self) -> bool:
        return any(part.strip() for part in (self.title, self.claim_text, self.explanation, self.conclusion))


@dataclass(slots=True, frozen=True)
class RowError:
    """A row that could not be imported: where it is and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(slots=True)
class ImportResult:
    """What an importer read: the good records and every bad row."""

    records: list[FactCheck] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
