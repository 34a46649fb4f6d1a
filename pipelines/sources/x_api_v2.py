"""X (Twitter) API v2 tweet lookup / recent search responses saved as JSON.

Shape (https://docs.x.com, "Example payloads"): ``{"data": [tweet, ...], "includes": {"users": [...]},
"meta": {"next_token": ..., "newest_id": ...}}``; a tweet has ``id``, ``text``, ``author_id``,
``created_at`` ("2024-01-15T12:00:00.000Z"), ``lang`` and ``public_metrics`` {retweet_count,
reply_count, like_count, quote_count, bookmark_count, impression_count}; long posts carry their full
text in ``note_tweet.text``. A single lookup answers ``"data": {tweet}``.

Location: one response (.json), a JSON list of responses, a JSONL file of responses (one page a line,
as twarc2 writes them), or a folder of those.

Cursor: ``{"since_id": "<largest tweet id seen>", "next_token": "<meta.next_token of the last page>"}``.
Tweet ids are time-ordered snowflakes, so a re-run skips every tweet with ``id <= since_id`` (the X
API's own ``since_id`` semantics); ``next_token`` is kept for a live fetcher to continue paging.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    engagement,
    media_refs,
    parse_count,
    parse_datetime,
    quarantine,
    read_json_documents,
    require_id,
    require_text,
    utcnow,
)

log = logging.getLogger(__name__)

PLATFORM = "x"


def tweet_url(username: str | None, tweet_id: str) -> str:
    """The public address of a tweet (``i/web`` when the author's username is unknown)."""
    return (
        f"https://x.com/{username}/status/{tweet_id}"
        if username
        else f"https://x.com/i/web/status/{tweet_id}"
    )


def parse_tweet(tweet: Any, users: Mapping[str, str], *, source_name: str) -> PostRecord:
    """One tweet object as a PostRecord; ``users`` maps author_id to username. Raises RecordError."""
    if not isinstance(tweet, dict):
        raise RecordError(f"tweet has wrong type {type(tweet).__name__}")
    tweet_id = require_id(tweet.get("id"), "id")
    if not tweet_id.isdigit():
        raise RecordError(f"tweet id {tweet_id!r} is not numeric")
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text")
    text = require_text(text)
    posted_at = parse_datetime(tweet.get("created_at"))
    metrics = tweet.get("public_metrics") or {}
    if not isinstance(metrics, dict):
        raise RecordError("public_metrics has wrong type")
    author_id = tweet.get("author_id")
    username = users.get(str(author_id)) if author_id is not None else None
    shares = _count(metrics, "retweet_count") + _count(metrics, "quote_count")
    return PostRecord(
        source=source_name,
        platform=PLATFORM,
        external_id=tweet_id,
        text=text,
        author_handle=username or (str(author_id) if author_id else None),
        url=tweet_url(username, tweet_id),
        language=None,
        posted_at=posted_at,
        captured_at=utcnow(),
        engagement=engagement(
            likes=metrics.get("like_count"),
            shares=shares,
            comments=metrics.get("reply_count"),
            views=metrics.get("impression_count"),
        ),
        raw=tweet,
    )


def _count(metrics: dict, key: str) -> int:
    return parse_count(metrics.get(key), field_name=key)


def parse_response(
    payload: Any,
    *,
    source_name: str,
    position: str = "response",
    since_id: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """One API response page (decoded JSON) as a ReadResult; tweets with id <= since_id are skipped.

    With ``options.fetch_media``, a tweet's ``attachments.media_keys`` become media references to
    ``includes.media`` (a photo's ``url``, a video's or GIF's ``preview_image_url``)."""
    result = ReadResult()
    if not isinstance(payload, dict):
        result.quarantined.append(quarantine(source_name, position, "response is not a JSON object", payload))
        return result
    for error in payload.get("errors") or []:
        log.info("%s %s: API reported %s", source_name, position, error)
    data = payload.get("data")
    if data is None:
        return result  # an empty search page has no "data"
    tweets = [data] if isinstance(data, dict) else data
    if not isinstance(tweets, list):
        result.quarantined.append(quarantine(source_name, position, "data has wrong type", data))
        return result
    users = _users(payload)
    media = _media_urls(payload) if (options or {}).get("fetch_media") else {}
    for index, tweet in enumerate(tweets):
        where = f"{position} data[{index}]"
        try:
            post = parse_tweet(tweet, users, source_name=source_name)
        except RecordError as exc:
            result.quarantined.append(quarantine(source_name, where, str(exc), tweet))
            continue
        if since_id is not None and int(post.external_id) <= since_id:
            continue
        attachments = tweet.get("attachments") if media else None
        keys = attachments.get("media_keys") or [] if isinstance(attachments, dict) else []
        urls = [{"url": media[k]} for k in keys if isinstance(k, str) and k in media]
        post.media = media_refs(urls, base_dir=None, options=options)
        result.posts.append(post)
    return result


def _media_urls(payload: dict) -> dict[str, str]:
    """media_key -> image URL of ``includes.media`` (photos: url; videos and GIFs: preview_image_url)."""
    includes = payload.get("includes") or {}
    media = includes.get("media") if isinstance(includes, dict) else None
    found: dict[str, str] = {}
    for item in media or []:
        if isinstance(item, dict) and item.get("media_key"):
            url = item.get("url") or item.get("preview_image_url")
            if isinstance(url, str) and url:
                found[str(item["media_key"])] = url
    return found


def _users(payload: dict) -> dict[str, str]:
    includes = payload.get("includes") or {}
    users = includes.get("users") if isinstance(includes, dict) else None
    found: dict[str, str] = {}
    for user in users or []:
        if isinstance(user, dict) and user.get("id") is not None and user.get("username"):
            found[str(user["id"])] = str(user["username"])
    return found


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read saved X API v2 responses; see the module docstring for shapes and the cursor."""
    since_id = _since_id(cursor)
    docs, bad = read_json_documents(location, source_name)
    result = ReadResult(quarantined=bad)
    next_token = (cursor or {}).get("next_token")
    for doc in docs:
        pages = doc.payload if isinstance(doc.payload, list) else [doc.payload]
        for page_number, page in enumerate(pages):
            where = doc.position if len(pages) == 1 else f"{doc.position} [{page_number}]"
            parsed = parse_response(
                page, source_name=source_name, position=where, since_id=since_id, options=options
            )
            result.extend(parsed)
            meta = page.get("meta") if isinstance(page, dict) else None
            if isinstance(meta, dict) and "next_token" in meta:
                next_token = meta.get("next_token")
    newest = max([int(p.external_id) for p in result.posts], default=since_id)
    result.next_cursor = {"since_id": str(newest) if newest is not None else None, "next_token": next_token}
    return result


def _since_id(cursor: Mapping[str, Any] | None) -> int | None:
    value = (cursor or {}).get("since_id")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        log.warning("ignoring unreadable cursor since_id=%r", value)
        return None
