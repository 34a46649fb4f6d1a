"""Login and logout pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    LoginRefused,
    Officer,
    authenticate,
    client_ip,
    end_session,
    get_db,
    login_csrf_token,
    officer,
    officer_from_token,
    set_login_csrf_cookie,
    set_session_cookie,
    start_session,
    tokens_match,
)
from desk.web import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/antrean"


def _login_page(
    request: Request, *, error: str = "", username: str = "", status: int = 200, next_url: str | None = None
) -> Response:
    token = login_csrf_token(request)
    target = safe_next(next_url or request.query_params.get("next"))
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "error": error, "username": username, "next": target},
        status_code=status,
    )
    set_login_csrf_cookie(response, token, request.app.state.desk)
    return response


@router.get("/masuk")
def login_form(request: Request, db: Session = Depends(get_db)) -> Response:
    if officer_from_token(db, request.cookies.get(SESSION_COOKIE)) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


@router.post("/masuk")
def login_submit(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/antrean"),
    db: Session = Depends(get_db),
) -> Response:
    desk = request.app.state.desk
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(
            request, error="Formulir kedaluwarsa. Silakan coba masuk lagi.", status=403, next_url=next
        )
    try:
        user = authenticate(db, username, password, client_ip(request), desk)
    except LoginRefused as refused:
        return _login_page(
            request, error=refused.message, username=username[:100], status=refused.status, next_url=next
        )
    token, _ = start_session(db, user, client_ip(request), desk)
    db.commit()
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, token, desk)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/keluar")
def logout(
    request: Request, _officer: Officer = Depends(officer(csrf=True)), db: Session = Depends(get_db)
) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = RedirectResponse("/masuk?pesan=keluar", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}
