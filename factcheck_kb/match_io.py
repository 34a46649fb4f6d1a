"""Batch matching of JSONL posts: {"id", "text"} in, {"id", "matches": [{kb_id, score, band}]} out."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck_kb.records import RowError

log = logging.getLogger(__name__)

BATCH = 256


@dataclass(slots=True)
class MatchFileReport:
    """Counts of a `saring match` run and every skipped input line."""

    read: int = 0
    written: int = 0
    bands: dict[str, int] = field(default_factory=lambda: {"auto": 0, "suggest": 0, "none": 0})
    errors: list[RowError] = field(default_factory=list)


def json_lines(path: Path, errors: list[RowError]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) per non-blank line of a JSONL file; unparsable lines go to ``errors``."""
    with Path(path).open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line)
            except ValueError as exc:
                errors.append(RowError(str(path), line_no, f"invalid JSON: {exc.msg}"))


def iter_posts(path: Path, errors: list[RowError]) -> Iterator[tuple[str, str]]:
    """(id, text) per good line; bad lines go to ``errors`` with their line number."""
    for line_no, obj in json_lines(path, errors):
        if not isinstance(obj, dict):
            errors.append(RowError(str(path), line_no, f"expected a JSON object, found {type(obj).__name__}"))
            continue
        post_id, text = obj.get("id"), obj.get("text")
        if not isinstance(post_id, str) or not post_id.strip():
            reason = (
                "missing 'id'" if post_id is None else f"'id' must be a non-empty string, got {post_id!r}"
            )
            errors.append(RowError(str(path), line_no, reason))
            continue
        if not isinstance(text, str) or not text.strip():
            errors.append(RowError(str(path), line_no, "missing or empty 'text'"))
            continue
        yield post_id, text


def match_jsonl(
    input_path: Path,
    output_path: Path,
    matcher,
    *,
    top_k: int = 10,
    batch_size: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> MatchFileReport:
    """Match every good input line and write one output line per post, in input order."""
    report = MatchFileReport()
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(output_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        batch: list[tuple[Any, str]] = []

        def flush() -> None:
            if not batch:
                return
            results = matcher.match([text for _, text in batch], top_k=top_k)
            for (post_id, _), matches in zip(batch, results, strict=True):
                payload = {
                    "id": post_id,
                    "matches": [
                        {"kb_id": m.kb_id, "score": round(float(m.score), 4), "band": m.band} for m in matches
                    ],
                }
                if matches:
                    report.bands[matches[0].band] = report.bands.get(matches[0].band, 0) + 1
                else:
                    report.bands["none"] += 1
                out.write(json.dumps(payload, ensure_ascii=False) + "\n")
                report.written += 1
            if on_batch:
                on_batch(len(batch))
            batch.clear()

        for post in iter_posts(Path(input_path), report.errors):
            report.read += 1
            batch.append(post)
            if len(batch) >= batch_size:
                flush()
        flush()
    tmp.replace(output_path)
    return report


def count_lines(path: Path) -> int:
    with Path(path).open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())
