"""Who may do what: roles, permissions, and the PIC's view limited to their own SKPD."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from saring.db.tables.core import QueueItem
from saring.db.tables.desk import Assignment, User

ALL_ROLES = frozenset({"admin", "trc", "analyst", "comms", "pic"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "queue.view": ALL_ROLES,
    "item.view": ALL_ROLES,
    "item.comment": ALL_ROLES,
    "item.decide": frozenset({"admin", "trc"}),
    "item.assign": frozenset({"admin", "trc"}),
    "item.followup": frozenset({"admin", "trc", "pic"}),
    "item.evidence": frozenset({"admin", "trc", "analyst"}),
    "routing.view": frozenset({"admin", "trc"}),
    "routing.edit": frozenset({"admin"}),
    "users.view": frozenset({"admin"}),
    # --- comms and monitoring (issue 6) ---
    "clar.view": frozenset({"admin", "trc", "analyst", "comms"}),
    "clar.draft": frozenset({"admin", "comms"}),
    "clar.approve": frozenset({"admin", "trc"}),
    "clar.publish": frozenset({"admin", "trc", "comms"}),
    "templates.edit": frozenset({"admin", "comms"}),
    "dashboard.view": frozenset({"admin", "analyst", "trc"}),
    # --- end of comms block ---
    # --- citizen reports (issue 14): reporter data is TRC/admin only ---
    "reports.view": frozenset({"admin", "trc"}),
    "reports.block": frozenset({"admin", "trc"}),
    # --- registry of official accounts (issue 13) ---
    "accounts.view": frozenset({"admin", "trc", "comms"}),
    "accounts.edit": frozenset({"admin"}),
}


class NotFound(LookupError):
    """The thing asked for does not exist (or this viewer may not know it exists)."""


class Forbidden(PermissionError):
    """The viewer's role or SKPD does not allow this."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The officer acting: what the services need to know of a logged-in user."""

    username: str
    role: str
    skpd_id: int | None = None
    display_name: str = ""

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(
            username=user.username, role=user.role, skpd_id=user.skpd_id, display_name=user.display_name
        )

    @property
    def is_pic(self) -> bool:
        return self.role == "pic"

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


def require(viewer: Viewer, permission: str) -> None:
    if not viewer.can(permission):
        raise Forbidden(permission)


def load_item(session: Session, item_id: int, viewer: Viewer) -> QueueItem:
    """The queue item if it exists and the viewer may see it; a PIC only sees their SKPD's items."""
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"queue item {item_id}")
    if viewer.is_pic:
        skpd_id = session.scalar(select(Assignment.skpd_id).where(Assignment.queue_item_id == item_id))
        if (skpd_id is None or skpd_id != viewer.skpd_id) and not _copied_to(session, item, viewer):
            raise Forbidden("item of another SKPD")
    return item


def _copied_to(session: Session, item: QueueItem, viewer: Viewer) -> bool:
    """An impersonation item is copied to the impersonated official's SKPD (issue 13)."""
    from saring.db.tables.accounts import ImpersonationFlag
    from saring.db.tables.desk import Skpd

    if item.category != "akun_palsu" or viewer.skpd_id is None:
        return False
    code = session.scalar(select(Skpd.code).where(Skpd.id == viewer.skpd_id))
    flag_skpd = session.scalar(
        select(ImpersonationFlag.skpd).where(ImpersonationFlag.post_id == item.post_id)
    )
    return code is not None and code == flag_skpd
