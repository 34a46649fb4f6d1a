"""Telegram Desktop JSON chat exports ("Export chat history" → JSON, ``result.json``).

Shape: a single chat ``{"name", "type", "id", "messages": [...]}`` or a full-account export
``{"chats": {"list": [chat, ...]}}``. A message has ``id``, ``type`` ("message" or "service"),
``date`` (local time of the exporting computer), ``date_unixtime`` (UTC seconds, as a string; preferred),
``from``, ``from_id`` ("user123…" / "channel123…"), ``text`` (a string, or a list of strings and
entities ``{"type": "bold"|"link"|"mention"|…, "text": …}``), optionally ``forwarded_from``,
``reactions`` ([{"type": "emoji", "emoji": "👍", "count": 3}, …]) and media fields. Service messages
and media-only messages without a caption are skipped (not quarantined), unless the export downloaded the
photo (``"photo": "photos/photo_1@….jpg"`` beside result.json): then the photo is the post's media.

``external_id`` is ``"<chat id>/<message id>"``; ``url`` is ``https://t.me/<username>/<id>`` when the
source sets ``options.channel_username`` (public channels), else None. Reactions are counted as likes.

Cursor: ``{"last_ids": {"<chat id>": <largest message id read>}}``; message ids grow within a chat, so
a re-run reads only newer messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    engagement,
    existing_path,
    load_json_file,
    media_refs,
    parse_datetime,
    quarantine,
    require_id,
    resolve_timezone,
    utcnow,
)

PLATFORM = "telegram"


def flatten_text(value: Any) -> str:
    """Telegram's ``text`` (a string or a list of strings and ``{type, text}`` entities) as plain text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                if part.get("type") == "text_link" and part.get("href") and part["href"] not in part["text"]:
                    parts.append(f"{part['text']} ({part['href']})")
                else:
                    parts.append(part["text"])
            else:
                raise RecordError(f"text entity has wrong type {type(part).__name__}")
        return "".join(parts)
    raise RecordError(f"text has wrong type {type(value).__name__}")


def reaction_count(reactions: Any) -> int:
    """The total of a message's reactions."""
    if not isinstance(reactions, list):
        return 0
    return sum(int(r.get("count") or 0) for r in reactions if isinstance(r, dict))


def parse_message(
    message: Any,
    *,
    chat_id: str,
    source_name: str,
    tz: tzinfo | None = None,
    channel_username: str | None = None,
    base_dir: Path | None = None,
) -> PostRecord | None:
    """One message as a PostRecord, or None for service / media-only messages. Raises RecordError.

    A photo the export downloaded (``photo``, or an image ``file``, relative to the export's folder
    ``base_dir``) becomes the post's media; a photo-only message with its photo is kept as an image post."""
    if not isinstance(message, dict):
        raise RecordError(f"message has wrong type {type(message).__name__}")
    if message.get("type", "message") != "message":
        return None
    message_id = require_id(message.get("id"), "id")
    text = flatten_text(message.get("text"))
    media = _photo_refs(message, base_dir)
    if not text.strip() and not media:
        if any(
            k in message
            for k in ("media_type", "photo", "file", "sticker_emoji", "poll", "location_information")
        ):
            return None  # a photo or sticker with no caption: nothing to read
        raise RecordError("missing text")
    when = message.get("date_unixtime") or message.get("date")
    posted_at = parse_datetime(when, tz=tz)
    author = message.get("from") or message.get("from_id")
    url = f"https://t.me/{channel_username}/{message_id}" if channel_username else None
    return PostRecord(
        source=source_name,
        platform=PLATFORM,
        external_id=f"{chat_id}/{message_id}",
        text=text,
        author_handle=str(author) if author else None,
        url=url,
        posted_at=posted_at,
        captured_at=utcnow(),
        engagement=engagement(likes=reaction_count(message.get("reactions"))),
        raw=message,
        media=media,
    )


def _photo_refs(message: dict, base_dir: Path | None) -> list:
    """The message's downloaded photo (or image file) under the export folder; none when not exported."""
    if base_dir is None:
        return []
    path = message.get("photo")
    if not path and str(message.get("mime_type") or "").startswith("image/"):
        path = message.get("file")
    if not isinstance(path, str) or not path or not (Path(base_dir) / path).is_file():
        return []  # "(File not included. …)": the export was made without media
    return media_refs([{"path": path}], base_dir=base_dir)


def _chats(payload: Any) -> list[dict]:
    if isinstance(payload, dict) and isinstance(payload.get("messages"), list):
        return [payload]
    chats = payload.get("chats") if isinstance(payload, dict) else None
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        return [c for c in chats["list"] if isinstance(c, dict)]
    raise RecordError("not a Telegram export (no 'messages' and no 'chats.list')")


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read a Telegram Desktop ``result.json`` (or a folder of them); see the module docstring."""
    options = options or {}
    tz = resolve_timezone(options.get("timezone"))
    channel_username = options.get("channel_username")
    last_ids: dict[str, int] = {str(k): int(v) for k, v in ((cursor or {}).get("last_ids") or {}).items()}
    path = existing_path(location)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    result = ReadResult()
    for file in files:
        try:
            chats = _chats(load_json_file(file))
        except (ValueError, RecordError) as exc:
            result.quarantined.append(quarantine(source_name, file.name, str(exc)))
            continue
        for chat in chats:
            chat_id = str(chat.get("id", chat.get("name", "chat")))
            start_after = last_ids.get(chat_id)
            for index, message in enumerate(chat.get("messages") or []):
                where = f"{file.name} messages[{index}]"
                try:
                    post = parse_message(
                        message,
                        chat_id=chat_id,
                        source_name=source_name,
                        tz=tz,
                        channel_username=channel_username,
                        base_dir=file.parent,
                    )
                except RecordError as exc:
                    result.quarantined.append(quarantine(source_name, where, str(exc), message))
                    continue
                if post is None:
                    continue
                local_id = post.external_id.rsplit("/", 1)[1]
                message_id = int(local_id) if local_id.isdigit() else None
                if start_after is not None and message_id is not None and message_id <= start_after:
                    continue
                result.posts.append(post)
                if message_id is not None:
                    last_ids[chat_id] = max(last_ids.get(chat_id, message_id), message_id)
    result.next_cursor = {"last_ids": last_ids}
    return result
