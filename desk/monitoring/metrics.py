"""Monitoring and evaluation numbers, computed from plain rows (loading them is desk.monitoring.rows' job).

Definitions (all over the *cohort*: queue items flagged, i.e. queued, within the period; outcomes are counted
up to ``as_of``):
  flagged      items queued in the period
  verified     items with a TRC verdict other than "perlu_investigasi"
  hoax         verified items whose latest such verdict is hoaks, disinformasi or misinformasi
  clarified    items covered by a clarification (theirs or their issue's) published on at least one channel
  time-to-flag          post's posted_at -> queued
  time-to-verdict       queued -> first verdict (other than "perlu_investigasi")
  time-to-clarification queued -> first publication of the covering clarification (items that appeared after
                        it was published count as clarified but not in this duration)
  band precision  of items suggested in band auto/suggest and verified, the share whose verdict cites the
                  suggested fact check (the matcher's real precision)
  deadlines    met: follow-up done by the deadline; missed: done late, or still open after it; pending: open,
               deadline not yet passed
  reach        per clarification first published in the period: its recorded reach and interactions beside
               the hoax posts' (views where captured; interactions = other counters)
Percentiles interpolate linearly between ranks (as numpy's default); durations are in hours.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

HOAX_VERDICTS = frozenset({"hoaks", "disinformasi", "misinformasi"})
VIEW_KEYS = frozenset({"views", "view_count", "reach", "impressions", "plays", "play_count"})
BANDS = ("auto", "suggest")


@dataclass(slots=True)
class ItemRow:
    """One flagged queue item with the times and facts the metrics need."""

    item_id: int
    platform: str
    flagged_at: datetime
    posted_at: datetime | None = None
    category: str | None = None
    kecamatan: str | None = None
    skpd: str | None = None
    band: str | None = None
    best_kb_item_id: int | None = None
    first_verdict_at: datetime | None = None
    verdict: str | None = None
    verdict_kb_item_id: int | None = None
    clarified_at: datetime | None = None


@dataclass(slots=True)
class AssignmentRow:
    """An SKPD follow-up of a flagged item."""

    item_id: int
    skpd: str
    deadline: datetime
    done_at: datetime | None = None


@dataclass(slots=True)
class ClarificationRow:
    """A published clarification with its own reach and the reach of the hoax posts it answers."""

    clarification_id: int
    title: str
    label: str
    first_published_at: datetime
    channels: list[str] = field(default_factory=list)
    reach: int | None = None
    interactions: int | None = None
    hoax_posts: int = 0
    hoax_reach: int = 0
    hoax_interactions: int = 0


@dataclass(slots=True)
class DurationStats:
    """Count, median and 90th percentile of one stage, in hours (None when no item reached it)."""

    n: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(slots=True)
class BandPrecision:
    band: str
    reviewed: int
    confirmed: int

    @property
    def share(self) -> float | None:
        return self.confirmed / self.reviewed if self.reviewed else None


@dataclass(slots=True)
class DeadlineRow:
    skpd: str
    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share_met(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass(slots=True)
class ReachRow:
    clarification_id: int
    title: str
    label: str
    first_published_at: datetime
    channels: list[str]
    reach: int | None
    interactions: int | None
    hoax_posts: int
    hoax_reach: int
    hoax_interactions: int

    @property
    def reach_ratio(self) -> float | None:
        return self.reach / self.hoax_reach if self.reach is not None and self.hoax_reach else None

    @property
    def interaction_ratio(self) -> float | None:
        if self.interactions is None or not self.hoax_interactions:
            return None
        return self.interactions / self.hoax_interactions


@dataclass(slots=True)
class Report:
    """Everything the dashboard, the HTML report and the CSV show."""

    start: date
    end: date  # inclusive
    as_of: datetime
    flagged: int = 0
    verified: int = 0
    hoax: int = 0
    clarified: int = 0
    durations: dict[str, DurationStats] = field(default_factory=dict)
    volumes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    bands: list[BandPrecision] = field(default_factory=list)
    deadlines: list[DeadlineRow] = field(default_factory=list)
    deadline_total: DeadlineRow = field(default_factory=lambda: DeadlineRow("Semua SKPD"))
    reach: list[ReachRow] = field(default_factory=list)
    daily: list[tuple[date, int, int, int]] = field(default_factory=list)
    citizen: Any = None  # desk.monitoring.citizen.CitizenStats (issue 14), filled by build_report


# ---------------------------------------------------------------- small pure helpers


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600.0


def duration_stats(hours: Iterable[float | None]) -> DurationStats:
    values = [h for h in hours if h is not None and h >= 0]
    return DurationStats(n=len(values), median_hours=percentile(values, 50), p90_hours=percentile(values, 90))


def split_engagement(engagement: dict | None) -> tuple[int, int]:
    """(views, interactions) of an engagement dict: view-like counters vs every other numeric counter."""
    views = interactions = 0
    for key, value in (engagement or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if key.lower() in VIEW_KEYS:
            views += int(value)
        else:
            interactions += int(value)
    return views, interactions


def counted(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts, largest first, ties by name."""
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))


# ---------------------------------------------------------------- the report


def _is_verified(row: ItemRow, as_of: datetime) -> bool:
    return row.first_verdict_at is not None and row.first_verdict_at <= as_of


def _is_clarified(row: ItemRow, as_of: datetime) -> bool:
    return row.clarified_at is not None and row.clarified_at <= as_of


def band_precision(items: Sequence[ItemRow], as_of: datetime) -> list[BandPrecision]:
    out = []
    for band in BANDS:
        reviewed = [
            r for r in items if r.band == band and r.best_kb_item_id is not None and _is_verified(r, as_of)
        ]
        confirmed = sum(1 for r in reviewed if r.verdict_kb_item_id == r.best_kb_item_id)
        out.append(BandPrecision(band=band, reviewed=len(reviewed), confirmed=confirmed))
    return out


def deadline_rows(
    assignments: Sequence[AssignmentRow], as_of: datetime
) -> tuple[list[DeadlineRow], DeadlineRow]:
    by_skpd: dict[str, DeadlineRow] = {}
    total = DeadlineRow("Semua SKPD")
    for a in assignments:
        row = by_skpd.setdefault(a.skpd, DeadlineRow(a.skpd))
        done = a.done_at if a.done_at is not None and a.done_at <= as_of else None
        if done is not None:
            kind = "met" if done <= a.deadline else "missed"
        else:
            kind = "missed" if a.deadline < as_of else "pending"
        for target in (row, total):
            setattr(target, kind, getattr(target, kind) + 1)
    return sorted(by_skpd.values(), key=lambda r: r.skpd), total


def daily_counts(
    items: Sequence[ItemRow], start: date, end: date, as_of: datetime, day_of
) -> list[tuple[date, int, int, int]]:  # noqa: ANN001
    """Per local day of the period: items flagged, first verdicts, first publications (of the cohort)."""
    flagged, verified, clarified = Counter(), Counter(), Counter()
    for r in items:
        flagged[day_of(r.flagged_at)] += 1
        if _is_verified(r, as_of):
            verified[day_of(r.first_verdict_at)] += 1
        if _is_clarified(r, as_of):
            clarified[day_of(r.clarified_at)] += 1
    days = []
    current = start
    while current <= end:
        days.append((current, flagged[current], verified[current], clarified[current]))
        current = date.fromordinal(current.toordinal() + 1)
    return days


def compute(
    items: Sequence[ItemRow],
    assignments: Sequence[AssignmentRow],
    clarifications: Sequence[ClarificationRow],
    *,
    start: date,
    end: date,
    as_of: datetime,
    day_of=None,  # noqa: ANN001
    labels: dict[str, dict[str, str]] | None = None,
) -> Report:
    """The report of a cohort (the rows must already be limited to items flagged in the period)."""
    labels = labels or {}
    day_of = day_of or (lambda moment: moment.date())
    report = Report(start=start, end=end, as_of=as_of)
    items = [r for r in items if r.flagged_at <= as_of]  # the state at as_of: later items did not exist yet
    known = {r.item_id for r in items}
    assignments = [a for a in assignments if a.item_id in known]
    report.flagged = len(items)
    verified = [r for r in items if _is_verified(r, as_of)]
    report.verified = len(verified)
    report.hoax = sum(1 for r in verified if r.verdict in HOAX_VERDICTS)
    report.clarified = sum(1 for r in items if _is_clarified(r, as_of))
    report.durations = {
        "flag": duration_stats(hours_between(r.posted_at, r.flagged_at) for r in items),
        "verdict": duration_stats(hours_between(r.flagged_at, r.first_verdict_at) for r in verified),
        "clarification": duration_stats(
            hours_between(r.flagged_at, r.clarified_at) for r in items if _is_clarified(r, as_of)
        ),
    }

    def named(dimension: str, value: str | None, missing: str) -> str:
        return labels.get(dimension, {}).get(value, value) if value else missing

    report.volumes = {
        "platform": counted(named("platform", r.platform, "Tidak diketahui") for r in items),
        "category": counted(named("category", r.category, "Belum dikategorikan") for r in items),
        "kecamatan": counted(named("kecamatan", r.kecamatan, "Tidak diketahui") for r in items),
        "skpd": counted(named("skpd", r.skpd, "Belum ditugaskan") for r in items),
    }
    report.bands = band_precision(items, as_of)
    report.deadlines, report.deadline_total = deadline_rows(assignments, as_of)
    report.reach = [
        ReachRow(
            c.clarification_id,
            c.title,
            c.label,
            c.first_published_at,
            list(c.channels),
            c.reach,
            c.interactions,
            c.hoax_posts,
            c.hoax_reach,
            c.hoax_interactions,
        )
        for c in sorted(clarifications, key=lambda c: (c.first_published_at, c.clarification_id))
        if c.first_published_at <= as_of
    ]
    report.daily = daily_counts(items, start, end, as_of, day_of)
    return report
