"""TRC alerts through the outbox: new auto-linked hoaxes, impersonation, overdue SKPD work, a daily digest.

Each alert is keyed (topic + what it is about + recipient), so a scheduled re-run never repeats one, and
each is written to the audit log. Who gets which topic is configured per role (``alert_roles`` and the
addresses in ``alert_emails``), plus one webhook for every topic when ``alert_webhook_url`` is set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.reports.outbox import enqueue
from desk.reports.settings import ReportSettings
from desk.services import audit
from desk.services.categories import category_label
from pipelines.scoring import is_known_hoax
from saring.config import get_settings
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import KBItem, Post, QueueItem, Verdict
from saring.db.tables.desk import Assignment, Skpd
from saring.db.tables.reports import CitizenReport

TOPICS = {
    "hoaks_baru": "Hoaks baru terdeteksi",
    "akun_palsu": "Akun palsu / penipuan",
    "terlambat": "Tindak lanjut SKPD terlambat",
    "ringkasan": "Ringkasan harian",
}


def recipients(settings: ReportSettings, topic: str) -> list[tuple[str, str]]:
    """(channel, address) pairs for a topic: e-mails of its roles, and the alert webhook."""
    found: list[tuple[str, str]] = []
    for role in settings.alert_roles.get(topic, []):
        for email in settings.alert_emails.get(role, []):
            if ("email", email) not in found:
                found.append(("email", email))
    if settings.alert_webhook_url and settings.alert_roles.get(topic):
        found.append(("webhook", settings.alert_webhook_url))
    return found


def raise_alert(
    session: Session, settings: ReportSettings, topic: str, about: str, title: str, body: str
) -> int:
    """Queue the alert for every recipient of its topic once; logged in the audit trail. Messages added."""
    added = 0
    subject = f"[Saring {get_settings().kabupaten}] {TOPICS[topic]}: {title}"[:300]
    for channel, address in recipients(settings, topic):
        if enqueue(
            session,
            key=f"{topic}:{about}:{channel}:{address}",
            purpose="peringatan",
            topic=topic,
            channel=channel,
            recipient=address,
            subject=subject,
            body=body,
        ):
            added += 1
    if added:
        audit.record(
            session,
            actor="sistem",
            action=f"alert.{topic}",
            entity_type="alert",
            entity_id=about,
            subject=subject,
            recipients=added,
        )
    return added


def _item_line(item: QueueItem, text: str, base_url: str) -> str:
    snippet = " ".join((text or "").split())[:160]
    return f"- #{item.id} prioritas {item.priority:.2f}: {snippet}\n  {base_url.rstrip('/')}/item/{item.id}"


def _recent_items(session: Session, since: datetime):
    return session.execute(
        select(QueueItem, Post.text, Post.cluster_id)
        .join(Post, Post.id == QueueItem.post_id)
        .where(QueueItem.created_at >= since)
        .order_by(QueueItem.priority.desc(), QueueItem.id)
    ).all()


def _fold(name: str) -> str:
    return " ".join(name.replace("_", " ").casefold().split())


def is_impersonation(category: str | None, names: list[str]) -> bool:
    """The item's category is the impersonation one, by its slug or its label."""
    if not category:
        return False
    wanted = {_fold(n) for n in names}
    return _fold(category) in wanted or _fold(category_label(category)) in wanted


def item_alerts(session: Session, settings: ReportSettings, now: datetime) -> dict[str, int]:
    """New auto-linked hoaxes at or above the alert priority, and impersonation items (one per issue)."""
    since = now - timedelta(hours=settings.alert_lookback_hours)
    stats = {"hoaks_baru": 0, "akun_palsu": 0}
    base = settings.public_base_url
    for item, text, cluster_id in _recent_items(session, since):
        about = f"c{cluster_id}" if cluster_id else f"i{item.id}"
        if item.band == "auto" and item.priority >= settings.alert_priority:
            verdict = session.scalar(select(KBItem.verdict).where(KBItem.id == item.best_kb_item_id))
            if item.best_kb_item_id and is_known_hoax(verdict):
                stats["hoaks_baru"] += raise_alert(
                    session,
                    settings,
                    "hoaks_baru",
                    about,
                    f"item #{item.id}",
                    "Unggahan baru cocok otomatis dengan hoaks yang sudah diketahui:\n"
                    + _item_line(item, text, base),
                )
        if is_impersonation(item.category, settings.impersonation_categories):
            stats["akun_palsu"] += raise_alert(
                session,
                settings,
                "akun_palsu",
                about,
                f"item #{item.id}",
                "Akun palsu / penipuan atas nama pejabat atau instansi:\n" + _item_line(item, text, base),
            )
    return stats


def overdue_alerts(session: Session, settings: ReportSettings, now: datetime) -> int:
    """Items past their SKPD deadline and not followed up (one alert per assignment)."""
    rows = session.execute(
        select(Assignment, Skpd.name, QueueItem, Post.text)
        .join(Skpd, Skpd.id == Assignment.skpd_id)
        .join(QueueItem, QueueItem.id == Assignment.queue_item_id)
        .join(Post, Post.id == QueueItem.post_id)
        .where(Assignment.status == "terbuka", Assignment.deadline < now)
    ).all()
    added = 0
    for assignment, skpd, item, text in rows:
        added += raise_alert(
            session,
            settings,
            "terlambat",
            f"a{assignment.id}",
            f"{skpd}, item #{item.id}",
            f"Tenggat tindak lanjut di {skpd} terlewati:\n"
            + _item_line(item, text, settings.public_base_url),
        )
    return added


def digest_text(session: Session, now: datetime, top: int = 5) -> str:
    """Top open issues, the last day's volumes and the overdue count."""
    since = now - timedelta(days=1)
    count = lambda q: int(session.scalar(q) or 0)  # noqa: E731
    posts = count(select(func.count(Post.id)).where(Post.captured_at >= since))
    reports = count(select(func.count(CitizenReport.id)).where(CitizenReport.created_at >= since))
    queued = count(select(func.count(QueueItem.id)).where(QueueItem.created_at >= since))
    decided = count(select(func.count(Verdict.id)).where(Verdict.decided_at >= since))
    overdue = count(
        select(func.count(Assignment.id)).where(Assignment.status == "terbuka", Assignment.deadline < now)
    )
    issues = session.execute(
        select(IssueCluster.label, IssueCluster.post_count, func.max(QueueItem.priority).label("priority"))
        .join(Post, Post.cluster_id == IssueCluster.id)
        .join(QueueItem, QueueItem.post_id == Post.id)
        .where(QueueItem.status.in_(("baru", "investigasi")))
        .group_by(IssueCluster.id, IssueCluster.label, IssueCluster.post_count)
        .order_by(func.max(QueueItem.priority).desc())
        .limit(top)
    ).all()
    lines = [
        f"Ringkasan 24 jam terakhir (s.d. {now:%Y-%m-%d %H:%M} UTC)",
        f"Unggahan masuk: {posts} · laporan warga: {reports} · masuk antrean: {queued}"
        f" · diputuskan: {decided}",
        f"Tindak lanjut SKPD terlambat: {overdue}",
        "",
        "Isu terbuka teratas:",
    ]
    lines += [
        f"{i}. {' '.join(r.label.split())[:140]} ({r.post_count} unggahan, prioritas {r.priority:.2f})"
        for i, r in enumerate(issues, 1)
    ] or ["(tidak ada)"]
    return "\n".join(lines)


def daily_digest(session: Session, settings: ReportSettings, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    day = now.date().isoformat()
    return raise_alert(session, settings, "ringkasan", day, day, digest_text(session, now))


def run_alerts(session: Session, settings: ReportSettings, now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(UTC)
    stats = item_alerts(session, settings, now)
    stats["terlambat"] = overdue_alerts(session, settings, now)
    return stats
