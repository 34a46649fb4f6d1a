"""JSON API for the routing table, SKPD, accounts, and the OpenAPI schema itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.services.access import NotFound
from desk.services.routing import (
    RoutingError,
    RuleInput,
    add_skpd,
    delete_rule,
    list_rules,
    list_skpd,
    set_rule,
)
from desk.services.timefmt import as_utc
from desk.services.users import list_users

router = APIRouter(prefix="/api", tags=["admin"])


class RuleBody(BaseModel):
    category: str | None = Field(default=None, max_length=100, description="None = every category")
    kecamatan: str | None = Field(default=None, max_length=100, description="None = every place")
    skpd: str = Field(max_length=50, description="SKPD code, e.g. dinsos")
    hours_high: int = 6
    hours_medium: int = 24
    hours_low: int = 72


class SkpdBody(BaseModel):
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)


def _rule_out(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "category": rule.category,
        "kecamatan": rule.kecamatan,
        "skpd": rule.skpd.code,
        "skpd_name": rule.skpd.name,
        "hours_high": rule.hours_high,
        "hours_medium": rule.hours_medium,
        "hours_low": rule.hours_low,
        "updated_by": rule.updated_by,
        "updated_at": as_utc(rule.updated_at),
    }


@router.get("/openapi.json", include_in_schema=False)
def openapi_schema(request: Request, _current: Officer = Depends(officer())) -> JSONResponse:
    """The OpenAPI description of this API (login required)."""
    return JSONResponse(request.app.openapi())


@router.get("/routing")
def api_rules(
    _current: Officer = Depends(officer("routing.view")), db: Session = Depends(get_db)
) -> list[dict[str, Any]]:
    """The routing table, most specific rules first."""
    return [_rule_out(rule) for rule in list_rules(db)]


@router.post("/routing")
def api_set_rule(
    body: RuleBody,
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    """Add or change the rule for a category/kecamatan pair."""
    try:
        rule = set_rule(
            db,
            RuleInput(
                body.category, body.kecamatan, body.skpd, body.hours_high, body.hours_medium, body.hours_low
            ),
            actor=current.username,
        )
    except RoutingError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=422)
    db.commit()
    return JSONResponse(jsonable_encoder(_rule_out(rule)))


@router.delete("/routing/{rule_id}", status_code=204)
def api_delete_rule(
    rule_id: int,
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        delete_rule(db, rule_id, actor=current.username)
    except LookupError as exc:
        raise NotFound(rule_id) from exc
    except RoutingError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=422)
    db.commit()
    return Response(status_code=204)


@router.get("/skpd")
def api_skpd(
    _current: Officer = Depends(officer("queue.view")), db: Session = Depends(get_db)
) -> list[dict[str, Any]]:
    return [{"id": s.id, "code": s.code, "name": s.name, "active": s.active} for s in list_skpd(db)]


@router.post("/skpd", status_code=201)
def api_add_skpd(
    body: SkpdBody,
    request: Request,
    current: Officer = Depends(officer("routing.edit", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        skpd = add_skpd(db, body.code, body.name, actor=current.username)
    except RoutingError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=422)
    db.commit()
    request.app.state.facets.clear()
    return JSONResponse(
        {"id": skpd.id, "code": skpd.code, "name": skpd.name, "active": True}, status_code=201
    )


@router.get("/users")
def api_users(
    _current: Officer = Depends(officer("users.view")), db: Session = Depends(get_db)
) -> list[dict[str, Any]]:
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "skpd": u.skpd.code if u.skpd else None,
            "active": u.active,
            "last_login_at": as_utc(u.last_login_at),
        }
        for u in list_users(db)
    ]
