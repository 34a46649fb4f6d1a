"""JSON API for sessions, the queue and items: the same operations and auth as the pages."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from desk.auth import (
    SESSION_COOKIE,
    LoginRefused,
    Officer,
    authenticate,
    client_ip,
    end_session,
    get_db,
    officer,
    set_session_cookie,
    start_session,
)
from desk.services.assignments import AssignInput, assign, set_followup
from desk.services.decisions import VerdictInput, add_comment, decide
from desk.services.evidence import build_evidence_pack
from desk.services.items import item_detail, item_summary, raw_payload
from desk.services.queue import QueueFilters, list_queue

router = APIRouter(prefix="/api", tags=["desk"])
_BIG = 100_000  # hard cap on any text field; the services give the real, friendly limits


class LoginBody(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class SessionInfo(BaseModel):
    username: str
    display_name: str
    role: str
    skpd_id: int | None
    csrf_token: str = Field(description="Send as X-CSRF-Token on every POST/DELETE")


class VerdictBody(BaseModel):
    verdict: Literal["hoaks", "disinformasi", "misinformasi", "bukan_hoaks", "perlu_investigasi"] | str
    reason: str = Field(max_length=_BIG)
    version: int = Field(description="The item version you saw; a newer one means someone else decided")
    kb_item_id: int | None = None
    new_factcheck_url: str | None = Field(default=None, max_length=_BIG)
    new_factcheck_title: str | None = Field(default=None, max_length=_BIG)


class AssignBody(BaseModel):
    skpd_id: int
    deadline: str = Field(max_length=100, description="ISO 8601; local desk time when no offset is given")
    version: int
    pic_username: str | None = Field(default=None, max_length=200)


class FollowupBody(BaseModel):
    status: Literal["terbuka", "ditindaklanjuti"] | str
    version: int


class CommentBody(BaseModel):
    body: str = Field(max_length=_BIG)


class DecisionOut(BaseModel):
    verdict: str
    item_ids: list[int]
    skipped_item_ids: list[int]
    kb_item_id: int | None


class QueueRowOut(BaseModel):
    item_id: int
    version: int
    status: str
    priority: float
    tier: str
    excerpt: str
    platform: str
    engagement: int
    cluster_size: int
    band: str | None
    best_score: float | None
    best_title: str | None
    best_kb_item_id: int | None
    hoax_probability: float | None
    seen_at: datetime | None
    category: str | None
    kecamatan: str | None
    skpd_name: str | None
    deadline: datetime | None
    overdue: bool


class QueueOut(BaseModel):
    total: int = Field(description="Items selected, counted up to 10,001 (see total_capped)")
    total_capped: bool = Field(default=False, description="True when there are more than 10,000")
    page: int
    pages: int
    items: list[QueueRowOut]


def _session_info(current: Officer) -> SessionInfo:
    viewer = current.viewer
    return SessionInfo(
        username=viewer.username,
        display_name=viewer.display_name,
        role=viewer.role,
        skpd_id=viewer.skpd_id,
        csrf_token=current.csrf_token,
    )


@router.post("/login", response_model=SessionInfo)
def api_login(body: LoginBody, request: Request, db: Session = Depends(get_db)) -> Response:
    """Log in; sets the HttpOnly session cookie and returns the CSRF token."""
    desk = request.app.state.desk
    try:
        user = authenticate(db, body.username, body.password, client_ip(request), desk)
    except LoginRefused as refused:
        return JSONResponse({"detail": refused.message}, status_code=refused.status)
    token, row = start_session(db, user, client_ip(request), desk)
    db.commit()
    info = SessionInfo(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        skpd_id=user.skpd_id,
        csrf_token=row.csrf_token,
    )
    response = JSONResponse(info.model_dump())
    set_session_cookie(response, token, desk)
    return response


@router.post("/logout", status_code=204)
def api_logout(
    request: Request, _current: Officer = Depends(officer(csrf=True)), db: Session = Depends(get_db)
) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=SessionInfo)
def api_me(current: Officer = Depends(officer())) -> SessionInfo:
    return _session_info(current)


@router.get("/queue", response_model=QueueOut)
def api_queue(
    request: Request,
    status: str = Query("terbuka", max_length=30),
    platform: str = Query("", max_length=100),
    category: str = Query("", max_length=100),
    kecamatan: str = Query("", max_length=100),
    skpd: str = Query("", max_length=50),
    band: str = Query("", max_length=10),
    overdue: bool = False,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=500),
    current: Officer = Depends(officer("queue.view")),
    db: Session = Depends(get_db),
) -> QueueOut:
    """The queue, highest priority first, filtered like the page."""
    filters = QueueFilters(
        status=status,
        platform=platform,
        category=category,
        kecamatan=kecamatan,
        skpd=skpd,
        band=band,
        overdue=overdue,
    )
    result = list_queue(db, filters, current.viewer, page=page, page_size=page_size)
    return QueueOut(
        total=result.total,
        total_capped=result.capped,
        page=result.page,
        pages=result.pages,
        items=[QueueRowOut(**{k: getattr(r, k) for k in QueueRowOut.model_fields}) for r in result.rows],
    )


@router.get("/items/{item_id}")
def api_item(
    item_id: int, current: Officer = Depends(officer("item.view")), db: Session = Depends(get_db)
) -> dict[str, Any]:
    """Everything about one item: post, cluster, matches, scores, assignment, verdicts, comments, audit."""
    return item_summary(item_detail(db, item_id, current.viewer))


@router.get("/items/{item_id}/raw")
def api_raw(
    item_id: int, current: Officer = Depends(officer("item.view")), db: Session = Depends(get_db)
) -> Any:
    """The post's raw payload as captured."""
    return raw_payload(db, item_id, current.viewer)


@router.post("/items/{item_id}/verdict", response_model=DecisionOut)
def api_verdict(
    item_id: int,
    body: VerdictBody,
    current: Officer = Depends(officer("item.decide", csrf=True)),
    db: Session = Depends(get_db),
) -> DecisionOut:
    """Decide an item (and the open items of its cluster); 409 when the version is stale."""
    result = decide(db, item_id, VerdictInput(**body.model_dump()), current.viewer)
    db.commit()
    return DecisionOut(
        verdict=result.verdict,
        item_ids=result.item_ids,
        skipped_item_ids=result.skipped_item_ids,
        kb_item_id=result.kb_item_id,
    )


@router.post("/items/{item_id}/assignment")
def api_assign(
    item_id: int,
    body: AssignBody,
    request: Request,
    current: Officer = Depends(officer("item.assign", csrf=True)),
    db: Session = Depends(get_db),
) -> dict[str, Any]:
    """Assign to an SKPD (and PIC) with a deadline."""
    assign(db, item_id, AssignInput(**body.model_dump()), current.viewer, request.app.state.desk.tz)
    db.commit()
    request.app.state.facets.clear()
    return item_summary(item_detail(db, item_id, current.viewer))["assignment"]


@router.post("/items/{item_id}/followup")
def api_followup(
    item_id: int,
    body: FollowupBody,
    current: Officer = Depends(officer("item.followup", csrf=True)),
    db: Session = Depends(get_db),
) -> dict[str, Any]:
    """Mark the SKPD's follow-up done (``ditindaklanjuti``) or open again."""
    set_followup(db, item_id, body.status, body.version, current.viewer)
    db.commit()
    return item_summary(item_detail(db, item_id, current.viewer))["assignment"]


@router.post("/items/{item_id}/comments", status_code=201)
def api_comment(
    item_id: int,
    body: CommentBody,
    current: Officer = Depends(officer("item.comment", csrf=True)),
    db: Session = Depends(get_db),
) -> dict[str, Any]:
    comment = add_comment(db, item_id, body.body, current.viewer)
    db.commit()
    return {
        "id": comment.id,
        "author": comment.author,
        "body": comment.body,
        "created_at": comment.created_at,
    }


@router.post("/items/{item_id}/evidence")
def api_evidence(
    request: Request,
    item_id: int,
    format: Literal["json", "zip"] = "json",
    current: Officer = Depends(officer("item.evidence", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    """Export the evidence pack: the JSON document, or the whole bundle as a ZIP."""
    pack = build_evidence_pack(db, item_id, current.viewer, request.app.state.desk)
    db.commit()
    if format == "zip":
        return Response(
            pack.zip_bytes(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{pack.filename}"'},
        )
    return JSONResponse(json.loads(pack.files["evidence.json"]))
