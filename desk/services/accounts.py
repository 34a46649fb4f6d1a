"""The registry of official accounts in the database: import, edit, remove (each change audited), read back
as :class:`pipelines.accounts.Registry`, and the impersonation flag of a queue item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.services import audit
from pipelines.account_store import COLUMNS, active_rows, load_registry, record_of, registry_stamp
from pipelines.accounts import OfficialAccount, RegistryError, make_account
from saring.db.tables.accounts import ImpersonationFlag
from saring.db.tables.accounts import OfficialAccount as AccountRow
from saring.db.tables.core import QueueItem


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _view(row: AccountRow) -> dict:
    return {c: getattr(row, c) for c in COLUMNS}


def list_accounts(
    session: Session, *, platform: str | None = None, skpd: str | None = None
) -> list[AccountRow]:
    """Active registered accounts, by SKPD, platform and handle."""
    return active_rows(session, platform=platform, skpd=skpd)


def save_account(
    session: Session, values: dict, *, actor: str, account_id: int | None = None
) -> tuple[AccountRow, str]:
    """Add or change one account (by id, or by platform + handle): the row and added/updated/unchanged."""
    account = make_account({k: v for k, v in values.items() if k in COLUMNS})
    row = session.get(AccountRow, account_id) if account_id is not None else None
    if account_id is not None and row is None:
        raise LookupError(account_id)
    clash = session.scalar(
        select(AccountRow).where(AccountRow.platform == account.platform, AccountRow.handle == account.handle)
    )
    if row is None:
        row = clash
    elif clash is not None and clash.id != row.id:
        raise RegistryError(f"@{account.handle} di {account.platform} sudah terdaftar (akun lain).")
    new = account.as_row()
    if row is not None and row.active and _view(row) == new:
        return row, "unchanged"
    before = _view(row) if row is not None and row.active else None
    if row is None:
        row = AccountRow()
        session.add(row)
    for column, value in new.items():
        setattr(row, column, value)
    row.active, row.updated_by = True, actor
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.update" if before else "account.add",
        entity_type="official_account",
        entity_id=row.id,
        before=before,
        after=_view(row),
    )
    return row, "updated" if before else "added"


def remove_account(session: Session, account_id: int, *, actor: str) -> None:
    """Take an account off the registry (the row stays, inactive, so old flags keep their link)."""
    row = session.get(AccountRow, account_id)
    if row is None or not row.active:
        raise LookupError(account_id)
    row.active, row.updated_by = False, actor
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.remove",
        entity_type="official_account",
        entity_id=row.id,
        before=_view(row),
    )


def import_accounts(
    session: Session, accounts: Sequence[OfficialAccount], *, actor: str, replace: bool = False
) -> ImportResult:
    """Add or update the given accounts; with ``replace``, remove the registered ones not among them."""
    result = ImportResult()
    seen: set[int] = set()
    for account in accounts:
        row, outcome = save_account(session, account.as_row(), actor=actor)
        seen.add(row.id)
        setattr(result, outcome, getattr(result, outcome) + 1)
    if replace:
        for row in list_accounts(session):
            if row.id not in seen:
                remove_account(session, row.id, actor=actor)
                result.removed += 1
    return result


def account_id_for(session: Session, account: OfficialAccount | None) -> int | None:
    if account is None:
        return None
    return session.scalar(
        select(AccountRow.id).where(
            AccountRow.platform == account.platform, AccountRow.handle == account.handle
        )
    )


def flag_for_item(session: Session, item: QueueItem) -> ImpersonationFlag | None:
    """The impersonation flag of a queue item's post, if it has one."""
    return session.scalar(select(ImpersonationFlag).where(ImpersonationFlag.post_id == item.post_id))


def genuine_accounts(session: Session, flag: ImpersonationFlag) -> list[AccountRow]:
    """The registered accounts of the official or office the flagged post imitates."""
    target = flag.imitates
    if target is None:
        return []
    query = select(AccountRow).where(AccountRow.active.is_(True))
    if target.official_name:
        query = query.where(AccountRow.official_name == target.official_name)
    else:
        query = query.where(AccountRow.skpd == target.skpd, AccountRow.official_name == "")
    return list(session.scalars(query.order_by(AccountRow.platform)))


__all__ = [
    "ImportResult",
    "account_id_for",
    "flag_for_item",
    "genuine_accounts",
    "import_accounts",
    "list_accounts",
    "load_registry",
    "record_of",
    "registry_stamp",
    "remove_account",
    "save_account",
]
