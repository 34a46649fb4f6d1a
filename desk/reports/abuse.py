"""Abuse controls of the public form: hashed identities, blocks, and rate limits read from stored reports."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desk.reports.settings import ReportSettings
from saring.db.tables.reports import CitizenReport, CitizenReporter, ReporterBlock


class ReportRefused(Exception):
    """The report is refused as a whole (blocked, too many); ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 429):
        super().__init__(message)
        self.message = message
        self.status = status


def identity_hash(value: str, settings: ReportSettings) -> str:
    """A salted SHA-256 of an address or contact: comparable, not readable."""
    return hashlib.sha256(f"{settings.secret}\x00{value.strip().lower()}".encode()).hexdigest()


def is_blocked(session: Session, ip_hash: str, contact_hash: str | None) -> bool:
    conditions = [ReporterBlock.ip_hash == ip_hash]
    if contact_hash:
        conditions.append(ReporterBlock.contact_hash == contact_hash)
    found = session.scalar(
        select(ReporterBlock.id).where(ReporterBlock.active.is_(True), or_(*conditions)).limit(1)
    )
    return found is not None


def check_limits(
    session: Session, settings: ReportSettings, ip_hash: str, contact_hash: str | None, now: datetime
) -> None:
    """Refuse a blocked reporter, and one over the per-address or per-contact limit."""
    if is_blocked(session, ip_hash, contact_hash):
        raise ReportRefused(
            "Laporan dari alamat atau kontak ini sedang diblokir. Hubungi Diskominfo bila ini keliru.", 403
        )
    per_ip = session.scalar(
        select(func.count(CitizenReport.id)).where(
            CitizenReport.ip_hash == ip_hash, CitizenReport.created_at >= now - timedelta(hours=1)
        )
    )
    if int(per_ip or 0) >= settings.max_per_ip_hour:
        raise ReportRefused("Terlalu banyak laporan dari jaringan ini dalam satu jam. Coba lagi nanti.")
    if contact_hash:
        per_contact = session.scalar(
            select(func.count(CitizenReporter.id))
            .join(CitizenReport, CitizenReport.id == CitizenReporter.report_id)
            .where(
                CitizenReporter.contact_hash == contact_hash,
                CitizenReport.created_at >= now - timedelta(days=1),
            )
        )
        if int(per_contact or 0) >= settings.max_per_contact_day:
            raise ReportRefused("Terlalu banyak laporan dari kontak ini hari ini. Coba lagi besok.")


def block_reporter(session: Session, report_id: int, actor: str, reason: str) -> ReporterBlock | None:
    """Block the contact (or, without one, the address) behind a report; None when the report is gone."""
    report = session.get(CitizenReport, report_id)
    if report is None:
        return None
    reporter = session.scalar(select(CitizenReporter).where(CitizenReporter.report_id == report_id))
    block = ReporterBlock(
        contact_hash=reporter.contact_hash if reporter else None,
        ip_hash=None if reporter else report.ip_hash,
        reason=reason,
        blocked_by=actor,
        active=True,
    )
    session.add(block)
    session.flush()
    return block


def unblock(session: Session, block_id: int) -> bool:
    block = session.get(ReporterBlock, block_id)
    if block is None or not block.active:
        return False
    block.active = False
    return True
