"""How a fact check becomes indexed text: short dense *views* per item, and one lexical document per item.

Schemes (measured in eval/retrieval.py; see the report there):
- ``multi``: the title; the title with the conclusion; the explanation in sentence-aligned chunks of about
  ``max_words`` words, each prefixed with the title (at most ``max_chunks``); and, for the product index, the
  circulating claim (cleaned of reporting framing). An item scores as its best view.
- ``single``: one long text (title, claim, conclusion, explanation), truncated by the encoder.

For the retrieval benchmark ``include_claim`` is False: the claim is the query and must never be indexed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from factcheck_kb.query_clean import clean_query
from factcheck_kb.records import FactCheck

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_BOILERPLATE = re.compile(
    r"^\s*(?:Pemeriksaan Fakta|Penjelasan|Kesimpulan|Hasil Periksa Fakta[^\n:]*|Narasi)\s*:?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ViewScheme:
    """Parameters of the item-to-text mapping; stored in the index manifest (a change means re-embedding)."""

    name: str = "multi"
    include_claim: bool = True
    max_words: int = 80
    max_chunks: int = 2
    use_conclusion: bool = True
    single_max_words: int = 320

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ViewScheme:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**fields)

    def __post_init__(self) -> None:
        if self.name not in ("multi", "single"):
            raise ValueError(f"unknown view scheme {self.name!r} (multi | single)")


DEFAULT_SCHEME = ViewScheme()


def _words(text: str, limit: int) -> str:
    words = text.split()
    return " ".join(words[:limit])


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


def chunk_text(text: str, max_words: int, max_chunks: int) -> list[str]:
    """Sentence-aligned chunks of at most ``max_words`` words (a longer sentence is cut)."""
    if max_chunks <= 0 or max_words <= 0:
        return []
    sentences = [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        words = sentence.split()
        while words:
            room = max_words - len(current)
            if len(words) <= room:
                current.extend(words)
                words = []
            elif current:
                chunks.append(" ".join(current))
                current = []
            else:
                chunks.append(" ".join(words[:max_words]))
                words = words[max_words:]
            if len(chunks) >= max_chunks:
                return chunks
    if current and len(chunks) < max_chunks:
        chunks.append(" ".join(current))
    return chunks


def item_views(fc: FactCheck, scheme: ViewScheme = DEFAULT_SCHEME) -> list[str]:
    """The texts embedded for one fact check (never empty for an item with any text)."""
    title = _norm(fc.title)
    claim = _words(clean_query(_norm(fc.claim_text)), scheme.max_words) if scheme.include_claim else ""
    conclusion = _BOILERPLATE.sub("", _norm(fc.conclusion))
    explanation = _BOILERPLATE.sub("", (fc.explanation or "").strip())
    if scheme.name == "single":
        body = "" if fc.text_quality == "stemmed" else _norm(explanation)
        parts = [title, claim, conclusion, body]
        text = _words(". ".join(p for p in parts if p), scheme.single_max_words)
        return [text] if text else []

    views: list[str] = []
    if title:
        views.append(title)
    if claim:
        views.append(claim)
    if conclusion and scheme.use_conclusion:
        views.append(_words(f"{title}. {conclusion}" if title else conclusion, scheme.max_words + 20))
    prefix = f"{_words(title, 20)}. " if title else ""
    # Sastrawi-stemmed bodies (komdigi scrape) read badly to an encoder: BM25 indexes them, views skip them.
    chunks = 0 if fc.text_quality == "stemmed" else scheme.max_chunks
    for chunk in chunk_text(explanation, scheme.max_words, chunks):
        views.append(prefix + chunk)
    seen: set[str] = set()
    unique = []
    for view in views:
        key = view.lower()
        if view and key not in seen:
            seen.add(key)
            unique.append(view)
    return unique


def lexical_text(fc: FactCheck, scheme: ViewScheme = DEFAULT_SCHEME) -> str:
    """The one BM25 document of an item: title (twice, as a boost), claim, conclusion, explanation."""
    title = _norm(fc.title)
    parts = [title, title]
    if scheme.include_claim:
        parts.append(clean_query(_norm(fc.claim_text)))
    parts.extend([_norm(fc.conclusion), _norm(fc.explanation)])
    return "\n".join(p for p in parts if p)
