"""Answering reporters: when a report's issue is decided, every reporter of it gets a rendered message."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.reports.outbox import enqueue
from desk.reports.settings import ReportSettings
from desk.reports.tracking import (
    HOAX_VERDICTS,
    cluster_queue_items,
    final_decision,
    published_clarification,
)
from desk.services.decisions import VERDICTS
from desk.services.timefmt import as_utc
from saring.config import get_settings
from saring.db.tables.core import QueueItem
from saring.db.tables.reports import CitizenReport, CitizenReporter

log = logging.getLogger(__name__)
SMS_CHARS = 320


def render_answer(
    channel: str, code: str, verdict: str, clarification: tuple[str, str] | None, status_url: str
) -> tuple[str, str]:
    """(subject, text) of an answer for one channel: WhatsApp, SMS or e-mail."""
    kabupaten = get_settings().kabupaten
    label = VERDICTS.get(verdict, verdict)
    subject = f"Jawaban laporan {code}: {label}"
    if channel == "sms":
        text = (
            f"Saring {kabupaten}: laporan {code} sudah diperiksa TRC. Hasil: {label}. Rincian: {status_url}"
        )
        return subject, text[:SMS_CHARS]
    lines = [
        f"*Saring – Pemerintah Kabupaten {kabupaten}*"
        if channel == "whatsapp"
        else f"Pemerintah Kabupaten {kabupaten}",
        "",
        f"Terima kasih atas laporan Anda ({code}).",
        f"Hasil pemeriksaan Tim Reaksi Cepat: {'*' + label + '*' if channel == 'whatsapp' else label}.",
    ]
    if clarification:
        lines += ["", clarification[0], "", clarification[1]]
    lines += ["", f"Status laporan: {status_url}", "", "Saring sebelum sharing."]
    return subject, "\n".join(lines)


def status_url(settings: ReportSettings, code: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/lapor/{code}"


def _sync_place(session: Session, report: CitizenReport) -> None:
    """Give the report's queue item the reporter's kecamatan when the text named none (for routing)."""
    if report.kecamatan:
        item = session.scalar(select(QueueItem).where(QueueItem.post_id == report.post_id))
        if item is not None and not item.kecamatan:
            item.kecamatan = report.kecamatan


def answer_decided(session: Session, settings: ReportSettings, now: datetime | None = None) -> dict[str, int]:
    """Mark reports whose issue is decided as answered and queue one message per reporter.

    Idempotent: a report is answered once per verdict (the outbox key holds the verdict's id). A hoax
    verdict waits up to ``wait_for_clarification_hours`` for comms to publish the clarification text.
    """
    now = now or datetime.now(UTC)
    stats = {"answered": 0, "messages": 0, "waiting": 0}
    reports = list(session.scalars(select(CitizenReport).where(CitizenReport.answered_at.is_(None))))
    for report in reports:
        _sync_place(session, report)
        items = cluster_queue_items(session, report.post_id)
        decision = final_decision(session, items)
        if decision is None:
            continue
        clarification = published_clarification(session, items)
        waited = now - as_utc(decision.decided_at)
        if (
            decision.verdict in HOAX_VERDICTS
            and clarification is None
            and waited < timedelta(hours=settings.wait_for_clarification_hours)
        ):
            stats["waiting"] += 1
            continue
        report.answered_at, report.answer_verdict = now, decision.verdict
        stats["answered"] += 1
        reporter = session.scalar(select(CitizenReporter).where(CitizenReporter.report_id == report.id))
        if reporter is None:
            continue
        subject, body = render_answer(
            reporter.channel,
            report.tracking_code,
            decision.verdict,
            clarification,
            status_url(settings, report.tracking_code),
        )
        added = enqueue(
            session,
            key=f"jawaban:{report.id}:{decision.verdict_id}",
            purpose="jawaban",
            topic="jawaban",
            channel=reporter.channel,
            recipient=reporter.contact,
            subject=subject,
            body=body,
            report_id=report.id,
        )
        stats["messages"] += int(added)
    return stats
