"""The item page and its forms: verdict, assignment, follow-up, comment, evidence pack."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.services.accounts import flag_for_item
from desk.services.assignments import AssignInput, assign, pics_of, set_followup
from desk.services.decisions import StaleItemError, VerdictInput, add_comment, decide
from desk.services.evidence import build_evidence_pack
from desk.services.items import item_detail, raw_payload
from desk.services.media import item_image
from desk.services.routing import list_skpd, priority_tier
from desk.services.validation import InputError
from desk.web import render

router = APIRouter(include_in_schema=False)


def item_page(
    request: Request,
    db: Session,
    current: Officer,
    item_id: int,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: str = "",
    values: dict[str, Any] | None = None,
    conflict: StaleItemError | None = None,
) -> Response:
    """Render the item page, optionally with a form's errors or an edit conflict."""
    db.rollback()  # show what is stored, never a half-applied change
    detail = item_detail(db, item_id, current.viewer)
    skpd_list = list_skpd(db)
    return render(
        request,
        "item.html",
        {
            "d": detail,
            "tier": priority_tier(detail.item.priority),
            "skpd_list": skpd_list,
            "skpd_names": {s.code: s.name for s in skpd_list},
            "pics": pics_of(db),
            "errors": errors or {},
            "form": form,
            "values": values or {},
            "conflict": conflict,
            "can": current.viewer.can,
            "impersonation": flag_for_item(db, detail.item),
        },
        status_code=status,
    )


def _done(item_id: int, message: str) -> Response:
    return RedirectResponse(f"/item/{item_id}?pesan={message}", status_code=303)


@router.get("/item/{item_id}")
def show_item(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("item.view")),
    db: Session = Depends(get_db),
) -> Response:
    return item_page(request, db, current, item_id)


@router.get("/item/{item_id}/gambar/{sha256}")
def show_image(
    item_id: int,
    sha256: str,
    current: Officer = Depends(officer("item.view")),
    db: Session = Depends(get_db),
) -> Response:
    """One image of the item's post, as captured (only for officers who may see the item)."""
    found = item_image(db, item_id, sha256, current.viewer)
    if found is None:
        return Response("gambar tidak ditemukan", status_code=404, media_type="text/plain; charset=utf-8")
    path, mime = found
    return FileResponse(path, media_type=mime, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/item/{item_id}/mentah")
def show_raw(
    item_id: int, current: Officer = Depends(officer("item.view")), db: Session = Depends(get_db)
) -> Response:
    payload = raw_payload(db, item_id, current.viewer)
    body = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
    )


@router.post("/item/{item_id}/putusan")
def submit_verdict(
    request: Request,
    item_id: int,
    verdict: str = Form(""),
    reason: str = Form(""),
    version: str = Form(""),
    kb_item_id: str = Form(""),
    new_factcheck_url: str = Form(""),
    new_factcheck_title: str = Form(""),
    current: Officer = Depends(officer("item.decide", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    data = VerdictInput(
        verdict=verdict,
        reason=reason,
        version=version,
        kb_item_id=kb_item_id or None,
        new_factcheck_url=new_factcheck_url,
        new_factcheck_title=new_factcheck_title,
    )
    try:
        result = decide(db, item_id, data, current.viewer)
    except InputError as exc:
        return item_page(
            request, db, current, item_id, status=422, errors=exc.errors, form="putusan", values=vars_of(data)
        )
    except StaleItemError as exc:
        return item_page(
            request, db, current, item_id, status=409, conflict=exc, form="putusan", values=vars_of(data)
        )
    db.commit()
    return _done(item_id, "putusan-isu" if len(result.item_ids) > 1 else "putusan")


@router.post("/item/{item_id}/tugas")
def submit_assignment(
    request: Request,
    item_id: int,
    skpd_id: str = Form(""),
    pic_username: str = Form(""),
    deadline: str = Form(""),
    version: str = Form(""),
    current: Officer = Depends(officer("item.assign", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    data = AssignInput(skpd_id=skpd_id, deadline=deadline, version=version, pic_username=pic_username)
    try:
        assign(db, item_id, data, current.viewer, request.app.state.desk.tz)
    except InputError as exc:
        return item_page(
            request, db, current, item_id, status=422, errors=exc.errors, form="tugas", values=vars_of(data)
        )
    except StaleItemError as exc:
        return item_page(request, db, current, item_id, status=409, conflict=exc, form="tugas")
    db.commit()
    request.app.state.facets.clear()
    return _done(item_id, "tugas")


@router.post("/item/{item_id}/tindak-lanjut")
def submit_followup(
    request: Request,
    item_id: int,
    status: str = Form(""),
    version: str = Form(""),
    current: Officer = Depends(officer("item.followup", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        set_followup(db, item_id, status, version, current.viewer)
    except InputError as exc:
        return item_page(request, db, current, item_id, status=422, errors=exc.errors, form="tindak-lanjut")
    except StaleItemError as exc:
        return item_page(request, db, current, item_id, status=409, conflict=exc, form="tindak-lanjut")
    db.commit()
    return _done(item_id, "tindak-lanjut")


@router.post("/item/{item_id}/komentar")
def submit_comment(
    request: Request,
    item_id: int,
    body: str = Form(""),
    current: Officer = Depends(officer("item.comment", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        add_comment(db, item_id, body, current.viewer)
    except InputError as exc:
        return item_page(
            request,
            db,
            current,
            item_id,
            status=422,
            errors=exc.errors,
            form="komentar",
            values={"body": body},
        )
    db.commit()
    return _done(item_id, "komentar")


@router.post("/item/{item_id}/bukti")
def export_evidence(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("item.evidence", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    pack = build_evidence_pack(db, item_id, current.viewer, request.app.state.desk)
    db.commit()
    return Response(
        pack.zip_bytes(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{pack.filename}"',
            "Cache-Control": "no-store",
        },
    )


def vars_of(data: Any) -> dict[str, Any]:
    return {name: getattr(data, name) for name in data.__slots__}
