"""YouTube Data API v3 list responses saved as JSON: ``commentThreads``, ``videos`` and ``search``.

Shapes (developers.google.com/youtube/v3/docs): a list response is ``{"kind": "youtube#…ListResponse",
"nextPageToken": …, "items": [...]}``.
- ``youtube#commentThread``: ``snippet.videoId``, ``snippet.totalReplyCount`` and
  ``snippet.topLevelComment`` (a ``youtube#comment`` whose ``snippet`` has textOriginal, textDisplay,
  authorDisplayName, likeCount, publishedAt); ``replies.comments`` holds some replies, read too.
- ``youtube#video``: ``snippet`` {title, description, channelTitle, publishedAt}, ``statistics``
  {viewCount, likeCount, commentCount} (numbers as strings). The text is title + description.
- ``youtube#searchResult``: ``id.videoId`` and a snippet like a video's (no statistics).

Location: one response (.json), a JSON list of responses, JSONL (one page a line), or a folder.

Cursor: ``{"since": "<latest publishedAt seen>", "page_token": "<nextPageToken of the last page>"}``;
a re-run skips items published before ``since``.
"""

from __future__ import annotations

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
    require_text,
    utcnow,
)

PLATFORM = "youtube"


def video_url(video_id: str, comment_id: str | None = None) -> str:
    """The watch address of a video, pointing at one comment when given."""
    base = f"https://www.youtube.com/watch?v={video_id}"
    return f"{base}&lc={comment_id}" if comment_id else base


def _handle(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    return name.strip().removeprefix("@")


def parse_comment(comment: Any, *, source_name: str, video_id: str | None, replies: Any = 0) -> PostRecord:
    """One ``youtube#comment`` resource as a PostRecord. Raises RecordError."""
    if not isinstance(comment, dict):
        raise RecordError(f"comment has wrong type {type(comment).__name__}")
    comment_id = require_id(comment.get("id"), "comment id")
    snippet = comment.get("snippet")
    if not isinstance(snippet, dict):
        raise RecordError("comment has no snippet")
    text_original = snippet.get("textOriginal")
    text = require_text(text_original if text_original is not None else snippet.get("textDisplay"))
    video_id = snippet.get("videoId") or video_id
    return PostRecord(
        source=source_name,
        platform=PLATFORM,
        external_id=comment_id,
        text=text,
        author_handle=_handle(snippet.get("authorDisplayName")),
        url=video_url(video_id, comment_id) if video_id else None,
        posted_at=parse_datetime(snippet.get("publishedAt")),
        captured_at=utcnow(),
        engagement=engagement(likes=snippet.get("likeCount"), comments=replies),
        raw=comment,
    )


def parse_comment_thread(item: dict, *, source_name: str) -> list[PostRecord]:
    """A ``youtube#commentThread``: its top-level comment and any replies included. Raises RecordError."""
    snippet = item.get("snippet")
    if not isinstance(snippet, dict):
        raise RecordError("comment thread has no snippet")
    video_id = snippet.get("videoId")
    top = parse_comment(
        snippet.get("topLevelComment"),
        source_name=source_name,
        video_id=video_id,
        replies=snippet.get("totalReplyCount"),
    )
    top.raw = item
    posts = [top]
    for reply in (item.get("replies") or {}).get("comments") or []:
        posts.append(parse_comment(reply, source_name=source_name, video_id=video_id))
    return posts


def parse_video(item: dict, *, source_name: str) -> PostRecord:
    """A ``youtube#video`` or ``youtube#searchResult`` item as a PostRecord. Raises RecordError."""
    raw_id = item.get("id")
    video_id = require_id(raw_id.get("videoId") if isinstance(raw_id, dict) else raw_id, "video id")
    snippet = item.get("snippet")
    if not isinstance(snippet, dict):
        raise RecordError("video has no snippet")
    title = snippet.get("title") or ""
    description = snippet.get("description") or ""
    if not isinstance(title, str) or not isinstance(description, str):
        raise RecordError("title or description has wrong type")
    text = require_text("\n\n".join(part for part in (title.strip(), description.strip()) if part), "title")
    stats = item.get("statistics") or {}
    if not isinstance(stats, dict):
        raise RecordError("statistics has wrong type")
    return PostRecord(
        source=source_name,
        platform=PLATFORM,
        external_id=video_id,
        text=text,
        author_handle=_handle(snippet.get("channelTitle")),
        url=video_url(video_id),
        posted_at=parse_datetime(snippet.get("publishedAt")),
        captured_at=utcnow(),
        engagement=engagement(
            likes=stats.get("likeCount"), comments=stats.get("commentCount"), views=stats.get("viewCount")
        ),
        raw=item,
    )


def parse_response(payload: Any, *, source_name: str, position: str = "response") -> ReadResult:
    """One list response (commentThreads, videos or search) as a ReadResult."""
    result = ReadResult()
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        result.quarantined.append(
            quarantine(source_name, position, "not a YouTube list response (no items)", payload)
        )
        return result
    for index, item in enumerate(payload["items"]):
        where = f"{position} items[{index}]"
        try:
            if not isinstance(item, dict):
                raise RecordError(f"item has wrong type {type(item).__name__}")
            kind = item.get("kind", "")
            if kind == "youtube#commentThread" or "topLevelComment" in (item.get("snippet") or {}):
                result.posts.extend(parse_comment_thread(item, source_name=source_name))
            elif kind == "youtube#comment":
                result.posts.append(parse_comment(item, source_name=source_name, video_id=None))
            else:
                result.posts.append(parse_video(item, source_name=source_name))
        except RecordError as exc:
            result.quarantined.append(quarantine(source_name, where, str(exc), item))
    return result


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read saved YouTube Data API responses; see the module docstring."""
    docs, bad = read_json_documents(location, source_name)
    result = ReadResult(quarantined=bad)
    page_token = (cursor or {}).get("page_token")
    for doc in docs:
        pages = doc.payload if isinstance(doc.payload, list) else [doc.payload]
        for number, page in enumerate(pages):
            where = doc.position if len(pages) == 1 else f"{doc.position} [{number}]"
            result.extend(parse_response(page, source_name=source_name, position=where))
            if isinstance(page, dict) and "nextPageToken" in page:
                page_token = page.get("nextPageToken")
    result.next_cursor = {"since": apply_time_cursor(result, cursor), "page_token": page_token}
    if (options or {}).get("fetch_media"):  # a video's thumbnail is its picture (fetched when allowed)
        for post in result.posts:
            post.media = media_refs(thumbnail_urls(post.raw), base_dir=None, options=options)
    return result


def thumbnail_urls(item: Any) -> list[str]:
    """The largest ``snippet.thumbnails`` URL of a video item (none for comments)."""
    snippet = item.get("snippet") if isinstance(item, dict) else None
    thumbnails = snippet.get("thumbnails") if isinstance(snippet, dict) else None
    if not isinstance(thumbnails, dict):
        return []
    for size in ("maxres", "standard", "high", "medium", "default"):
        entry = thumbnails.get(size)
        if isinstance(entry, dict) and isinstance(entry.get("url"), str) and entry["url"]:
            return [entry["url"]]
    return []
