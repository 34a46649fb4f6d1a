"""TikTok Research API ``/v2/research/video/query/`` responses saved as JSON.

Shape (developers.tiktok.com, "Query videos"): ``{"data": {"videos": [...], "cursor": 100,
"has_more": true, "search_id": "…"}, "error": {"code": "ok", "message": "", "log_id": "…"}}``; a video
has ``id`` (int64), ``video_description``, ``create_time`` (unix seconds, UTC), ``username``,
``region_code``, ``like_count``, ``comment_count``, ``share_count``, ``view_count`` and optionally
``hashtag_names`` and ``voice_to_text`` (used as the text when the description is empty).

Location: one response (.json), a JSON list of responses, JSONL (one page a line), or a folder.

Cursor: ``{"since": "<latest create_time seen, ISO>", "api_cursor": <data.cursor>, "search_id": …,
"has_more": bool}`` from the last page; a re-run skips videos created before ``since``, and a live
fetcher can continue a paged query with ``api_cursor`` + ``search_id``.
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
    apply_time_cursor,
    engagement,
    media_refs,
    parse_datetime,
    quarantine,
    read_json_documents,
    require_id,
    utcnow,
)

log = logging.getLogger(__name__)

PLATFORM = "tiktok"


def video_url(username: str | None, video_id: str) -> str:
    """The public address of a TikTok video."""
    return f"https://www.tiktok.com/@{username or '_'}/video/{video_id}"


def parse_video(video: Any, *, source_name: str) -> PostRecord:
    """One Research API video object as a PostRecord. Raises RecordError."""
    if not isinstance(video, dict):
        raise RecordError(f"video has wrong type {type(video).__name__}")
    video_id = require_id(video.get("id"), "id")
    description = video.get("video_description")
    if description is not None and not isinstance(description, str):
        raise RecordError(f"video_description has wrong type {type(description).__name__}")
    text = (description or "").strip() or str(video.get("voice_to_text") or "").strip()
    if not text:
        raise RecordError("missing text (video_description and voice_to_text are empty)")
    created = video.get("create_time")
    if isinstance(created, str) and not created.strip().isdigit():
        raise RecordError(f"bad date {created!r} (create_time must be unix seconds)")
    username = video.get("username") or None
    return PostRecord(
        source=source_name,
        platform=PLATFORM,
        external_id=video_id,
        text=text,
        author_handle=username,
        url=video_url(username, video_id),
        posted_at=parse_datetime(created),
        captured_at=utcnow(),
        engagement=engagement(
            likes=video.get("like_count"),
            shares=video.get("share_count"),
            comments=video.get("comment_count"),
            views=video.get("view_count"),
        ),
        raw=video,
    )


def parse_response(payload: Any, *, source_name: str, position: str = "response") -> ReadResult:
    """One query response (already decoded JSON) as a ReadResult."""
    result = ReadResult()
    data = payload.get("data") if isinstance(payload, dict) else None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict) and error.get("code") not in (None, "ok"):
        log.warning(
            "%s %s: TikTok API error %s: %s", source_name, position, error.get("code"), error.get("message")
        )
    if not isinstance(data, dict):
        result.quarantined.append(
            quarantine(source_name, position, "not a video query response (no data)", payload)
        )
        return result
    videos = data.get("videos") or []
    if not isinstance(videos, list):
        result.quarantined.append(quarantine(source_name, position, "data.videos has wrong type", videos))
        return result
    for index, video in enumerate(videos):
        try:
            result.posts.append(parse_video(video, source_name=source_name))
        except RecordError as exc:
            result.quarantined.append(
                quarantine(source_name, f"{position} data.videos[{index}]", str(exc), video)
            )
    return result


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read saved TikTok Research API responses; see the module docstring."""
    docs, bad = read_json_documents(location, source_name)
    result = ReadResult(quarantined=bad)
    paging = {k: (cursor or {}).get(k) for k in ("api_cursor", "search_id", "has_more")}
    for doc in docs:
        pages = doc.payload if isinstance(doc.payload, list) else [doc.payload]
        for number, page in enumerate(pages):
            where = doc.position if len(pages) == 1 else f"{doc.position} [{number}]"
            result.extend(parse_response(page, source_name=source_name, position=where))
            data = page.get("data") if isinstance(page, dict) else None
            if isinstance(data, dict):
                paging = {
                    "api_cursor": data.get("cursor"),
                    "search_id": data.get("search_id"),
                    "has_more": data.get("has_more"),
                }
    result.next_cursor = {"since": apply_time_cursor(result, cursor), **paging}
    if (options or {}).get("fetch_media"):  # the cover image is the video's picture (fetched when allowed)
        for post in result.posts:
            cover = (post.raw or {}).get("cover_image_url")
            covers = [cover] if isinstance(cover, str) and cover else []
            post.media = media_refs(covers, base_dir=None, options=options)
    return result
