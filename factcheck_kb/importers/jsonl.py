"""FactCheck records as JSONL (one object per line, FactCheck field names): the demo KB's own format."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from factcheck_kb.importers._io import Collector, iter_json_values
from factcheck_kb.importers._text import clean, normalise_verdict, parse_date
from factcheck_kb.records import FactCheck, ImportResult

log = logging.getLogger(__name__)

FORMAT = "jsonl"
FIELDS = tuple(f.name for f in fields(FactCheck))
_TEXT_FIELDS = ("title", "claim_text", "explanation", "conclusion")
_OPTIONAL_STR = ("url", "publisher", "category", "text_quality")


def matches_json(obj: dict) -> bool:
    return "kb_id" in obj and "source" in obj


def factcheck_to_dict(record: FactCheck) -> dict:
    """FactCheck -> a JSON-ready dict (date as ISO text)."""
    payload = {name: getattr(record, name) for name in FIELDS}
    payload["published_date"] = record.published_date.isoformat() if record.published_date else None
    payload["references"] = list(record.references)
    return payload


def factcheck_from_dict(payload: dict) -> FactCheck:
    """A dict with FactCheck field names -> FactCheck; raises ValueError on a missing id or a bad field."""
    kb_id, source = clean(payload.get("kb_id")), clean(payload.get("source"))
    if not kb_id or not source:
        raise ValueError("kb_id and source are required")
    unknown = set(payload) - set(FIELDS)
    if unknown:
        log.debug("ignoring unknown keys %s for %s", sorted(unknown), kb_id)
    references = payload.get("references") or []
    if isinstance(references, str):
        references = [references]
    if not isinstance(references, list):
        raise ValueError(f"references must be a list, found {type(references).__name__}")
    values: dict = {
        "kb_id": kb_id,
        "source": source,
        "references": [clean(r) for r in references if clean(r)],
    }
    for name in _TEXT_FIELDS:
        values[name] = clean(payload.get(name))
    for name in _OPTIONAL_STR:
        values[name] = clean(payload.get(name)) or None
    images = payload.get("images") or payload.get("image") or []
    images = images if isinstance(images, list) else [images]
    values["images"] = [clean(i.get("url") if isinstance(i, dict) else i) for i in images]
    values["images"] = [i for i in values["images"] if i]
    values["verdict"] = normalise_verdict(payload.get("verdict"))
    values["language"] = clean(payload.get("language")) or "id"
    values["published_date"] = parse_date(payload.get("published_date"))
    return FactCheck(**values)


def read(path: str | Path) -> ImportResult:
    """Read FactCheck JSONL (a JSON array of the same objects also works)."""
    path = Path(path)
    out = Collector(path)
    for line, value in iter_json_values(path, out.result):
        if not isinstance(value, dict):
            out.error(line, f"expected a JSON object, found {type(value).__name__}")
            continue
        try:
            parse_date(value.get("published_date"))
        except ValueError as exc:
            out.warn_date(line, exc)
            value = {**value, "published_date": None}
        try:
            record = factcheck_from_dict(value)
        except (ValueError, TypeError) as exc:
            out.error(line, str(exc))
            continue
        out.add(line, record)
    return out.finish()


def write(records: Iterable[FactCheck], path: str | Path) -> int:
    """Write records as JSONL (UTF-8, one object per line); returns how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(factcheck_to_dict(record), ensure_ascii=False) + "\n")
            count += 1
    return count
