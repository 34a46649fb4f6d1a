"""Times for people: aware UTC inside, local Indonesian wording outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC; SQLite hands timestamps back naive, and they were stored as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def zone_name(tz: ZoneInfo) -> str:
    return _ZONE_NAMES.get(str(tz.key), str(tz.key))


def local_text(value: datetime | None, tz: ZoneInfo) -> str:
    """``17 Mei 2026 14:30 WITA``."""
    value = as_utc(value)
    if value is None:
        return "—"
    local = value.astimezone(tz)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M} {zone_name(tz)}"


def input_value(value: datetime | None, tz: ZoneInfo) -> str:
    """The value a ``datetime-local`` input expects (local time, minutes)."""
    value = as_utc(value)
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value else ""


def age_text(value: datetime | None, now: datetime) -> str:
    """How long ago, in Indonesian (``5 menit``, ``3 jam``, ``2 hari``)."""
    value = as_utc(value)
    if value is None:
        return "—"
    delta = now - value
    if delta < timedelta(0):
        return "baru saja"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "baru saja"
    if minutes < 60:
        return f"{minutes} menit"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} jam"
    return f"{hours // 24} hari"


def until_text(value: datetime | None, now: datetime) -> str:
    """Time left to a deadline, or how late it is."""
    value = as_utc(value)
    if value is None:
        return "—"
    if value < now:
        return "terlambat " + age_text(value, now)
    return "sisa " + age_text(now - (value - now), now)
