"""The Pemda's own clarifications: one built in code, or a batch file (CSV, JSON or JSONL).

Batch columns / keys: title, claim, facts (required, at least one with text), and optionally id, conclusion,
verdict (default HOAKS), date, url, references (' | ' or newline separated, or a JSON list), category,
kabupaten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from factcheck_kb.importers._io import Collector, iter_csv, iter_json_values
from factcheck_kb.importers._text import (
    clean,
    none_if_blank,
    normalise_verdict,
    parse_date,
    slugify,
    split_references,
    text_quality,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "pemda"
SOURCE = "pemda"
COLUMNS = (
    "id",
    "title",
    "claim",
    "facts",
    "conclusion",
    "verdict",
    "date",
    "url",
    "references",
    "category",
    "kabupaten",
)
_REQUIRED = {"title", "claim", "facts"}


def matches_header(columns: list[str]) -> bool:
    return set(columns) >= _REQUIRED


def matches_json(obj: dict) -> bool:
    return set(obj) >= _REQUIRED


def publisher_name(kabupaten: str) -> str:
    """'Kotabaru' -> 'Pemerintah Kabupaten Kotabaru'; 'Kota Banjarbaru' -> 'Pemerintah Kota Banjarbaru'."""
    name = kabupaten.strip()
    if name.lower().startswith(("kabupaten ", "kota ", "provinsi ")):
        return f"Pemerintah {name}"
    if name.lower().startswith("pemerintah "):
        return name
    return f"Pemerintah Kabupaten {name}"


def pemda_kb_id(title: str, kabupaten: str, published_date: date | None = None) -> str:
    """'pemda-<kabupaten>-<date>-<title slug>': re-issuing the same clarification updates it in place."""
    parts = [slugify(kabupaten, 40)]
    if published_date:
        parts.append(published_date.isoformat())
    parts.append(slugify(title, 80))
    return "pemda-" + "-".join(p for p in parts if p)


def _prefixed(kb_id: str | None) -> str | None:
    text = clean(kb_id)
    if not text:
        return None
    return text if text.startswith("pemda-") else f"pemda-{slugify(text, 120)}"


def pemda_clarification(
    title: str,
    claim: str,
    facts: str,
    *,
    conclusion: str = "",
    verdict: str | None = "HOAKS",
    published_date: date | None = None,
    url: str | None = None,
    references: Iterable[str] = (),
    category: str | None = None,
    kabupaten: str | None = None,
    kb_id: str | None = None,
) -> FactCheck:
    """A clarification issued by the Pemda itself, as a FactCheck with source "pemda"."""
    if kabupaten is None:
        from saring.config import get_settings

        kabupaten = get_settings().kabupaten
    title, claim, facts, conclusion = clean(title), clean(claim), clean(facts), clean(conclusion)
    if not (title or claim or facts or conclusion):
        raise ValueError("a clarification needs a title, the claim or the facts")
    return FactCheck(
        kb_id=_prefixed(kb_id) or pemda_kb_id(title or claim[:80], kabupaten, published_date),
        source=SOURCE,
        title=title,
        claim_text=claim,
        explanation=facts,
        conclusion=conclusion,
        url=none_if_blank(url),
        publisher=publisher_name(kabupaten),
        published_date=published_date,
        verdict=normalise_verdict(verdict),
        category=none_if_blank(category),
        references=[clean(r) for r in references if clean(r)],
        text_quality=text_quality(title, claim, facts, conclusion),
    )


def _from_mapping(values: dict, out: Collector, line: int) -> FactCheck | None:
    published = None
    try:
        published = parse_date(values.get("date"))
    except ValueError as exc:
        out.warn_date(line, exc)
    refs = values.get("references")
    references = [clean(r) for r in refs] if isinstance(refs, list) else split_references(refs)
    try:
        return pemda_clarification(
            clean(values.get("title")),
            clean(values.get("claim")),
            clean(values.get("facts")),
            conclusion=clean(values.get("conclusion")),
            verdict=clean(values.get("verdict")) or "HOAKS",
            published_date=published,
            url=values.get("url"),
            references=references,
            category=values.get("category"),
            kabupaten=clean(values.get("kabupaten")) or None,
            kb_id=clean(values.get("id")) or None,
        )
    except ValueError as exc:
        out.error(line, str(exc))
        return None


def read(path: str | Path) -> ImportResult:
    """Read a batch of Pemda clarifications from CSV, JSON or JSONL."""
    path = Path(path)
    out = Collector(path)
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        rows = ((line, value) for line, value in iter_json_values(path, out.result))
    else:
        rows = ((row.line, row.values) for row in iter_csv(path, out.result))
    for line, values in rows:
        if not isinstance(values, dict):
            out.error(line, f"expected a JSON object, found {type(values).__name__}")
            continue
        if (record := _from_mapping(values, out, line)) is not None:
            out.add(line, record)
    return out.finish()
