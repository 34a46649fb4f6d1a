"""Input checks shared by pages, API and CLI: every problem gets a clear Indonesian message."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

MAX_COMMENT_CHARS = 4000
MAX_REASON_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """One or more fields are wrong; ``errors`` maps field name -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean_text(
    value: str | None, *, field: str, label: str, max_chars: int, required: bool, errors: dict[str, str]
) -> str:
    """Stripped text without control characters; records a message in ``errors`` when it does not fit."""
    text = _CONTROL.sub("", value or "").strip()
    if required and not text:
        errors[field] = f"{label} wajib diisi."
    elif len(text) > max_chars:
        errors[field] = f"{label} terlalu panjang ({len(text)} karakter; maksimal {max_chars})."
    return text


def clean_url(value: str | None, *, field: str, label: str, errors: dict[str, str]) -> str | None:
    """An http(s) URL or None; anything else is an error."""
    text = (value or "").strip()
    if not text:
        return None
    parsed = urlparse(text)
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or len(text) > 2000
        or any(c.isspace() for c in text)
    ):
        errors[field] = f"{label} harus berupa tautan http:// atau https:// yang sah."
        return None
    return text


def parse_local_datetime(
    value: str | None, tz: ZoneInfo, *, field: str, label: str, errors: dict[str, str]
) -> datetime | None:
    """Parse ``YYYY-MM-DDTHH:MM`` (local time, or ISO with an offset) into UTC."""
    text = (value or "").strip()
    if not text:
        errors[field] = f"{label} wajib diisi."
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        errors[field] = f"{label} tidak valid: gunakan format TTTT-BB-HH JJ:MM, misalnya 2026-05-17 14:30."
        return None
    if not 2000 <= parsed.year <= 2100:
        errors[field] = f"{label} di luar rentang yang masuk akal (tahun 2000–2100)."
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def parse_int(
    value: str | int | None, *, field: str, label: str, errors: dict[str, str], required: bool = False
) -> int | None:
    """An integer id from a form or JSON value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = f"{label} wajib dipilih."
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label} tidak valid."
        return None
    if number < 0 or number > 2**62:
        errors[field] = f"{label} tidak valid."
        return None
    return number
