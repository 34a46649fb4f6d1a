"""Desk accounts: roles, creation, listing, disabling."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.services import audit
from desk.services.passwords import check_strength, hash_password
from saring.db.tables.desk import DeskSession, Skpd, User

ROLES: dict[str, str] = {
    "admin": "Admin",
    "trc": "TRC",
    "analyst": "Analis",
    "comms": "Humas",
    "pic": "PIC SKPD",
}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


class UserError(ValueError):
    """An account operation that cannot be done; the message is for the officer."""


def get_skpd(session: Session, code: str) -> Skpd:
    skpd = session.scalar(select(Skpd).where(Skpd.code == code))
    if skpd is None:
        raise UserError(f"SKPD '{code}' tidak dikenal.")
    return skpd


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    skpd_code: str | None = None,
    display_name: str = "",
    actor: str = "cli",
) -> User:
    """Add an account after checking the name, role, SKPD and password strength."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise UserError("Nama pengguna: 2-50 huruf kecil, angka, titik, garis bawah atau tanda hubung.")
    if role not in ROLES:
        raise UserError(f"Peran tidak dikenal: {role} (pilih: {', '.join(ROLES)}).")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"Nama pengguna '{username}' sudah dipakai.")
    skpd = None
    if role == "pic":
        if not skpd_code:
            raise UserError("PIC harus terikat pada satu SKPD (--skpd).")
        skpd = get_skpd(session, skpd_code)
    elif skpd_code:
        skpd = get_skpd(session, skpd_code)
    check_strength(password, username)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        skpd_id=skpd.id if skpd else None,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after={"username": username, "role": role, "skpd": skpd.code if skpd else None},
    )
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def disable_user(session: Session, username: str, *, actor: str = "cli") -> User:
    """Switch an account off and end its sessions at once."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(f"Pengguna '{username}' tidak ditemukan.")
    if user.active:
        user.active = False
        session.execute(delete(DeskSession).where(DeskSession.user_id == user.id))
        audit.record(
            session,
            actor=actor,
            action="user.disable",
            entity_type="user",
            entity_id=user.id,
            before={"active": True},
            after={"active": False},
        )
    return user


def count_admins(session: Session) -> int:
    return len(session.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))).all())
