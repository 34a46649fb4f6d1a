"""Public pages for citizens (no login): the report form /lapor and the tracking page /lapor/<code>."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from desk.auth import (
    LOGIN_CSRF_COOKIE,
    client_ip,
    get_db,
    login_csrf_token,
    set_login_csrf_cookie,
    tokens_match,
)
from desk.reports.abuse import ReportRefused
from desk.reports.intake import ANSWER_CHANNELS, SEEN_PLATFORMS, ReportForm, check_report
from desk.reports.settings import get_report_settings
from desk.reports.store import discard_files, kept_files, save_report
from desk.reports.tracking import tracking_of
from desk.services.validation import InputError
from desk.web import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
FIELDS = ("text", "platform", "link", "seen_on", "kecamatan", "desa", "answer_channel", "contact", "consent")
FORM_OVERHEAD = 200_000  # bytes of a multipart body besides the screenshot


def _form_page(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    values: dict | None = None,
    refused: str = "",
    status: int = 200,
) -> Response:
    settings = get_report_settings()
    token = login_csrf_token(request)
    today = datetime.now(request.app.state.desk.tz).date()
    response = render(
        request,
        "reports/lapor.html",
        {
            "form_csrf": token,
            "errors": errors or {},
            "values": values or {"seen_on": today.isoformat()},
            "refused": refused,
            "platforms": SEEN_PLATFORMS,
            "channels": ANSWER_CHANNELS,
            "kecamatan_list": request.app.state.desk.kecamatan,
            "retention_days": settings.retention_days,
            "max_mb": settings.max_screenshot_bytes // 1_000_000,
            "today": today.isoformat(),
        },
        status_code=status,
    )
    set_login_csrf_cookie(response, token, request.app.state.desk)
    return response


@router.get("/lapor")
def report_form(request: Request) -> Response:
    return _form_page(request)


def _safe_values(raw: dict[str, str]) -> dict[str, str]:
    """What is put back in the form after a refusal (escaped by the template, choices only if valid)."""
    values = {k: raw.get(k, "")[:4000] for k in ("text", "link", "desa", "contact")}
    values["platform"] = raw.get("platform", "") if raw.get("platform") in SEEN_PLATFORMS else ""
    values["answer_channel"] = (
        raw.get("answer_channel", "") if raw.get("answer_channel") in ANSWER_CHANNELS else ""
    )
    values["seen_on"] = (
        raw.get("seen_on", "")[:10] if raw.get("seen_on", "")[:10].replace("-", "").isdigit() else ""
    )
    values["consent"] = "ya" if raw.get("consent") == "ya" else ""
    values["kecamatan"] = raw.get("kecamatan", "")[:100]
    return values


@router.post("/lapor")
async def report_submit(request: Request, db: Session = Depends(get_db)) -> Response:
    settings = get_report_settings()
    try:
        length = int(request.headers.get("content-length") or 0)
    except ValueError:
        length = 0
    if length > settings.max_screenshot_bytes + FORM_OVERHEAD:
        return _form_page(
            request,
            errors={
                "screenshot": f"Kiriman terlalu besar: tangkapan layar maksimal "
                f"{settings.max_screenshot_bytes // 1_000_000} MB."
            },
            status=413,
        )
    try:
        form = await request.form(
            max_files=1, max_fields=30, max_part_size=settings.max_screenshot_bytes + FORM_OVERHEAD
        )
    except (MultiPartException, ValueError, UnicodeDecodeError):
        return _form_page(
            request, refused="Formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", status=400
        )
    raw = {k: v for k in (*FIELDS, "website", "csrf_token") if isinstance(v := form.get(k), str)}
    values = _safe_values(raw)
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), raw.get("csrf_token")):
        return _form_page(
            request,
            values=values,
            status=403,
            refused="Formulir kedaluwarsa atau tidak sah. Periksa isian lalu kirim lagi.",
        )
    if raw.get("website"):
        log.info("report refused by the honeypot")
        return render(request, "reports/terima.html", {"code": None}, status_code=200)
    upload = form.get("screenshot")
    data, name = b"", ""
    if isinstance(upload, UploadFile) and upload.filename:
        name = upload.filename
        data = await upload.read(settings.max_screenshot_bytes + 1)
    try:
        clean = check_report(
            ReportForm(
                **{k: raw.get(k, "") for k in FIELDS}, website="", screenshot=data, screenshot_name=name
            ),
            settings,
            request.app.state.desk.kecamatan,
            now=datetime.now(request.app.state.desk.tz),
        )
    except InputError as invalid:
        return _form_page(request, errors=invalid.errors, values=values, status=422)
    try:
        stored = save_report(db, clean, settings, ip=client_ip(request), now=datetime.now(UTC))
        db.commit()
        kept_files(db)
    except ReportRefused as refused:
        db.rollback()
        discard_files(db)
        return _form_page(request, values=values, refused=refused.message, status=refused.status)
    except Exception:
        db.rollback()
        discard_files(db)
        raise
    log.info("report %s stored (post %d)", stored.tracking_code, stored.post_id)
    return RedirectResponse(f"/lapor/{stored.tracking_code}?baru=1", status_code=303)


@router.get("/lapor/cek")
def tracking_lookup(request: Request, kode: str = "") -> Response:
    code = "".join(ch for ch in kode.strip().upper() if ch.isalnum() or ch == "-")[:20]
    if code:
        return RedirectResponse(f"/lapor/{code}", status_code=303)
    return render(request, "reports/status.html", {"tracking": None, "unknown": False})


@router.get("/lapor/{code}")
def tracking_page(request: Request, code: str, db: Session = Depends(get_db)) -> Response:
    tracking = tracking_of(db, code)
    if tracking is None:
        return render(request, "reports/status.html", {"tracking": None, "unknown": True}, status_code=404)
    return render(
        request,
        "reports/status.html",
        {"tracking": tracking, "new": request.query_params.get("baru") == "1", "platforms": SEEN_PLATFORMS},
    )
