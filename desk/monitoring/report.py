"""The monitoring and evaluation report: built once, shown on the dashboard, exported as HTML or CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from desk.monitoring.charts import STAGE_LABELS, all_charts
from desk.monitoring.metrics import Report, compute
from desk.monitoring.rows import labels, load_cohort
from desk.services.timefmt import MONTHS, as_utc, local_text
from saring.db.base import utcnow

DESK_DIR = Path(__file__).resolve().parent.parent
VOLUME_TITLES = {
    "platform": "Per platform",
    "category": "Per kategori",
    "kecamatan": "Per kecamatan",
    "skpd": "Per SKPD penanggung jawab",
}
BAND_LABELS = {"auto": "Otomatis (auto)", "suggest": "Saran (suggest)"}


class PeriodInvalid(ValueError):
    """A report period that cannot be used; the message is for the officer."""


@dataclass(slots=True)
class RenderedReport:
    """A report and its charts (data URIs), ready for a page."""

    report: Report
    charts: dict[str, str]
    tz: ZoneInfo


def parse_period(
    start: str | None, end: str | None, *, default_days: int = 30, today: date | None = None
) -> tuple[date, date]:
    """``YYYY-MM-DD`` strings -> dates; missing ones default to the last ``default_days`` days."""
    today = today or date.today()
    try:
        end_day = date.fromisoformat(end) if end else today
        start_day = (
            date.fromisoformat(start) if start else date.fromordinal(end_day.toordinal() - default_days + 1)
        )
    except ValueError as exc:
        raise PeriodInvalid("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-05-01.") from exc
    if start_day > end_day:
        raise PeriodInvalid("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")
    if (end_day - start_day).days > 366:
        raise PeriodInvalid("Periode laporan paling panjang satu tahun.")
    return start_day, end_day


def build_report(
    session: Session, start: date, end: date, tz: ZoneInfo, *, as_of: datetime | None = None
) -> Report:
    """Load the cohort of items queued from ``start`` to ``end`` (local days, inclusive) and compute it."""
    cohort = load_cohort(session, start, end, tz)
    report = compute(
        cohort.items,
        cohort.assignments,
        cohort.clarifications,
        start=start,
        end=end,
        as_of=as_utc(as_of) or utcnow(),
        day_of=lambda m: as_utc(m).astimezone(tz).date(),
        labels=labels(),
    )
    from desk.monitoring.citizen import load_citizen_stats

    report.citizen = load_citizen_stats(session, start, end, tz, report.as_of)
    return report


def render(report: Report, tz: ZoneInfo) -> RenderedReport:
    return RenderedReport(report=report, charts=all_charts(report, VOLUME_TITLES), tz=tz)


# ---------------------------------------------------------------- HTML


def hours_text(value: float | None) -> str:
    """``3,5 jam`` / ``2,1 hari``; a dash when unknown."""
    if value is None:
        return "—"
    if value < 48:
        return f"{value:.1f} jam".replace(".", ",")
    return f"{value / 24:.1f} hari".replace(".", ",")


def number_text(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,.0f}".replace(",", ".")


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×".replace(".", ",")


def day_text(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _environment(tz: ZoneInfo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(DESK_DIR / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        jam=hours_text,
        angka=number_text,
        persen=percent_text,
        rasio=ratio_text,
        hari=day_text,
        waktu=lambda v: local_text(v, tz),
    )
    env.globals.update(STAGE_LABELS=STAGE_LABELS, VOLUME_TITLES=VOLUME_TITLES, BAND_LABELS=BAND_LABELS)
    return env


def render_body(rendered: RenderedReport, *, links: dict[str, str] | None = None) -> Markup:
    """The report's sections (shared by the dashboard page and the standalone file)."""
    env = _environment(rendered.tz)
    html = env.get_template("monitoring/_report.html").render(
        r=rendered.report, charts=rendered.charts, links=links or {}
    )
    return Markup(html)


def render_standalone(rendered: RenderedReport, *, kabupaten: str) -> str:
    """A single self-contained HTML file (styles and charts inside), e.g. for e-mail or the archive."""
    css = "\n".join(
        (DESK_DIR / "static" / name).read_text(encoding="utf-8") for name in ("desk.css", "comms.css")
    )
    env = _environment(rendered.tz)
    return env.get_template("monitoring/standalone.html").render(
        body=render_body(rendered), css=Markup(css), kabupaten=kabupaten, r=rendered.report
    )


# ---------------------------------------------------------------- CSV

CSV_HEADER = ("bagian", "metrik", "kunci", "nilai", "satuan")


def csv_rows(report: Report) -> list[tuple]:
    """The report in long form: one number per row."""
    rows: list[tuple] = [
        ("periode", "dari", "", report.start.isoformat(), "tanggal"),
        ("periode", "sampai", "", report.end.isoformat(), "tanggal"),
        ("periode", "dihitung_pada", "", as_utc(report.as_of).isoformat(timespec="seconds"), "waktu UTC"),
        ("ringkasan", "ditandai", "", report.flagged, "item"),
        ("ringkasan", "diverifikasi", "", report.verified, "item"),
        ("ringkasan", "terkonfirmasi_hoaks", "", report.hoax, "item"),
        ("ringkasan", "diklarifikasi", "", report.clarified, "item"),
    ]
    for stage, stats in report.durations.items():
        rows.append(("durasi", stage, "n", stats.n, "item"))
        rows.append(("durasi", stage, "median", _round(stats.median_hours), "jam"))
        rows.append(("durasi", stage, "p90", _round(stats.p90_hours), "jam"))
    if report.citizen is not None:
        c = report.citizen
        rows.append(("laporan_warga", "diterima", "", c.received, "laporan"))
        rows.append(("laporan_warga", "dijawab", "", c.answered, "laporan"))
        rows.append(("laporan_warga", "proporsi_dijawab", "", _round(c.share_answered, 4), "proporsi"))
        rows.append(("laporan_warga", "waktu_jawab", "median", _round(c.time_to_answer.median_hours), "jam"))
        rows.append(("laporan_warga", "waktu_jawab", "p90", _round(c.time_to_answer.p90_hours), "jam"))
    for dimension, counts in report.volumes.items():
        rows.extend(("volume", dimension, key, count, "item") for key, count in counts)
    for band in report.bands:
        rows.append(("pita", band.band, "ditinjau", band.reviewed, "item"))
        rows.append(("pita", band.band, "dikonfirmasi", band.confirmed, "item"))
        rows.append(("pita", band.band, "presisi", _round(band.share, 4), "proporsi"))
    for row in [*report.deadlines, report.deadline_total]:
        rows.append(("tenggat", row.skpd, "tepat_waktu", row.met, "penugasan"))
        rows.append(("tenggat", row.skpd, "terlambat", row.missed, "penugasan"))
        rows.append(("tenggat", row.skpd, "belum_jatuh_tempo", row.pending, "penugasan"))
    for r in report.reach:
        key = f"klarifikasi-{r.clarification_id}"
        rows.append(("jangkauan", key, "judul", r.title, ""))
        rows.append(
            ("jangkauan", key, "terbit_pertama", as_utc(r.first_published_at).isoformat(), "waktu UTC")
        )
        rows.append(("jangkauan", key, "kanal", " ".join(r.channels), ""))
        rows.append(
            ("jangkauan", key, "jangkauan_klarifikasi", r.reach if r.reach is not None else "", "orang")
        )
        rows.append(
            (
                "jangkauan",
                key,
                "interaksi_klarifikasi",
                r.interactions if r.interactions is not None else "",
                "interaksi",
            )
        )
        rows.append(("jangkauan", key, "unggahan_hoaks", r.hoax_posts, "unggahan"))
        rows.append(("jangkauan", key, "tayangan_hoaks", r.hoax_reach, "tayangan"))
        rows.append(("jangkauan", key, "interaksi_hoaks", r.hoax_interactions, "interaksi"))
        rows.append(("jangkauan", key, "rasio_jangkauan", _round(r.reach_ratio, 4), "proporsi"))
    for day, flagged, verified, clarified in report.daily:
        rows.append(("harian", "ditandai", day.isoformat(), flagged, "item"))
        rows.append(("harian", "diverifikasi", day.isoformat(), verified, "item"))
        rows.append(("harian", "diklarifikasi", day.isoformat(), clarified, "item"))
    return rows


def _round(value: float | None, digits: int = 2) -> float | str:
    return "" if value is None else round(value, digits)


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return buffer.getvalue()
