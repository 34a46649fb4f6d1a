"""Login, server-side sessions, CSRF tokens and login rate limiting, plus the FastAPI dependencies."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Depends, Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desk.services.access import Forbidden, Viewer
from desk.services.passwords import hash_password, needs_rehash, verify_password
from desk.services.timefmt import as_utc
from desk.settings import DeskSettings
from saring.db.base import utcnow
from saring.db.tables.desk import DeskSession, LoginAttempt, User

SESSION_COOKIE = "saring_sesi"
LOGIN_CSRF_COOKIE = "saring_csrf_masuk"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotAuthenticated(Exception):
    """No valid session: pages redirect to the login page, the API answers 401."""


class CsrfFailed(Exception):
    """A state-changing request without the session's CSRF token."""


class LoginRefused(Exception):
    """Wrong credentials, a disabled account, or too many tries; ``status`` is 401 or 429."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Officer:
    """The logged-in user of a request (plain values, safe after the session closes) and their CSRF token."""

    viewer: Viewer
    csrf_token: str
    skpd_code: str | None = None

    @property
    def username(self) -> str:
        return self.viewer.username

    @property
    def role(self) -> str:
        return self.viewer.role

    @property
    def display_name(self) -> str:
        return self.viewer.display_name or self.viewer.username


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def client_ip(request: Request) -> str:
    return (request.client.host if request.client else "") or "unknown"


def _failures_since(session: Session, settings: DeskSettings, ip: str, username: str | None) -> int:
    window_start = utcnow() - timedelta(minutes=settings.login_window_minutes)
    query = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.ip == ip, LoginAttempt.success.is_(False), LoginAttempt.at >= window_start
    )
    if username is not None:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.ip == ip, LoginAttempt.username == username, LoginAttempt.success.is_(True)
            )
        )
        query = query.where(LoginAttempt.username == username)
        if last_ok is not None and as_utc(last_ok) > window_start:
            query = query.where(LoginAttempt.at > last_ok)
    return int(session.scalar(query) or 0)


def authenticate(session: Session, username: str, password: str, ip: str, settings: DeskSettings) -> User:
    """Check rate limits and credentials; the attempt is recorded either way."""
    username = (username or "").strip().lower()[:100]
    too_many = (
        _failures_since(session, settings, ip, username) >= settings.max_failed_logins
        or _failures_since(session, settings, ip, None) >= settings.max_failed_logins_per_ip
    )
    if too_many:
        raise LoginRefused(
            "Terlalu banyak percobaan masuk yang gagal. "
            f"Coba lagi dalam {settings.login_window_minutes} menit.",
            status=429,
        )
    user = session.scalar(select(User).where(User.username == username)) if username else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if ok and user is not None and not user.active:
        ok = False
    session.add(LoginAttempt(ip=ip, username=username, success=ok))
    if not ok or user is None:
        session.commit()
        raise LoginRefused("Nama pengguna atau kata sandi salah, atau akun dinonaktifkan.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def start_session(session: Session, user: User, ip: str, settings: DeskSettings) -> tuple[str, DeskSession]:
    """A new session for the user; returns the cookie token (only its hash is stored)."""
    now = utcnow()
    session.execute(delete(DeskSession).where(DeskSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = DeskSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        ip=ip,
    )
    session.add(row)
    session.flush()
    return token, row


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(DeskSession).where(DeskSession.token_hash == token_hash(token)))


def officer_from_token(session: Session, token: str | None) -> Officer | None:
    """The officer a session cookie belongs to, if the session is live and the account active."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(DeskSession).where(DeskSession.token_hash == token_hash(token)))
    if row is None or as_utc(row.expires_at) <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return Officer(
        viewer=Viewer.of(user), csrf_token=row.csrf_token, skpd_code=user.skpd.code if user.skpd else None
    )


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def get_db(request: Request) -> Iterator[Session]:
    """A session per request; routes commit explicitly, anything left over is rolled back."""
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def officer(permission: str | None = None, *, csrf: bool = False) -> Callable:
    """Dependency: the logged-in officer, with a permission and (for changes) the CSRF token checked."""

    async def dependency(request: Request, db: Session = Depends(get_db)) -> Officer:
        current = officer_from_token(db, request.cookies.get(SESSION_COOKIE))
        if current is None:
            raise NotAuthenticated()
        request.state.officer = current  # error pages still show who is logged in
        if csrf and not tokens_match(current.csrf_token, await _submitted_csrf(request)):
            raise CsrfFailed()
        if permission is not None and not current.viewer.can(permission):
            raise Forbidden(permission)
        return current

    dependency.permission = permission  # type: ignore[attr-defined]  (read by the route-level tests)
    dependency.officer_required = True  # type: ignore[attr-defined]
    return dependency


def set_session_cookie(response, token: str, settings: DeskSettings) -> None:  # noqa: ANN001
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def login_csrf_token(request: Request) -> str:
    """The pre-login CSRF token (double-submit cookie) for the login form."""
    existing = request.cookies.get(LOGIN_CSRF_COOKIE)
    return existing if existing and 20 <= len(existing) <= 100 else secrets.token_urlsafe(24)


def set_login_csrf_cookie(response, token: str, settings: DeskSettings) -> None:  # noqa: ANN001
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
