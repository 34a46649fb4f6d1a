"""The merged knowledge base CSV (derived/kb_factchecks_unified.csv); its kb_id is kept as is."""

from __future__ import annotations

from pathlib import Path

from factcheck_kb.importers._io import Collector, iter_csv
from factcheck_kb.importers._text import (
    clean,
    none_if_blank,
    normalise_verdict,
    parse_date,
    split_references,
    text_quality,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "unified"
COLUMNS = (
    "kb_id",
    "source",
    "source_url",
    "published_date",
    "verdict",
    "category",
    "title",
    "claim_text",
    "explanation",
    "conclusion",
    "references",
    "text_quality",
    "komdigi_id",
    "title_key",
)
_REQUIRED = {"kb_id", "source", "title", "claim_text", "explanation"}

# The file's descriptive labels -> the short names used everywhere else.
_QUALITY = {
    "full": "full",
    "headline only": "headline",
    "headline": "headline",
    "claim+title only": "claim_only",
    "claim_only": "claim_only",
    "lowercased title + sastrawi-stemmed body": "stemmed",
    "stemmed": "stemmed",
}

_PUBLISHERS = {
    "turnbackhoax": "MAFINDO (TurnBackHoax)",
    "mafindo": "MAFINDO (TurnBackHoax)",
    "komdigi": "Kementerian Komunikasi dan Digital",
    "covid19.go.id": "Satgas Penanganan COVID-19",
}


def matches_header(columns: list[str]) -> bool:
    return set(columns) >= _REQUIRED and ("title_key" in columns or "text_quality" in columns)


def publisher_for(source: str) -> str | None:
    """'turnbackhoax(zainoor)' -> 'MAFINDO (TurnBackHoax)'."""
    return _PUBLISHERS.get(source.split("(", 1)[0].strip().lower())


def read(path: str | Path) -> ImportResult:
    """Read the unified CSV; rows keep their kb_id and source (e.g. 'turnbackhoax(zainoor)')."""
    path = Path(path)
    out = Collector(path)
    for row in iter_csv(path, out.result):
        kb_id = clean(row.get("kb_id"))
        if not kb_id:
            out.error(row.line, "empty kb_id")
            continue
        source = clean(row.get("source")) or "unified"
        try:
            published = parse_date(row.get("published_date"))
        except ValueError as exc:
            out.warn_date(row.line, exc)
            published = None
        title, claim = clean(row.get("title")), clean(row.get("claim_text"))
        explanation, conclusion = clean(row.get("explanation")), clean(row.get("conclusion"))
        raw_quality = clean(row.get("text_quality")).lower()
        quality = (
            _QUALITY.get(raw_quality) or raw_quality or text_quality(title, claim, explanation, conclusion)
        )
        out.add(
            row.line,
            FactCheck(
                kb_id=kb_id,
                source=source,
                title=title,
                claim_text=claim,
                explanation=explanation,
                conclusion=conclusion,
                url=none_if_blank(row.get("source_url")),
                publisher=publisher_for(source),
                published_date=published,
                verdict=normalise_verdict(row.get("verdict")),
                category=none_if_blank(row.get("category")),
                references=split_references(row.get("references")),
                text_quality=quality,
            ),
        )
    return out.finish()
