"""UU PDP retention: reporter contacts are deleted after the stated period, with the messages naming them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from saring.db.tables.reports import CitizenReporter, OutboxMessage

REDACTED = "[dihapus]"


def delete_expired(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Delete reporters past ``delete_after`` and redact the recipients of their answers (idempotent)."""
    now = now or datetime.now(UTC)
    expired = list(
        session.execute(
            select(CitizenReporter.id, CitizenReporter.report_id).where(CitizenReporter.delete_after <= now)
        )
    )
    if not expired:
        return {"reporters_deleted": 0, "messages_redacted": 0}
    report_ids = [row.report_id for row in expired]
    redacted = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.report_id.in_(report_ids), OutboxMessage.recipient != REDACTED)
        .values(recipient=REDACTED, status="dihapus")
    ).rowcount
    session.execute(delete(CitizenReporter).where(CitizenReporter.id.in_([row.id for row in expired])))
    return {"reporters_deleted": len(expired), "messages_redacted": int(redacted or 0)}
