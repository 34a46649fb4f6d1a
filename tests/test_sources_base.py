"""Shared parsing helpers of the connectors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.sources.base import (
    RecordError,
    SourceError,
    normalise_platform,
    parse_count,
    parse_datetime,
    resolve_timezone,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14T08:21:00Z", datetime(2025, 3, 14, 8, 21, tzinfo=UTC)),
        ("2025-03-14T08:21:00.000Z", datetime(2025, 3, 14, 8, 21, tzinfo=UTC)),
        ("2025-03-14T08:21:00+0700", datetime(2025, 3, 14, 1, 21, tzinfo=UTC)),
        ("2025-03-14 08:21", datetime(2025, 3, 14, 0, 21, tzinfo=UTC)),  # naive -> WITA
        ("14/03/2025 08:21", datetime(2025, 3, 14, 0, 21, tzinfo=UTC)),
        (1741914900, datetime(2025, 3, 14, 1, 15, tzinfo=UTC)),
        ("1741914900000", datetime(2025, 3, 14, 1, 15, tzinfo=UTC)),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


def test_parse_datetime_errors_and_month_first():
    assert parse_datetime("03/04/2025", day_first=False, tz=UTC) == datetime(2025, 3, 4, tzinfo=UTC)
    for bad in (None, "", "kemarin", True, [2025]):
        with pytest.raises(RecordError):
            parse_datetime(bad)


def test_parse_count():
    assert parse_count("12,400") == 12400
    assert parse_count("12.400") == 12400
    assert parse_count(" 7 ") == 7
    assert parse_count(None) == 0
    assert parse_count(3.0) == 3
    for bad in ("banyak", -1, True, {"n": 1}):
        with pytest.raises(RecordError):
            parse_count(bad)


def test_timezones_and_platforms():
    assert resolve_timezone("WIB").utcoffset(datetime(2025, 1, 1)) == timedelta(hours=7)
    assert resolve_timezone("+09:00").utcoffset(None) == timedelta(hours=9)
    with pytest.raises(SourceError):
        resolve_timezone("Mars/Olympus")
    assert normalise_platform("Twitter") == "x"
    assert normalise_platform("WA") == "whatsapp"
    assert normalise_platform("mastodon") == "mastodon"
    with pytest.raises(RecordError):
        normalise_platform("")
