"""MAFINDO's fact-check schema: status, title, content (claim), fact, references, tanggal, conclusion.

Read from CSV or from the JSON API shape (an array, an object with the list under data/results, or JSONL),
which may also carry id, classification, source_link and tags.
"""

from __future__ import annotations

from pathlib import Path

from factcheck_kb.importers._io import Collector, iter_csv, iter_json_values
from factcheck_kb.importers._text import (
    clean,
    first_url,
    none_if_blank,
    normalise_verdict,
    parse_date,
    short_hash,
    split_references,
    text_quality,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "mafindo"
SOURCE = "mafindo"
PUBLISHER = "MAFINDO (TurnBackHoax)"
COLUMNS = ("status", "title", "content", "fact", "references", "tanggal", "conclusion")
_REQUIRED = {"title", "content", "fact", "conclusion"}


def matches_header(columns: list[str]) -> bool:
    return set(columns) >= _REQUIRED and ("tanggal" in columns or "status" in columns)


def matches_json(obj: dict) -> bool:
    return set(obj) >= _REQUIRED


def _text(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(clean(v) for v in value if clean(v))
    return clean(value)


def from_mapping(values: dict, out: Collector, line: int) -> FactCheck:
    """One MAFINDO item (CSV row or API object) -> FactCheck."""
    title, claim = _text(values.get("title")), _text(values.get("content"))
    explanation, conclusion = _text(values.get("fact")), _text(values.get("conclusion"))
    references = values.get("references")
    refs = (
        [clean(r) for r in references if clean(r)]
        if isinstance(references, list)
        else split_references(references)
    )
    if source_link := none_if_blank(values.get("source_link")):
        refs = list(dict.fromkeys([*refs, *split_references(source_link)]))
    try:
        published = parse_date(values.get("tanggal") or values.get("date"))
    except ValueError as exc:
        out.warn_date(line, exc)
        published = None
    status = clean(values.get("status"))
    verdict = normalise_verdict(values.get("classification")) or (
        normalise_verdict(status) if status and not status.isdigit() else None
    )
    own_id = clean(values.get("id"))
    kb_id = (
        f"mafindo-{own_id}" if own_id else f"mafindo-{short_hash(title, values.get('tanggal'), claim[:200])}"
    )
    tags = values.get("tags")
    category = (
        ", ".join(clean(t) for t in tags if clean(t)) if isinstance(tags, list) else none_if_blank(tags)
    )
    return FactCheck(
        kb_id=kb_id,
        source=SOURCE,
        publisher=PUBLISHER,
        title=title,
        claim_text=claim,
        explanation=explanation,
        conclusion=conclusion,
        url=first_url(" ".join(refs), "turnbackhoax.id"),
        published_date=published,
        verdict=verdict,
        category=(category or None) and category[:100],
        references=refs,
        text_quality=text_quality(title, claim, explanation, conclusion),
    )


def read(path: str | Path) -> ImportResult:
    """Read a MAFINDO CSV export, JSON API dump or JSONL file."""
    path = Path(path)
    out = Collector(path)
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        for line, value in iter_json_values(path, out.result):
            if not isinstance(value, dict):
                out.error(line, f"expected a JSON object, found {type(value).__name__}")
                continue
            out.add(line, from_mapping(value, out, line))
    else:
        for row in iter_csv(path, out.result):
            out.add(row.line, from_mapping(row.values, out, row.line))
    return out.finish()
