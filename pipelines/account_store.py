"""The registry and impersonation flags in the database, as the pipeline reads and writes them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pipelines.accounts import FIELDS, LIST_FIELDS, OfficialAccount, Registry
from pipelines.scoring import ScoredPost
from saring.db.base import utcnow
from saring.db.tables.accounts import ImpersonationFlag
from saring.db.tables.accounts import OfficialAccount as AccountRow

COLUMNS = FIELDS  # one registry row: the columns of the table and of the CSV/YAML files


def record_of(row: AccountRow) -> OfficialAccount:
    """The plain record of a stored row."""
    return OfficialAccount(
        **{c: (list(getattr(row, c) or []) if c in LIST_FIELDS else getattr(row, c) or "") for c in COLUMNS}
    )


def active_rows(
    session: Session, *, platform: str | None = None, skpd: str | None = None
) -> list[AccountRow]:
    query = select(AccountRow).where(AccountRow.active.is_(True))
    if platform:
        query = query.where(AccountRow.platform == platform)
    if skpd:
        query = query.where(AccountRow.skpd == skpd)
    return list(session.scalars(query.order_by(AccountRow.skpd, AccountRow.platform, AccountRow.handle)))


def load_registry(session: Session, *, kabupaten: str = "Kotabaru") -> Registry:
    """Every active registered account as the index the impersonation signals use."""
    return Registry([record_of(r) for r in active_rows(session)], kabupaten=kabupaten)


def registry_stamp(session: Session) -> tuple:
    """(count, last change) of the registry: a loaded registry is stale when this changes."""
    count, last = session.execute(select(func.count(AccountRow.id), func.max(AccountRow.updated_at))).one()
    return (int(count or 0), str(last))


def save_flags(session: Session, scored: Sequence[ScoredPost]) -> int:
    """Write (or refresh) the impersonation flag of each flagged post; drop it where the post no longer is."""
    if not scored:
        return 0
    ids = {
        (r.platform, r.handle): r.id
        for r in session.execute(select(AccountRow.id, AccountRow.platform, AccountRow.handle))
    }
    post_ids = [s.post_id for s in scored]
    existing = {
        f.post_id: f
        for f in session.scalars(select(ImpersonationFlag).where(ImpersonationFlag.post_id.in_(post_ids)))
    }
    written, clear = 0, []
    for s in scored:
        judgement = getattr(s, "impersonation", None)
        if judgement is None or not judgement.flagged:
            if s.post_id in existing:
                clear.append(s.post_id)
            continue
        target = judgement.imitates
        flag = existing.get(s.post_id) or ImpersonationFlag(post_id=s.post_id, created_at=utcnow())
        flag.probability = float(judgement.probability)
        flag.imitates_id = ids.get(target.key) if target is not None else None
        flag.imitates_label = target.label if target is not None else ""
        flag.skpd = target.skpd if target is not None else None
        flag.signals = [sig.as_dict() for sig in judgement.signals]
        flag.numbers = list(judgement.numbers)
        flag.updated_at = utcnow()
        session.add(flag)
        written += 1
    if clear:
        session.execute(delete(ImpersonationFlag).where(ImpersonationFlag.post_id.in_(clear)))
    return written
