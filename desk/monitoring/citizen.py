"""Citizen reports on the M&E dashboard: how many came in, the share answered, and the time to answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.monitoring.metrics import DurationStats, duration_stats, hours_between
from desk.monitoring.rows import period_bounds
from desk.services.timefmt import as_utc
from saring.db.tables.reports import CitizenReport


@dataclass(slots=True)
class CitizenStats:
    """Reports received in the period, how many were answered by ``as_of``, and how fast."""

    received: int = 0
    answered: int = 0
    time_to_answer: DurationStats | None = None

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.received if self.received else None


def citizen_stats(rows: list[tuple[datetime, datetime | None]], as_of: datetime) -> CitizenStats:
    """From (received, answered) pairs; an answer after ``as_of`` does not count yet."""
    answered = [(r, a) for r, a in rows if a is not None and as_utc(a) <= as_of]
    return CitizenStats(
        received=len(rows),
        answered=len(answered),
        time_to_answer=duration_stats(hours_between(as_utc(r), as_utc(a)) for r, a in answered),
    )


def load_citizen_stats(
    session: Session, start: date, end: date, tz: ZoneInfo, as_of: datetime
) -> CitizenStats:
    """The reports received from ``start`` to ``end`` (local days, inclusive)."""
    start_utc, end_utc = period_bounds(start, end, tz)
    rows = session.execute(
        select(CitizenReport.created_at, CitizenReport.answered_at).where(
            CitizenReport.created_at >= start_utc, CitizenReport.created_at < end_utc
        )
    ).all()
    return citizen_stats([(r.created_at, r.answered_at) for r in rows], as_utc(as_of))
