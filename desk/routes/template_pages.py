"""The comms team's template editor: one template per channel; every save is a new version, restorable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.comms.channels import VariantInvalid, check_variant
from desk.comms.templates import (
    CHANNELS,
    VARIABLES,
    TemplateInvalid,
    activate_version,
    active_templates,
    check_template,
    save_version,
    versions,
)
from desk.services import audit
from desk.services.access import NotFound
from desk.web import render

router = APIRouter(include_in_schema=False)
MESSAGES = {
    "disimpan": "Versi baru templat disimpan dan langsung dipakai untuk draf berikutnya.",
    "aktif": "Versi templat diaktifkan.",
}


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise NotFound(channel)
    return channel


@router.get("/templat")
def list_page(
    request: Request, _current: Officer = Depends(officer("templates.edit")), db: Session = Depends(get_db)
) -> Response:
    active = active_templates(db)
    db.commit()  # the defaults, stored on first use
    return render(
        request,
        "comms/templates.html",
        {"CHANNELS": CHANNELS, "active": active, "counts": {c: len(versions(db, c)) for c in CHANNELS}},
    )


def editor(
    request: Request,
    db: Session,
    channel: str,
    *,
    body: str | None = None,
    note: str = "",
    error: str = "",
    preview: str | None = None,
    status: int = 200,
) -> Response:
    db.rollback()
    rows = versions(db, channel)
    active = next((r for r in rows if r.active), None)
    shown = request.query_params.get("versi")
    if body is None:
        chosen = next((r for r in rows if str(r.version) == shown), None) or active
        body = chosen.body if chosen else ""
    if preview is None and not error:
        try:
            preview = check_template(channel, body)
        except TemplateInvalid as exc:
            error = str(exc)
    db.commit()
    return render(
        request,
        "comms/template_edit.html",
        {
            "CHANNELS": CHANNELS,
            "VARIABLES": VARIABLES,
            "channel": channel,
            "rows": rows,
            "active": active,
            "body": body,
            "note": note,
            "error": error,
            "preview": preview,
            "shown": shown,
            "message": MESSAGES.get(request.query_params.get("pesan", "")),
        },
        status_code=status,
    )


@router.get("/templat/{channel}")
def edit_page(
    request: Request,
    channel: str,
    _current: Officer = Depends(officer("templates.edit")),
    db: Session = Depends(get_db),
) -> Response:
    return editor(request, db, _channel(channel))


@router.post("/templat/{channel}")
def save(
    request: Request,
    channel: str,
    body: str = Form(""),
    note: str = Form(""),
    action: str = Form("simpan"),
    current: Officer = Depends(officer("templates.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    channel = _channel(channel)
    try:
        preview = check_template(channel, body)
        if channel != "web":
            check_variant(channel, preview)
    except (TemplateInvalid, VariantInvalid) as exc:
        return editor(request, db, channel, body=body, note=note, error=str(exc), status=422)
    if action == "pratinjau":
        return editor(request, db, channel, body=body, note=note, preview=preview)
    row = save_version(db, channel, body, author=current.username, note=note)
    audit.record(
        db,
        actor=current.username,
        action="template.save",
        entity_type="clarification_template",
        entity_id=f"{channel}:{row.version}",
        after={"channel": channel, "version": row.version, "note": row.note},
    )
    db.commit()
    return RedirectResponse(f"/templat/{channel}?pesan=disimpan", status_code=303)


@router.post("/templat/{channel}/aktifkan")
def activate(
    request: Request,
    channel: str,
    version: str = Form(""),
    current: Officer = Depends(officer("templates.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    channel = _channel(channel)
    try:
        number = int(version)
        previous = next((r.version for r in versions(db, channel) if r.active), None)
        activate_version(db, channel, number)
    except (ValueError, TemplateInvalid) as exc:
        message = str(exc) if isinstance(exc, TemplateInvalid) else "Versi tidak valid."
        return editor(request, db, channel, error=message, status=422)
    audit.record(
        db,
        actor=current.username,
        action="template.activate",
        entity_type="clarification_template",
        entity_id=f"{channel}:{number}",
        before={"version": previous},
        after={"version": number},
    )
    db.commit()
    return RedirectResponse(f"/templat/{channel}?pesan=aktif", status_code=303)
