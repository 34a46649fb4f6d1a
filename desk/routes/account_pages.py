"""Registry of official accounts (admin) and the takedown/report pack of an impersonation item (issue 13)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.services.access import NotFound
from desk.services.accounts import list_accounts, remove_account, save_account
from desk.services.takedown import NotImpersonation, build_takedown_pack
from desk.web import render
from pipelines.accounts import FIELDS, PLATFORMS, RegistryError

router = APIRouter(include_in_schema=False)


def _page(request: Request, db: Session, *, error: str = "", values: dict | None = None, status: int = 200):
    db.rollback()
    return render(
        request,
        "accounts.html",
        {"accounts": list_accounts(db), "platforms": PLATFORMS, "error": error, "values": values or {}},
        status_code=status,
    )


@router.get("/admin/akun-resmi")
def accounts_page(
    request: Request, _current: Officer = Depends(officer("accounts.view")), db: Session = Depends(get_db)
) -> Response:
    return _page(request, db)


@router.post("/admin/akun-resmi")
async def accounts_save(
    request: Request,
    account_id: str = Form(""),
    current: Officer = Depends(officer("accounts.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        save_account(db, values, actor=current.username, account_id=int(account_id) if account_id else None)
    except RegistryError as exc:
        return _page(request, db, error=str(exc), values=values, status=422)
    except (LookupError, ValueError) as exc:
        raise NotFound(account_id) from exc
    db.commit()
    return RedirectResponse("/admin/akun-resmi?pesan=akun", status_code=303)


@router.post("/admin/akun-resmi/{account_id}/hapus")
def accounts_remove(
    account_id: int,
    current: Officer = Depends(officer("accounts.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        remove_account(db, account_id, actor=current.username)
    except LookupError as exc:
        raise NotFound(account_id) from exc
    db.commit()
    return RedirectResponse("/admin/akun-resmi?pesan=akun-hapus", status_code=303)


def _pack(request: Request, db: Session, current: Officer, item_id: int):
    try:
        pack = build_takedown_pack(db, item_id, current.viewer, request.app.state.desk)
    except NotImpersonation as exc:
        raise NotFound(item_id) from exc
    db.commit()
    return pack


@router.get("/item/{item_id}/takedown")
def takedown_page(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("item.evidence")),
    db: Session = Depends(get_db),
) -> Response:
    return render(request, "takedown.html", {"p": _pack(request, db, current, item_id)})


@router.get("/item/{item_id}/takedown.json")
def takedown_json(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("item.evidence")),
    db: Session = Depends(get_db),
) -> Response:
    pack = _pack(request, db, current, item_id)
    return Response(
        json.dumps(pack.as_dict(), ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="laporan-akun-palsu-{item_id}.json"'},
    )
