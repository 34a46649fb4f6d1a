"""Admin pages: the routing table (SKPD per category and place, deadlines) and the list of accounts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.services.access import NotFound
from desk.services.routing import (
    TIER_HIGH,
    TIER_MEDIUM,
    RoutingError,
    RuleInput,
    add_skpd,
    delete_rule,
    list_rules,
    list_skpd,
    set_rule,
)
from desk.services.users import list_users
from desk.web import render

router = APIRouter(include_in_schema=False)


def _routing_page(
    request: Request, db: Session, *, error: str = "", values: dict | None = None, status: int = 200
) -> Response:
    db.rollback()
    return render(
        request,
        "routing.html",
        {
            "rules": list_rules(db),
            "skpd_list": list_skpd(db, active_only=False),
            "error": error,
            "values": values or {},
            "tier_high": TIER_HIGH,
            "tier_medium": TIER_MEDIUM,
            "kecamatan_names": request.app.state.desk.kecamatan,
        },
        status_code=status,
    )


@router.get("/admin/rute")
def routing_page(
    request: Request, _current: Officer = Depends(officer("routing.view")), db: Session = Depends(get_db)
) -> Response:
    return _routing_page(request, db)


def _hours(value: str, default: int) -> int:
    try:
        return int(value) if value.strip() else default
    except ValueError:
        return -1  # rejected with a clear message by set_rule


@router.post("/admin/rute")
def routing_set(
    request: Request,
    category: str = Form(""),
    kecamatan: str = Form(""),
    skpd: str = Form(""),
    hours_high: str = Form("6"),
    hours_medium: str = Form("24"),
    hours_low: str = Form("72"),
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    rule = RuleInput(
        category=category,
        kecamatan=kecamatan,
        skpd_code=skpd,
        hours_high=_hours(hours_high, 6),
        hours_medium=_hours(hours_medium, 24),
        hours_low=_hours(hours_low, 72),
    )
    try:
        set_rule(db, rule, actor=current.username)
    except RoutingError as exc:
        return _routing_page(
            request,
            db,
            error=str(exc),
            values=dict(request.query_params) | {"category": category, "kecamatan": kecamatan, "skpd": skpd},
            status=422,
        )
    db.commit()
    return RedirectResponse("/admin/rute?pesan=rute", status_code=303)


@router.post("/admin/rute/{rule_id}/hapus")
def routing_delete(
    request: Request,
    rule_id: int,
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        delete_rule(db, rule_id, actor=current.username)
    except LookupError as exc:
        raise NotFound(rule_id) from exc
    except RoutingError as exc:
        return _routing_page(request, db, error=str(exc), status=422)
    db.commit()
    return RedirectResponse("/admin/rute?pesan=rute-hapus", status_code=303)


@router.post("/admin/skpd")
def skpd_add(
    request: Request,
    code: str = Form(""),
    name: str = Form(""),
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        add_skpd(db, code, name, actor=current.username)
    except RoutingError as exc:
        return _routing_page(request, db, error=str(exc), status=422)
    db.commit()
    request.app.state.facets.clear()
    return RedirectResponse("/admin/rute?pesan=skpd", status_code=303)


@router.get("/admin/pengguna")
def users_page(
    request: Request, _current: Officer = Depends(officer("users.view")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "users.html", {"users": list_users(db)})
