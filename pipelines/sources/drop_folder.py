"""A drop folder (or one file) of posts in the project's own shape: JSONL, CSV or a JSON list.

JSONL, one post a line (the demo ``posts.jsonl`` shape)::

    {"id": "fb-0001", "platform": "facebook", "author_handle": "info.kotabaru", "url": "https://…",
     "text": "…", "posted_at": "2025-03-14T08:21:00+08:00", "engagement": {"likes": 120, "shares": 45,
     "comments": 12, "views": 3400}}

CSV: the same columns, engagement as ``likes, shares, comments, views`` (``engagement_likes`` or
``engagement.likes`` also work); ``,`` or ``;`` delimited. JSON: a list of such objects.
``media`` (optional): images of the post, ``[{"path": "img/poster.jpg"}, {"url": "https://…"}]``; a path is
relative to the record's file and must stay in its folder, an URL is fetched only when the source sets
``options.fetch_media: true``. A post with media may have an empty ``text`` (the text is then read in
its images). ``id`` (a string), ``platform``, ``text`` and ``posted_at`` are required; a naive
``posted_at`` is read in ``options.timezone`` (default WITA); ``options.platform`` fills a missing platform.

Cursor: ``{"files": {"<name>": {"offset": <characters consumed>, "line": <lines consumed>,
"sha256": "<hash of the consumed prefix>"}}}``. A re-run resumes each file where it stopped when the
consumed prefix is unchanged (files that are appended to), and reads a file from the start when the
prefix changed (a file replaced by a new export). A last JSONL line with no newline that does not parse
is treated as still being written: it is neither read nor quarantined, and is read next time.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    engagement,
    existing_path,
    media_refs,
    normalise_platform,
    parse_datetime,
    quarantine,
    read_text_lenient,
    require_id,
    require_text,
    resolve_timezone,
    utcnow,
)

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".json")
_COUNTS = ("likes", "shares", "comments", "views")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_post(
    record: Any,
    *,
    source_name: str,
    tz: tzinfo,
    default_platform: str | None = None,
    date_required: bool = True,
    base_dir: Path | None = None,
    options: Mapping[str, Any] | None = None,
) -> PostRecord:
    """One post dict (JSONL object or CSV row) as a PostRecord. Raises RecordError.

    ``date_required=False`` lets a post without ``posted_at`` through (its time is then unknown);
    ``base_dir`` is where relative ``media`` paths are read from (no media paths without it)."""
    if not isinstance(record, Mapping):
        raise RecordError(f"record has wrong type {type(record).__name__}")
    if record.get("id") is not None and not isinstance(record.get("id"), str):
        raise RecordError(f"id has wrong type {type(record['id']).__name__} (must be a string)")
    post_id = require_id(record.get("id"), "id")
    media = media_refs(record.get("media"), base_dir=base_dir, options=options)
    # an image-only post may have no text: its words are in the picture
    text = "" if media and record.get("text") in (None, "") else require_text(record.get("text"))
    platform = normalise_platform(record.get("platform") or default_platform)
    counts = record.get("engagement")
    if counts is None:
        counts = {k: _first(record, k, f"engagement_{k}", f"engagement.{k}") for k in _COUNTS}
    if not isinstance(counts, Mapping):
        raise RecordError(f"engagement has wrong type {type(counts).__name__}")
    return PostRecord(
        source=source_name,
        platform=platform,
        external_id=post_id,
        text=text,
        author_handle=(record.get("author_handle") or None),
        url=(record.get("url") or None),
        posted_at=(
            None
            if not date_required and record.get("posted_at") in (None, "")
            else parse_datetime(record.get("posted_at"), tz=tz)
        ),
        captured_at=utcnow(),
        engagement=engagement(**{k: counts.get(k) for k in _COUNTS}),
        raw=dict(record),
        media=media,
    )


def _first(record: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def _resume_offset(text: str, state: Mapping[str, Any] | None) -> tuple[int, int]:
    """Where to start in a file: (character offset, lines already consumed)."""
    if not state:
        return 0, 0
    offset = int(state.get("offset") or 0)
    if 0 < offset <= len(text) and _sha(text[:offset]) == state.get("sha256"):
        return offset, int(state.get("line") or 0)
    return 0, 0


def _read_jsonl(text: str, start: int, first_line: int, name: str, ctx: dict) -> tuple[ReadResult, int, int]:
    result = ReadResult()
    offset, line_no = start, first_line
    for line in text[start:].splitlines(keepends=True):
        complete = line.endswith(("\n", "\r"))
        stripped = line.strip()
        where = f"{name} line {line_no + 1}"
        if stripped:
            try:
                record = json.loads(stripped)
            except ValueError as exc:
                if not complete:
                    break  # still being written
                result.quarantined.append(
                    quarantine(ctx["source_name"], where, f"invalid JSON: {exc}", stripped)
                )
            else:
                _add(result, record, where, ctx)
        offset += len(line)
        line_no += 1
    return result, offset, line_no


def _read_csv(text: str, start: int, first_line: int, name: str, ctx: dict) -> tuple[ReadResult, int, int]:
    result = ReadResult()
    lines = text.splitlines(keepends=True)
    if not lines:
        return result, 0, 0
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
    if start == 0:
        start, first_line = len(header_line), 1
    state = {"offset": start, "line": first_line}

    def feed() -> Iterator[str]:
        for line in text[start:].splitlines(keepends=True):
            state["offset"] += len(line)
            state["line"] += 1
            yield line

    before = dict(state)
    for row in csv.reader(feed(), delimiter=delimiter):
        where = f"{name} line {before['line'] + 1}"
        at_unfinished_end = state["offset"] == len(text) and not text.endswith(("\n", "\r"))
        if len(row) != len(header) and at_unfinished_end:
            state.update(before)  # the last row is still being written
            break
        before = dict(state)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            reason = f"expected {len(header)} columns, found {len(row)}"
            result.quarantined.append(quarantine(ctx["source_name"], where, reason, row))
            continue
        _add(result, dict(zip(header, row, strict=True)), where, ctx)
    return result, state["offset"], state["line"]


def _add(result: ReadResult, record: Any, where: str, ctx: dict) -> None:
    try:
        result.posts.append(
            parse_post(
                record,
                source_name=ctx["source_name"],
                tz=ctx["tz"],
                default_platform=ctx["platform"],
                base_dir=ctx.get("base_dir"),
                options=ctx.get("options"),
            )
        )
    except RecordError as exc:
        result.quarantined.append(quarantine(ctx["source_name"], where, str(exc), record))


def _read_json_list(text: str, name: str, ctx: dict) -> ReadResult:
    result = ReadResult()
    try:
        payload = json.loads(text)
    except ValueError as exc:
        result.quarantined.append(quarantine(ctx["source_name"], name, f"invalid JSON: {exc}", text[:500]))
        return result
    records = payload.get("posts") if isinstance(payload, dict) else payload
    if not isinstance(records, list):
        result.quarantined.append(quarantine(ctx["source_name"], name, "expected a list of posts"))
        return result
    for index, record in enumerate(records):
        _add(result, record, f"{name} [{index}]", ctx)
    return result


def read_file(path: Path, *, state: Mapping[str, Any] | None, ctx: dict) -> tuple[ReadResult, dict[str, Any]]:
    """Read one file from where its cursor state says; return the result and the file's new state."""
    text = read_text_lenient(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        if state and state.get("sha256") == _sha(text):
            return ReadResult(), dict(state)
        return _read_json_list(text, path.name, ctx), {"offset": len(text), "line": 0, "sha256": _sha(text)}
    start, first_line = _resume_offset(text, state)
    reader = _read_csv if suffix == ".csv" else _read_jsonl
    result, offset, line = reader(text, start, first_line, path.name, ctx)
    return result, {"offset": offset, "line": line, "sha256": _sha(text[:offset])}


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read every new post in a drop folder (non-recursive) or a single file; see the module docstring."""
    options = options or {}
    ctx = {
        "source_name": source_name,
        "tz": resolve_timezone(options.get("timezone")),
        "platform": options.get("platform"),
        "options": options,
    }
    path = existing_path(location)
    ctx["base_dir"] = path if path.is_dir() else path.parent
    files = (
        sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        if path.is_dir()
        else [path]
    )
    previous = dict((cursor or {}).get("files") or {})
    states: dict[str, Any] = dict(previous)
    result = ReadResult()
    for file in files:
        file_result, states[file.name] = read_file(file, state=previous.get(file.name), ctx=ctx)
        result.extend(file_result)
    result.next_cursor = {"files": states}
    return result
