"""The outbox: messages are added once (by a key) and delivered by a sender per channel, with retries."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.reports.senders import Outgoing, Sender, SendFailed
from saring.db.session import session_scope
from saring.db.tables.reports import OutboxMessage

log = logging.getLogger(__name__)


def enqueue(
    session: Session,
    *,
    key: str,
    purpose: str,
    topic: str,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    report_id: int | None = None,
) -> bool:
    """Add a message unless one with the same key exists (re-running never duplicates). True if added."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is not None:
        return False
    session.add(
        OutboxMessage(
            dedup_key=key[:200],
            purpose=purpose,
            topic=topic,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            report_id=report_id,
        )
    )
    session.flush()
    return True


def deliver(
    senders: Mapping[str, Sender], *, url: str | None = None, max_attempts: int = 5, limit: int = 500
) -> dict[str, int]:
    """Send queued messages one by one, each committed as it goes (a crash resends at most one)."""
    stats = {"sent": 0, "failed": 0, "gave_up": 0}
    with session_scope(url) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "antre")
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
    for message_id in ids:
        with session_scope(url) as session:
            row = session.get(OutboxMessage, message_id)
            if row is None or row.status != "antre":
                continue
            sender = senders.get(row.channel)
            row.attempts += 1
            try:
                if sender is None:
                    raise SendFailed(f"kanal tidak dikenal: {row.channel}")
                sender.send(Outgoing(row.id, row.channel, row.recipient, row.subject, row.body))
            except SendFailed as exc:
                row.last_error = str(exc)[:1000]
                if row.attempts >= max_attempts:
                    row.status = "gagal"
                    stats["gave_up"] += 1
                else:
                    stats["failed"] += 1
                log.warning("outbox message %d (%s) not sent: %s", row.id, row.channel, exc)
                continue
            row.status, row.sent_at, row.last_error = "terkirim", datetime.now(UTC), ""
            stats["sent"] += 1
    return stats
