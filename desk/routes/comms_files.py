"""Clarification files: the card PNG, the article page, its ClaimReview JSON-LD, and everything as a ZIP."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.comms import queries as q
from desk.comms.export import article_html, card_png, claimreview, export_bundle
from desk.routes.comms_pages import comms_settings
from desk.services import audit

router = APIRouter(include_in_schema=False)


@router.get("/klarifikasi/{clarification_id}/kartu.png")
def card(
    request: Request,
    clarification_id: int,
    _current: Officer = Depends(officer("clar.view")),
    db: Session = Depends(get_db),
) -> Response:
    clarification = q.get_clarification(db, clarification_id)
    return Response(
        card_png(clarification, comms_settings(request)),
        media_type="image/png",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/klarifikasi/{clarification_id}/artikel.html")
def article(
    request: Request,
    clarification_id: int,
    _current: Officer = Depends(officer("clar.view")),
    db: Session = Depends(get_db),
) -> Response:
    clarification = q.get_clarification(db, clarification_id)
    html = article_html(db, clarification, comms_settings(request))
    name = f"klarifikasi-{clarification.id}.html"
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/klarifikasi/{clarification_id}/claimreview.json")
def claimreview_json(
    request: Request,
    clarification_id: int,
    _current: Officer = Depends(officer("clar.view")),
    db: Session = Depends(get_db),
) -> Response:

    clarification = q.get_clarification(db, clarification_id)
    body = json.dumps(claimreview(db, clarification, comms_settings(request)), ensure_ascii=False, indent=2)
    return Response(
        body, media_type="application/ld+json; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


@router.post("/klarifikasi/{clarification_id}/ekspor")
def export(
    request: Request,
    clarification_id: int,
    current: Officer = Depends(officer("clar.view", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    bundle = export_bundle(db, clarification_id, comms_settings(request))
    clarification = q.get_clarification(db, clarification_id)
    audit.record(
        db,
        actor=current.username,
        action="clarification.export",
        entity_type="clarification",
        entity_id=clarification.id,
        files=sorted(bundle.files),
    )
    db.commit()
    return Response(
        bundle.zip_bytes(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{bundle.zip_name}"',
            "Cache-Control": "no-store",
        },
    )
