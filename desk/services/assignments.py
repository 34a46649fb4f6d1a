"""Assigning an item to an SKPD (and PIC) with a deadline, and the PIC's follow-up status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.services import audit
from desk.services.access import Viewer, load_item, require
from desk.services.decisions import check_version, flush_or_stale
from desk.services.timefmt import as_utc
from desk.services.validation import InputError, parse_int, parse_local_datetime
from saring.db.base import utcnow
from saring.db.tables.core import QueueItem
from saring.db.tables.desk import Assignment, Skpd, User

FOLLOWUP_STATUSES = {"terbuka": "Belum ditindaklanjuti", "ditindaklanjuti": "Sudah ditindaklanjuti"}


@dataclass(slots=True)
class AssignInput:
    """An assignment as an officer submits it (raw form or JSON values)."""

    skpd_id: int | str | None
    deadline: str | None
    version: int | str | None
    pic_username: str | None = None


def assignment_of(session: Session, item_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(Assignment.queue_item_id == item_id))


def is_overdue(assignment: Assignment | None, item_status: str, now: datetime | None = None) -> bool:
    """An open follow-up whose deadline has passed on an item that is not yet closed."""
    if assignment is None or assignment.status != "terbuka" or item_status == "selesai":
        return False
    return as_utc(assignment.deadline) < (now or utcnow())


def pics_of(session: Session, skpd_id: int | None = None) -> list[User]:
    """Active PIC accounts, of one SKPD or all."""
    query = select(User).where(User.role == "pic", User.active.is_(True)).order_by(User.username)
    if skpd_id is not None:
        query = query.where(User.skpd_id == skpd_id)
    return list(session.scalars(query))


def _touch(item: QueueItem) -> None:
    item.updated_at = utcnow()  # an UPDATE of the row bumps version_id: concurrent edits are detected


def assign(session: Session, item_id: int, data: AssignInput, viewer: Viewer, tz: ZoneInfo) -> Assignment:
    """Set or change the responsible SKPD, PIC and deadline of an item (TRC/admin)."""
    require(viewer, "item.assign")
    errors: dict[str, str] = {}
    skpd_id = parse_int(data.skpd_id, field="skpd_id", label="SKPD", errors=errors, required=True)
    deadline = parse_local_datetime(data.deadline, tz, field="deadline", label="Tenggat", errors=errors)
    if deadline is not None and deadline <= utcnow():
        errors["deadline"] = "Tenggat harus di masa depan."
    skpd = session.get(Skpd, skpd_id) if skpd_id is not None else None
    if skpd_id is not None and (skpd is None or not skpd.active):
        errors["skpd_id"] = "SKPD tidak ditemukan."
    pic = None
    pic_name = (data.pic_username or "").strip().lower()
    if pic_name:
        pic = session.scalar(select(User).where(User.username == pic_name))
        if pic is None or pic.role != "pic" or not pic.active:
            errors["pic_username"] = "PIC tidak ditemukan atau tidak aktif."
        elif skpd is not None and pic.skpd_id != skpd.id:
            errors["pic_username"] = "PIC ini bukan dari SKPD yang dipilih."
    if errors:
        raise InputError(errors)
    item = load_item(session, item_id, viewer)
    check_version(session, item, data.version)
    current = assignment_of(session, item.id)
    before = _view(current)
    if current is None:
        current = Assignment(queue_item_id=item.id, status="terbuka")
        session.add(current)
    current.skpd_id = skpd.id
    current.skpd = skpd
    current.pic_user_id = pic.id if pic else None
    current.pic = pic
    current.deadline = deadline
    current.status = "terbuka"
    current.routed_by = viewer.username
    current.rule_id = None
    _touch(item)
    audit.record(
        session,
        actor=viewer.username,
        action="item.assign",
        entity_type="queue_item",
        entity_id=item.id,
        item=item,
        before=before,
        after=_view(current),
    )
    flush_or_stale(session, item)
    return current


def set_followup(
    session: Session, item_id: int, status: str, version: int | str | None, viewer: Viewer
) -> Assignment:
    """The PIC (or TRC) marks the SKPD's follow-up as done or reopens it."""
    require(viewer, "item.followup")
    if status not in FOLLOWUP_STATUSES:
        raise InputError({"status": "Status tindak lanjut tidak dikenal."})
    item = load_item(session, item_id, viewer)
    check_version(session, item, version)
    current = assignment_of(session, item.id)
    if current is None:
        raise InputError({"status": "Item ini belum ditugaskan ke SKPD mana pun."})
    before = _view(current)
    current.status = status
    _touch(item)
    audit.record(
        session,
        actor=viewer.username,
        action="item.followup",
        entity_type="queue_item",
        entity_id=item.id,
        item=item,
        before=before,
        after=_view(current),
    )
    flush_or_stale(session, item)
    return current


def _view(assignment: Assignment | None) -> dict | None:
    if assignment is None:
        return None
    return {
        "skpd": assignment.skpd.code if assignment.skpd else assignment.skpd_id,
        "pic": assignment.pic.username if assignment.pic else None,
        "deadline": assignment.deadline,
        "status": assignment.status,
    }
