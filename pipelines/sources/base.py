"""What every connector shares: the read result, the reader protocol, errors and value parsing."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.records import PostRecord, QuarantinedRecord
from saring.media.records import MediaRef

log = logging.getLogger(__name__)

#: Naive timestamps in exports are read in this zone unless a source sets ``options.timezone``
#: (Kotabaru, the default Pemda, is in Kalimantan Selatan: WITA, UTC+8).
DEFAULT_TIMEZONE = "Asia/Makassar"

ENGAGEMENT_KEYS = ("likes", "shares", "comments", "views")

_ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura", "UTC": "UTC"}


class SourceError(Exception):
    """A source cannot be read at all (bad location, permanent HTTP error); retrying will not help."""


class TransientSourceError(SourceError):
    """A network failure or 5xx answer: the flow should retry later."""


@dataclass(slots=True)
class ReadResult:
    """What one read of a source produced: posts, quarantined records, and the cursor to resume from."""

    posts: list[PostRecord] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    next_cursor: dict[str, Any] | None = None

    def extend(self, other: ReadResult) -> None:
        """Append another result's posts and quarantined records (the cursor is left alone)."""
        self.posts.extend(other.posts)
        self.quarantined.extend(other.quarantined)


@runtime_checkable
class SourceReader(Protocol):
    """A connector: ``read(location, source_name=..., cursor=..., options=...) -> ReadResult``.

    ``cursor`` is the ``next_cursor`` of the previous run (a JSON-serialisable dict) or None for a
    first run; ``options`` are the source entry's free-form options (e.g. ``timezone``).
    """

    def __call__(
        self,
        location: str | Path,
        *,
        source_name: str,
        cursor: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ReadResult: ...


class RecordError(ValueError):
    """Raised inside a connector for one malformed record; turned into a QuarantinedRecord."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def resolve_timezone(name: str | None) -> tzinfo:
    """An IANA name, WIB/WITA/WIT, or a "+08:00" offset as a tzinfo (default: WITA)."""
    name = (name or DEFAULT_TIMEZONE).strip()
    name = _ZONE_ALIASES.get(name.upper(), name)
    match = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})?", name)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return timezone(sign * delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceError(f"unknown timezone {name!r}") from exc


_DAY_FIRST = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
_MONTH_FIRST = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def parse_datetime(value: Any, *, tz: tzinfo | None = None, day_first: bool = True) -> datetime:
    """Parse ISO 8601 (with Z or +0000), unix seconds/milliseconds, or d/m/Y text into aware UTC.

    Naive values are read in ``tz`` (default: :data:`DEFAULT_TIMEZONE`). Raises RecordError.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError("missing date")
    if isinstance(value, bool):
        raise RecordError(f"bad date {value!r}")
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\d{9,13}", value.strip())
    ):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000.0
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RecordError(f"bad date {value!r}") from exc
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip(), day_first=day_first)
    else:
        raise RecordError(f"bad date {value!r} (type {type(value).__name__})")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz or resolve_timezone(None))
    return parsed.astimezone(UTC)


def _parse_date_text(text: str, *, day_first: bool) -> datetime:
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # +0000 -> +00:00
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    formats = _DAY_FIRST + _MONTH_FIRST if day_first else _MONTH_FIRST + _DAY_FIRST
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise RecordError(f"bad date {text!r}")


def parse_count(value: Any, *, field_name: str = "count") -> int:
    """An engagement count from int, float or text ("12,400", "1.234", "") as a non-negative int."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise RecordError(f"bad {field_name} {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):  # thousands separators, either locale
            text = re.sub(r"[.,]", "", text)
        try:
            number = int(float(text))
        except ValueError as exc:
            raise RecordError(f"bad {field_name} {value!r}") from exc
    else:
        raise RecordError(f"bad {field_name} {value!r} (type {type(value).__name__})")
    if number < 0:
        raise RecordError(f"negative {field_name} {value!r}")
    return number


def engagement(likes: Any = 0, shares: Any = 0, comments: Any = 0, views: Any = 0) -> dict[str, int]:
    """The four engagement counts at capture time (0 where the source does not report one)."""
    return {
        "likes": parse_count(likes, field_name="likes"),
        "shares": parse_count(shares, field_name="shares"),
        "comments": parse_count(comments, field_name="comments"),
        "views": parse_count(views, field_name="views"),
    }


def require_text(value: Any, what: str = "text") -> str:
    """A non-empty string, or RecordError ("missing text" / "wrong type")."""
    if value is None:
        raise RecordError(f"missing {what}")
    if not isinstance(value, str):
        raise RecordError(f"{what} has wrong type {type(value).__name__}")
    if not value.strip():
        raise RecordError(f"empty {what}")
    return value


def require_id(value: Any, what: str = "id") -> str:
    """An id as a string (ints are accepted: some APIs send them as numbers)."""
    if isinstance(value, bool) or value is None or value == "":
        raise RecordError(f"missing {what}")
    if isinstance(value, int | str):
        return str(value).strip()
    raise RecordError(f"{what} has wrong type {type(value).__name__}")


def clip_raw(value: Any, limit: int = 2000) -> str:
    """A short printable copy of a bad record for the quarantine list."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quarantine(source: str, position: str, reason: str, raw: Any = "") -> QuarantinedRecord:
    """A QuarantinedRecord with the raw value clipped to a printable string."""
    return QuarantinedRecord(
        source=source, position=position, reason=reason, raw=clip_raw(raw) if raw else ""
    )


def cursor_since(cursor: Mapping[str, Any] | None) -> datetime | None:
    """The ``since`` timestamp of a cursor (ISO text) or None."""
    if not cursor or not cursor.get("since"):
        return None
    try:
        return parse_datetime(cursor["since"], tz=UTC)
    except RecordError:
        log.warning("ignoring unreadable cursor since=%r", cursor.get("since"))
        return None


def later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two optional datetimes."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def iso(value: datetime | None) -> str | None:
    """ISO text of an optional datetime (for cursors)."""
    return value.isoformat() if value else None


def load_json_file(path: Path) -> Any:
    """Read a JSON file (UTF-8, BOM tolerated); raises ValueError on bad JSON."""
    return json.loads(path.read_text(encoding="utf-8-sig"))


def existing_path(location: str | Path) -> Path:
    """The location as an existing Path, or SourceError."""
    path = Path(location).expanduser()
    if not path.exists():
        raise SourceError(f"location not found: {path}")
    return path


def read_text_lenient(path: Path) -> str:
    """Read text as UTF-8 (BOM tolerated), falling back to cp1252 for Excel-made files."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("%s is not UTF-8; reading it as cp1252", path)
        return data.decode("cp1252", errors="replace")


@dataclass(slots=True)
class JsonDocument:
    """One JSON document read from a location, with a human position prefix ("x.jsonl line 3")."""

    position: str
    payload: Any


JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def read_json_documents(
    location: str | Path, source_name: str
) -> tuple[list[JsonDocument], list[QuarantinedRecord]]:
    """Every JSON document at a location: a .json file, a .jsonl file (one document a line), or a folder.

    Unparseable files or lines are quarantined; a missing location raises SourceError.
    """
    path = existing_path(location)
    files = (
        sorted(p for p in path.iterdir() if p.suffix.lower() in JSON_SUFFIXES) if path.is_dir() else [path]
    )
    docs: list[JsonDocument] = []
    bad: list[QuarantinedRecord] = []
    for file in files:
        text = read_text_lenient(file)
        if file.suffix.lower() in (".jsonl", ".ndjson"):
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    docs.append(JsonDocument(f"{file.name} line {number}", json.loads(line)))
                except ValueError as exc:
                    bad.append(
                        quarantine(source_name, f"{file.name} line {number}", f"invalid JSON: {exc}", line)
                    )
            continue
        try:
            payload = json.loads(text)
        except ValueError as exc:
            bad.append(quarantine(source_name, file.name, f"invalid JSON: {exc}", text[:500]))
            continue
        docs.append(JsonDocument(file.name, payload))
    return docs, bad


def apply_time_cursor(result: ReadResult, cursor: Mapping[str, Any] | None) -> str | None:
    """Drop posts published before the cursor's ``since``; return the new ``since`` (ISO) to store."""
    since = cursor_since(cursor)
    if since is not None:
        result.posts = [p for p in result.posts if p.posted_at is None or p.posted_at >= since]
    newest = since
    for post in result.posts:
        newest = later(newest, post.posted_at)
    return iso(newest)


_PLATFORM_ALIASES = {
    "twitter": "x",
    "x.com": "x",
    "fb": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "wa": "whatsapp",
    "whatsapp group": "whatsapp",
    "tt": "tiktok",
    "yt": "youtube",
    "tg": "telegram",
    "berita": "news",
    "portal berita": "news",
}


def normalise_platform(value: Any) -> str:
    """A platform name in the project's spelling (twitter → x, fb → facebook, wa → whatsapp, …)."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError("missing platform")
    name = value.strip().lower()
    return _PLATFORM_ALIASES.get(name, name)


def media_refs(
    value: Any, *, base_dir: Path | None, options: Mapping[str, Any] | None = None, kind: str = "image"
) -> list[MediaRef]:
    """A record's ``media`` (a list of ``{"path": …}`` / ``{"url": …}`` or plain strings) as references.

    A path is relative to ``base_dir`` (the record's file) and must stay inside it; an URL is fetched later
    only when the source sets ``options.fetch_media``. An entry that makes no sense becomes an empty
    reference, quarantined with its reason when the media are processed (the post itself goes on)."""
    if value in (None, "", []):
        return []
    items = value if isinstance(value, list) else [value]
    fetch = bool((options or {}).get("fetch_media"))
    refs: list[MediaRef] = []
    for item in items:
        if isinstance(item, str):
            item = {"url": item} if re.match(r"(?i)https?://", item) else {"path": item}
        if not isinstance(item, Mapping):
            refs.append(MediaRef(kind=kind, problem=f"media entry has wrong type {type(item).__name__}"))
            continue
        url = item.get("url") or item.get("media_url") or item.get("uri_url")
        path = item.get("path") or item.get("uri") or item.get("file")
        item_kind = str(item.get("type") or item.get("kind") or kind)
        if isinstance(path, str) and path and not re.match(r"(?i)https?://", path):
            inside = _inside(base_dir, path)
            problem = None if inside else f"media path outside the source's folder: {path}"
            refs.append(MediaRef(path=inside, kind=item_kind, problem=problem, given=path))
        elif isinstance(path, str) and path:
            refs.append(MediaRef(url=path, kind=item_kind, fetch=fetch))
        elif isinstance(url, str) and url:
            refs.append(MediaRef(url=url, kind=item_kind, fetch=fetch))
        else:
            refs.append(MediaRef(kind=item_kind, problem="media entry has neither path nor url"))
    return refs


def _inside(base_dir: Path | None, path: str) -> str | None:
    """The absolute path of ``path`` under ``base_dir``; None when it leaves it."""
    if base_dir is None:
        return None
    base = Path(base_dir).resolve()
    target = (base / path).resolve()
    return str(target) if target == base or base in target.parents else None
