"""RSS / Atom news feeds fetched over HTTP (httpx) and parsed with feedparser.

Location: an ``http(s)://`` feed address, or a local file path (read as is; useful for demos).
Each entry becomes a post on platform "news" (``options.platform`` overrides): the text is the title
and the summary (HTML stripped), the id is the entry's ``id``/``guid``, else its link.

Cursor: ``{"etag": …, "last_modified": …, "since": "<latest entry date, ISO>"}``. The next fetch sends
``If-None-Match`` / ``If-Modified-Since``; a 304 answer returns no posts and the same cursor. Entries
dated before ``since`` are skipped (undated entries are always returned; the database de-duplicates).

Errors: network failures, timeouts, 429 and 5xx raise :class:`TransientSourceError` (the flow retries);
other 4xx raise :class:`SourceError`. A body that is not a feed is quarantined at position "feed".
"""

from __future__ import annotations

import calendar
import hashlib
import html
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    SourceError,
    TransientSourceError,
    apply_time_cursor,
    engagement,
    existing_path,
    quarantine,
    utcnow,
)

log = logging.getLogger(__name__)

PLATFORM = "news"
USER_AGENT = "Saring/0.1 (pemantauan hoaks Pemda)"
_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    """Plain text from a summary that may hold HTML (paragraphs and <br> become new lines)."""
    text = html.unescape(_TAG.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>", "\n", text)))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _get(entry: Mapping[str, Any], key: str) -> Any:
    # dict.get skips feedparser's deprecated updated->published key mapping (and its warnings)
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = _get(entry, key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def parse_entry(
    entry: Mapping[str, Any], *, source_name: str, feed_title: str | None, platform: str
) -> PostRecord:
    """One feedparser entry as a PostRecord. Raises RecordError."""
    title = strip_html(entry.get("title") or "")
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    body = strip_html(summary)
    text = title if not body or body == title else f"{title}\n\n{body}".strip()
    if not text:
        raise RecordError("missing text (no title and no summary)")
    link = entry.get("link")
    entry_id = entry.get("id") or link
    if not entry_id:
        entry_id = "sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()
    stated = _get(entry, "published") or _get(entry, "updated")
    if stated and _entry_time(entry) is None:
        raise RecordError(f"bad date {stated!r}")
    raw = {k: _get(entry, k) for k in ("id", "title", "link", "summary", "published", "updated", "author")}
    raw["tags"] = [t.get("term") for t in _get(entry, "tags") or []]
    return PostRecord(
        source=source_name,
        platform=platform,
        external_id=str(entry_id),
        text=text,
        author_handle=entry.get("author") or feed_title,
        url=link,
        posted_at=_entry_time(entry),
        captured_at=utcnow(),
        engagement=engagement(),
        raw=raw,
    )


def parse_feed(content: bytes | str, *, source_name: str, platform: str = PLATFORM) -> ReadResult:
    """A feed document (bytes or text) as a ReadResult."""
    parsed = feedparser.parse(content)
    result = ReadResult()
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = f"not a readable feed: {parsed.get('bozo_exception') or 'no RSS/Atom root element'}"
        result.quarantined.append(quarantine(source_name, "feed", reason, content[:500]))
        return result
    if parsed.bozo:
        log.warning("%s: feed has problems but was read: %s", source_name, parsed.get("bozo_exception"))
    feed_title = parsed.feed.get("title")
    for index, entry in enumerate(parsed.entries):
        try:
            result.posts.append(
                parse_entry(entry, source_name=source_name, feed_title=feed_title, platform=platform)
            )
        except RecordError as exc:
            raw = {k: _get(entry, k) for k in ("id", "title", "link", "published")}
            result.quarantined.append(quarantine(source_name, f"entries[{index}]", str(exc), raw))
    return result


def fetch(url: str, *, cursor: Mapping[str, Any] | None = None, timeout: float = 20.0) -> httpx.Response:
    """GET a feed with conditional headers from the cursor; raises Transient/SourceError on failure."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml, */*",
    }
    if cursor and cursor.get("etag"):
        headers["If-None-Match"] = str(cursor["etag"])
    if cursor and cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(cursor["last_modified"])
    try:
        response = httpx.get(url, headers=headers, timeout=timeout, follow_redirects=True)
    except httpx.TransportError as exc:
        raise TransientSourceError(f"{url}: network error: {exc.__class__.__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientSourceError(f"{url}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise SourceError(f"{url}: HTTP {response.status_code}")
    return response


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Fetch (or open) a feed and read its entries; see the module docstring."""
    options = options or {}
    platform = str(options.get("platform") or PLATFORM)
    location = str(location)
    cursor = dict(cursor or {})
    if not location.startswith(("http://", "https://")):
        result = parse_feed(existing_path(location).read_bytes(), source_name=source_name, platform=platform)
        result.next_cursor = {**cursor, "since": apply_time_cursor(result, cursor)}
        return result
    response = fetch(location, cursor=cursor, timeout=float(options.get("timeout", 20.0)))
    if response.status_code == 304:
        log.info("%s: feed not modified", source_name)
        return ReadResult(next_cursor=cursor)
    result = parse_feed(response.content, source_name=source_name, platform=platform)
    result.next_cursor = {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "since": apply_time_cursor(result, cursor),
    }
    return result
