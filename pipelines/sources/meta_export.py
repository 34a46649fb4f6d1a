"""Meta (Facebook / Instagram) content exports: Business Suite CSV and Content Library JSON.

CSV: the Meta Business Suite "Content" export (Insights → Content → Export). Facebook Page files have
``Post ID, Page ID, Page name, Title, Description, Duration (sec), Publish time, Caption type,
Permalink, …, Post type, …, Views, Reach, Reactions, comments and shares, Reactions, Comments, Shares,
…``; Instagram files have ``Post ID, Account ID, Account username, Account name, Description,
Duration (sec), Publish time, Permalink, Post type, Data comment, Date, Views, Reach, Likes, Shares,
Follows, Comments, Saves``. ``Publish time`` is month-first ("03/27/2026 06:08") in the account's
time zone (``options.timezone``, default WITA); counts may carry thousands separators ("12,400").
Header names are matched case-insensitively, so older exports (Impressions instead of Views) work.

JSON: Meta Content Library API results, a list of posts or ``{"data": [...]}``, each with ``id``,
``creation_time``, ``text``, ``post_owner`` {id, name, username}, ``statistics`` {reaction_count or
like_count, comment_count, share_count, views}; dotted keys ("statistics.views") from a flattened
download are accepted too. The platform is ``options.platform``, else the post's URL domain, else
"facebook" when reactions/shares are present and "instagram" otherwise.

Media (JSON only; the Business Suite CSV has no media columns): the pictures a post carries, as the Graph
API and the Content Library give them, become media references (:func:`pipelines.sources.base.media_refs`):

- Facebook Page posts: ``attachments.data[].media.image.src`` and, for albums,
  ``attachments.data[].subattachments.data[].media.image.src`` (a video attachment's ``media.image`` is its
  thumbnail); ``full_picture`` when there are no attachments;
- Instagram media: ``media_url`` of an ``IMAGE``, ``thumbnail_url`` of a ``VIDEO``/``REELS``, and of each
  of ``children.data[]`` of a ``CAROUSEL_ALBUM``;
- Content Library: ``multimedia[]`` entries of type photo/image (``url``), a video's ``thumbnail_url``;
- a ``media`` list of paths (relative to the export file) or URLs, as the drop folder reads it.

URLs are fetched only when the source sets ``options.fetch_media: true`` (Meta CDN links expire: fetch soon
after the export); video files themselves are not kept, only their thumbnails.

Cursor: ``{"since": "<latest posted_at seen, ISO>"}``; a re-run skips posts published before it (posts
at exactly that minute come again and are de-duplicated by the database's unique key).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    apply_time_cursor,
    engagement,
    existing_path,
    load_json_file,
    media_refs,
    parse_datetime,
    quarantine,
    read_text_lenient,
    require_id,
    resolve_timezone,
    utcnow,
)

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


def _pick(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return value
    return None


def platform_from_url(url: str | None) -> str | None:
    """'facebook' or 'instagram' from a permalink's domain, else None."""
    if not url:
        return None
    lowered = url.lower()
    if "instagram.com" in lowered:
        return "instagram"
    if "facebook.com" in lowered or "fb.com" in lowered or "fb.watch" in lowered:
        return "facebook"
    return None


def parse_csv_row(row: Mapping[str, str], *, source_name: str, tz: tzinfo) -> PostRecord:
    """One Business Suite export row (keys lower-cased) as a PostRecord. Raises RecordError."""
    post_id = require_id(row.get("post id"), "Post ID")
    if _SCIENTIFIC.match(post_id):
        raise RecordError(f"Post ID {post_id!r} was mangled by a spreadsheet (scientific notation)")
    permalink = _pick(row, "permalink")
    is_instagram = "account username" in row or (row.get("post type") or "").upper().startswith("IG")
    platform = platform_from_url(permalink) or ("instagram" if is_instagram else "facebook")
    title = (row.get("title") or "").strip()
    description = (_pick(row, "description", "post message", "message") or "").strip()
    text = description if not title or title == description else f"{title}\n{description}".strip()
    if not text:
        raise RecordError("missing text (Description and Title are empty)")
    posted_at = parse_datetime(_pick(row, "publish time", "created", "posted"), tz=tz, day_first=False)
    counts = engagement(
        likes=_pick(row, "reactions", "likes"),
        shares=_pick(row, "shares"),
        comments=_pick(row, "comments"),
        views=_pick(row, "views", "impressions", "reach", "plays"),
    )
    author = _pick(row, "account username", "page name", "account name")
    return PostRecord(
        source=source_name,
        platform=platform,
        external_id=post_id,
        text=text,
        author_handle=author,
        url=permalink,
        posted_at=posted_at,
        captured_at=utcnow(),
        engagement=counts,
        raw=dict(row),
    )


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


_VIDEO_TYPES = ("VIDEO", "REELS", "VIDEO_INLINE", "VIDEO_AUTOPLAY", "ANIMATED_IMAGE_VIDEO")


def _data(value: Any) -> list[Mapping[str, Any]]:
    """The entries of a Graph API edge (``{"data": [...]}``) or a plain list."""
    items = value.get("data") if isinstance(value, Mapping) else value
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _attachment_images(attachment: Mapping[str, Any]) -> list[str]:
    """A Facebook attachment's picture(s): its subattachments' (an album) or its own ``media.image.src``."""
    subs = _data(attachment.get("subattachments"))
    if subs:
        return [src for sub in subs for src in _attachment_images(sub)]
    media = attachment.get("media")
    image = media.get("image") if isinstance(media, Mapping) else None
    src = _text(image.get("src")) if isinstance(image, Mapping) else None
    return [src] if src else []


def _instagram_images(media: Mapping[str, Any]) -> list[str]:
    """An Instagram media object's picture(s): an image's ``media_url``, a video's ``thumbnail_url``, an
    album's children's."""
    children = _data(media.get("children"))
    if children:
        return [url for child in children for url in _instagram_images(child)]
    kind = str(media.get("media_type") or "").upper()
    thumbnail = _text(media.get("thumbnail_url"))
    url = thumbnail if kind in _VIDEO_TYPES else _text(media.get("media_url")) or thumbnail
    return [url] if url else []


def _library_images(multimedia: Any) -> list[str]:
    """Content Library ``multimedia`` entries: photos' ``url``, videos' ``thumbnail_url``."""
    out: list[str] = []
    for item in multimedia if isinstance(multimedia, list) else []:
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "photo").lower()
        url = _text(item.get("thumbnail_url")) if "video" in kind else _text(item.get("url"))
        if url:
            out.append(url)
    return out


def post_media(record: Mapping[str, Any]) -> list[Any]:
    """The media entries of one exported post (URLs of its pictures, and its ``media`` list), in order,
    each once."""
    urls = [src for attachment in _data(record.get("attachments")) for src in _attachment_images(attachment)]
    if not urls and _text(record.get("full_picture")):
        urls.append(record["full_picture"])
    if "media_type" in record or "children" in record:
        urls += _instagram_images(record)
    urls += _library_images(record.get("multimedia"))
    given = record.get("media")
    entries: list[Any] = list(dict.fromkeys(urls))
    if given not in (None, "", []):
        entries += given if isinstance(given, list) else [given]
    return entries


def parse_library_post(
    record: Any,
    *,
    source_name: str,
    tz: tzinfo,
    platform: str | None = None,
    base_dir: Path | None = None,
    options: Mapping[str, Any] | None = None,
) -> PostRecord:
    """One Content Library post (nested or dotted keys) as a PostRecord. Raises RecordError."""
    if not isinstance(record, Mapping):
        raise RecordError(f"post has wrong type {type(record).__name__}")
    flat = _flatten(record)
    post_id = require_id(flat.get("id"), "id")
    text = next((flat[k] for k in ("text", "message", "caption") if flat.get(k) is not None), None)
    if text is None:
        raise RecordError("missing text")
    if not isinstance(text, str):
        raise RecordError(f"text has wrong type {type(text).__name__}")
    if not text.strip():
        raise RecordError("empty text")
    url = _pick(flat, "url", "permalink", "permalink_url", "link", "post_url")
    has_fb_counts = any(k in flat for k in ("statistics.reaction_count", "statistics.share_count"))
    platform = platform or flat.get("platform") or platform_from_url(url)
    platform = str(platform or ("facebook" if has_fb_counts else "instagram")).lower()
    counts = engagement(
        likes=_pick(flat, "statistics.reaction_count", "statistics.like_count"),
        shares=_pick(flat, "statistics.share_count"),
        comments=_pick(flat, "statistics.comment_count"),
        views=_pick(flat, "statistics.views", "statistics.view_count"),
    )
    author = _pick(
        flat,
        "post_owner.username",
        "post_owner.name",
        "owner.username",
        "owner.name",
        "from.name",
        "username",
    )
    return PostRecord(
        source=source_name,
        platform=platform,
        external_id=post_id,
        text=text,
        author_handle=author,
        url=url,
        posted_at=parse_datetime(_pick(flat, "creation_time", "created_time", "timestamp"), tz=tz),
        captured_at=utcnow(),
        engagement=counts,
        raw=dict(record),
        media=media_refs(post_media(record), base_dir=base_dir, options=options),
    )


def _read_csv(path: Path, source_name: str, tz: tzinfo) -> ReadResult:
    result = ReadResult()
    text = read_text_lenient(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        result.quarantined.append(quarantine(source_name, path.name, "empty file"))
        return result
    keys = [_key(h) for h in header]
    if "post id" not in keys:
        reason = "not a Meta content export (no 'Post ID' column)"
        result.quarantined.append(quarantine(source_name, path.name, reason, header))
        return result
    start_line = 2
    for row in reader:
        where = f"{path.name} line {start_line}"
        start_line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(keys):
            result.quarantined.append(
                quarantine(source_name, where, f"expected {len(keys)} columns, found {len(row)}", row)
            )
            continue
        values = dict(zip(keys, row, strict=True))
        try:
            result.posts.append(parse_csv_row(values, source_name=source_name, tz=tz))
        except RecordError as exc:
            result.quarantined.append(quarantine(source_name, where, str(exc), values))
    return result


def _read_json(
    path: Path, source_name: str, tz: tzinfo, platform: str | None, options: Mapping[str, Any]
) -> ReadResult:
    result = ReadResult()
    try:
        payload = load_json_file(path)
    except ValueError as exc:
        result.quarantined.append(quarantine(source_name, path.name, f"invalid JSON: {exc}"))
        return result
    records = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(records, list):
        result.quarantined.append(
            quarantine(source_name, path.name, "expected a list of posts or {'data': [...]}")
        )
        return result
    for index, record in enumerate(records):
        try:
            post = parse_library_post(
                record,
                source_name=source_name,
                tz=tz,
                platform=platform,
                base_dir=path.parent,
                options=options,
            )
            result.posts.append(post)
        except RecordError as exc:
            result.quarantined.append(quarantine(source_name, f"{path.name} data[{index}]", str(exc), record))
    return result


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read a Meta export file or a folder of them (.csv and .json); see the module docstring."""
    options = options or {}
    tz = resolve_timezone(options.get("timezone"))
    platform = options.get("platform")
    path = existing_path(location)
    files = (
        sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
        if path.is_dir()
        else [path]
    )
    result = ReadResult()
    for file in files:
        if file.suffix.lower() == ".csv":
            result.extend(_read_csv(file, source_name, tz))
        else:
            result.extend(_read_json(file, source_name, tz, platform, options))
    result.next_cursor = {"since": apply_time_cursor(result, cursor)}
    return result
