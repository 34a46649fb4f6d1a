"""Storing a checked report: its post (source ``aduan``), the report, its reporter and screenshot, at once."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.reports.abuse import check_limits, identity_hash
from desk.reports.intake import CleanReport
from desk.reports.settings import ReportSettings
from pipelines import store as post_store
from pipelines.collect import prepare_posts
from pipelines.records import PostRecord
from saring.config import get_settings
from saring.db.tables.core import Post
from saring.db.tables.reports import CitizenReport, CitizenReporter

log = logging.getLogger(__name__)
SOURCE_NAME = "aduan"
SOURCE_KIND = "report_form"
PLATFORM = "aduan"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


@dataclass(frozen=True, slots=True)
class StoredReport:
    report_id: int
    post_id: int
    tracking_code: str


def new_tracking_code() -> str:
    return "LP-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def screenshot_dir(settings: ReportSettings) -> Path:
    return settings.screenshot_dir or get_settings().home / "reports" / "screenshots"


def post_text(report: CleanReport) -> str:
    """What scoring and clustering read: the reporter's text, or the link when there is no text.

    The link is kept in the post's ``url``, not appended to a text: its words (host, path, ids) would pull
    two copies of one hoax below the near-duplicate threshold. Reports of the same link join one issue
    in :mod:`pipelines.report_clusters`.
    """
    return report.text or report.link or ""


def _posted_at(report: CleanReport, now: datetime) -> datetime:
    if report.seen_on >= now.date():
        return now
    return datetime.combine(report.seen_on, time(12), UTC)


def _save_screenshot(data: bytes, kind: str, settings: ReportSettings) -> tuple[str, Path, bool]:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    folder = screenshot_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.{kind}"
    if path.exists():
        return digest, path, False
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return digest, path, True


def save_report(
    session: Session, report: CleanReport, settings: ReportSettings, *, ip: str, now: datetime | None = None
) -> StoredReport:
    """Check limits and blocks, then store everything in the caller's transaction (commit is theirs).

    A screenshot file written here is removed again if the transaction fails (see :func:`discard_file`).
    """
    now = now or datetime.now(UTC)
    ip_hash = identity_hash(ip, settings)
    contact_hash = identity_hash(report.contact, settings) if report.contact else None
    check_limits(session, settings, ip_hash, contact_hash, now)
    code = new_tracking_code()
    while session.scalar(select(CitizenReport.id).where(CitizenReport.tracking_code == code)):
        code = new_tracking_code()

    digest = None
    if report.screenshot and report.image:
        digest, path, created = _save_screenshot(report.screenshot, report.image.kind, settings)
        if created:
            session.info.setdefault("report_files", []).append(path)
    raw = {
        "laporan": code,
        "platform_terlihat": report.platform,
        "tanggal_terlihat": report.seen_on.isoformat(),
        "kecamatan": report.kecamatan,
        "desa": report.desa,
        "tangkapan_layar": digest,
    }
    record = PostRecord(
        source=SOURCE_NAME,
        platform=PLATFORM,
        external_id=code,
        text=post_text(report),
        url=report.link,
        posted_at=_posted_at(report, now),
        captured_at=now,
        raw=raw,
    )
    source = post_store.ensure_source(session, SOURCE_NAME, kind=SOURCE_KIND, location="/lapor")
    post_store.upsert_posts(session, source, prepare_posts([record]))
    post = session.scalars(select(Post).where(Post.source_id == source.id, Post.external_id == code)).one()
    row = CitizenReport(
        tracking_code=code,
        post_id=post.id,
        seen_platform=report.platform,
        link=report.link,
        link_key=report.link_key,
        seen_on=report.seen_on,
        kecamatan=report.kecamatan,
        desa=report.desa,
        screenshot_sha256=digest,
        screenshot_type=report.image.kind if report.image else None,
        ip_hash=ip_hash,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if report.contact and report.answer_channel:
        session.add(
            CitizenReporter(
                report_id=row.id,
                channel=report.answer_channel,
                contact=report.contact,
                contact_hash=contact_hash,
                consent_at=now,
                delete_after=now + timedelta(days=settings.retention_days),
            )
        )
    session.flush()
    return StoredReport(row.id, post.id, code)


def discard_files(session: Session) -> None:
    """Remove screenshot files written by a transaction that was rolled back (nothing half-stored)."""
    for path in session.info.pop("report_files", []):
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path)


def kept_files(session: Session) -> None:
    """Forget the files of a committed transaction."""
    session.info.pop("report_files", None)
