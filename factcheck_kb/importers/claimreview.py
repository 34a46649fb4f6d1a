"""schema.org ClaimReview JSON-LD: import (one object, a list, @graph, or JSONL) and export.

Mapping (FactCheck <-> ClaimReview):
  title <-> headline (claimReviewed when there is no headline); claim_text <-> itemReviewed.text (else
  claimReviewed); explanation <-> reviewBody; conclusion <-> reviewRating.ratingExplanation; verdict <->
  reviewRating.alternateName; publisher <-> author (Organization).name; url; published_date <-> datePublished
  (else itemReviewed.datePublished); references <-> citation (+ itemReviewed.appearance/firstAppearance URLs
  on import); category <-> keywords; language <-> inLanguage; kb_id and source <-> identifier PropertyValues
  "saring:kb_id" / "saring:source". The claim's own author has no FactCheck field and is not kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from factcheck_kb.importers._io import Collector, iter_json_values
from factcheck_kb.importers._text import (
    clean,
    normalise_verdict,
    parse_date,
    short_hash,
    text_quality,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "claimreview"
SOURCE = "claimreview"
CONTEXT = "https://schema.org"
_ID_KB, _ID_SOURCE = "saring:kb_id", "saring:source"
UNKNOWN_VERDICT = "Tidak diketahui"  # alternateName is required; this stands for "no verdict recorded"

# Textual verdicts -> the 1 (false) .. 5 (true) scale Google recommends alongside alternateName.
_RATING_VALUE = {
    "SALAH": 1,
    "HOAKS": 1,
    "PENIPUAN": 1,
    "DISINFORMASI": 1,
    "FITNAH": 1,
    "HASUT": 1,
    "MISINFORMASI": 2,
    "MENYESATKAN": 2,
    "BELUM TERBUKTI": 3,
    "BENAR": 5,
}


def is_claimreview(obj: object) -> bool:
    if not isinstance(obj, dict):
        return False
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in kinds or (kind is None and "claimReviewed" in obj)


def matches_json(obj: dict) -> bool:
    return is_claimreview(obj) or any(is_claimreview(item) for item in obj.get("@graph", []) or [])


# ---------------------------------------------------------------- import


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def _name(value: object) -> str:
    value = _first(value)
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("legalName"))
    return clean(value)


def _urls(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("url") or item.get("@id") or item.get("name")
        if text := clean(item):
            urls.append(text)
    return urls


def _identifiers(value: object) -> dict[str, str]:
    items = value if isinstance(value, list) else [value]
    found: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict) and item.get("propertyID") and item.get("value") is not None:
            found[str(item["propertyID"])] = clean(item["value"])
    return found


def _verdict(rating: dict) -> str | None:
    label = clean(rating.get("alternateName") or rating.get("name"))
    return None if not label or label.lower() == UNKNOWN_VERDICT.lower() else normalise_verdict(label)


def from_claimreview(obj: dict, out: Collector | None = None, line: int = 0) -> FactCheck:
    """One ClaimReview object -> FactCheck; a date that does not parse is reported to ``out``, left empty."""
    item = _first(obj.get("itemReviewed")) or {}
    item = item if isinstance(item, dict) else {}
    rating = _first(obj.get("reviewRating")) or {}
    rating = rating if isinstance(rating, dict) else {"alternateName": rating}
    claim_reviewed = clean(obj.get("claimReviewed"))
    title = clean(obj.get("headline") or obj.get("name")) or claim_reviewed
    claim = clean(item.get("text")) or (claim_reviewed if claim_reviewed != title else "")
    explanation = clean(obj.get("reviewBody") or obj.get("description"))
    conclusion = clean(rating.get("ratingExplanation") or rating.get("description"))
    published = None
    try:
        published = parse_date(obj.get("datePublished")) or parse_date(item.get("datePublished"))
    except ValueError as exc:
        if out is not None:
            out.warn_date(line, exc)
    references = _urls(obj.get("citation") or [])
    references += _urls(item.get("firstAppearance") or []) + _urls(item.get("appearance") or [])
    keywords = obj.get("keywords") or obj.get("genre")
    category = ", ".join(clean(k) for k in keywords) if isinstance(keywords, list) else clean(keywords)
    ids = _identifiers(obj.get("identifier"))
    url = clean(obj.get("url")) or None
    kb_id = ids.get(_ID_KB) or f"cr-{short_hash(url or '', claim_reviewed or title)}"
    return FactCheck(
        kb_id=kb_id,
        source=ids.get(_ID_SOURCE) or SOURCE,
        title=title,
        claim_text=claim,
        explanation=explanation,
        conclusion=conclusion,
        url=url,
        publisher=_name(obj.get("author")) or None,
        published_date=published,
        verdict=_verdict(rating),
        category=category or None,
        references=list(dict.fromkeys(references)),
        language=clean(_first(obj.get("inLanguage"))) or "id",
        text_quality=text_quality(title, claim, explanation, conclusion),
        images=_images(obj.get("image")) + _images(item.get("image")),
    )


def _images(value: object) -> list[str]:
    """ClaimReview ``image``: an URL, an ImageObject (``contentUrl`` or ``url``) or a list of them."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("contentUrl") or item.get("url")
        if text := clean(item):
            found.append(text)
    return found


def read(path: str | Path) -> ImportResult:
    """Every ClaimReview in a JSON-LD file; other node types in a @graph are skipped."""
    path = Path(path)
    out = Collector(path)
    for line, value in iter_json_values(path, out.result):
        if not isinstance(value, dict):
            out.error(line, f"expected a JSON object, found {type(value).__name__}")
        elif is_claimreview(value):
            out.add(line, from_claimreview(value, out, line))
        elif "@type" not in value:
            out.error(line, "not a ClaimReview: no @type and no claimReviewed")
    return out.finish()


# ---------------------------------------------------------------- export


def to_claimreview(record: FactCheck, *, context: bool = True) -> dict:
    """FactCheck -> a schema.org ClaimReview dict (Google's required url, claimReviewed, reviewRating)."""
    review: dict = {"@context": CONTEXT} if context else {}
    review["@type"] = "ClaimReview"
    if record.url:
        review["url"] = record.url
    review["claimReviewed"] = record.title or record.claim_text
    if record.title:
        review["headline"] = record.title
    review["identifier"] = [
        {"@type": "PropertyValue", "propertyID": _ID_KB, "value": record.kb_id},
        {"@type": "PropertyValue", "propertyID": _ID_SOURCE, "value": record.source},
    ]
    claim: dict = {"@type": "Claim"}
    if record.claim_text:
        claim["text"] = record.claim_text
    review["itemReviewed"] = claim
    rating: dict = {"@type": "Rating", "alternateName": record.verdict or UNKNOWN_VERDICT}
    if record.verdict in _RATING_VALUE:
        rating.update(ratingValue=_RATING_VALUE[record.verdict], bestRating=5, worstRating=1)
    if record.conclusion:
        rating["ratingExplanation"] = record.conclusion
    review["reviewRating"] = rating
    if record.explanation:
        review["reviewBody"] = record.explanation
    if record.publisher:
        review["author"] = {"@type": "Organization", "name": record.publisher}
    if record.published_date:
        review["datePublished"] = record.published_date.isoformat()
    if record.references:
        review["citation"] = list(record.references)
    if record.category:
        review["keywords"] = record.category
    review["inLanguage"] = record.language
    if record.images:
        review["image"] = [{"@type": "ImageObject", "contentUrl": i} for i in record.images]
    return review


def to_graph(records: Iterable[FactCheck]) -> dict:
    """Many FactChecks as one JSON-LD document with a @graph."""
    return {"@context": CONTEXT, "@graph": [to_claimreview(r, context=False) for r in records]}


def write(records: Iterable[FactCheck], path: str | Path) -> int:
    """Write records as a ClaimReview @graph JSON-LD file; returns how many were written."""
    document = to_graph(records)
    Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(document["@graph"])
