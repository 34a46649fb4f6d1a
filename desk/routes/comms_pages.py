"""Clarification pages: draft from a verified item, edit, submit, approve or return, publish, export."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.comms import publishing as pub
from desk.comms import queries as q
from desk.comms import workflow as wf
from desk.comms.channels import LIMITS, x_length
from desk.comms.drafting import HOAX_VERDICTS, LABELS, DraftRefused, article_url, latest_verdict
from desk.comms.indexing import index_pending
from desk.comms.settings import CommsSettings
from desk.comms.templates import CHANNELS, TemplateInvalid
from desk.services.access import NotFound, load_item
from desk.services.timefmt import input_value
from desk.services.validation import InputError
from desk.web import render
from saring.db.base import utcnow
from saring.db.tables.core import Clarification, KBItem

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

MESSAGES = {
    "dibuat": "Draf klarifikasi dibuat dari putusan TRC dan cek fakta rujukan. Periksa sebelum diajukan.",
    "disimpan": "Perubahan disimpan; teks kanal yang tidak diubah manual ikut diperbarui.",
    "kanal": "Teks kanal disimpan.",
    "ulang": "Semua teks kanal dibuat ulang dari templat aktif.",
    "diajukan": "Klarifikasi diajukan ke ketua TRC untuk disetujui.",
    "dikembalikan": "Klarifikasi dikembalikan ke Humas dengan catatan.",
    "disetujui": "Klarifikasi disetujui dan ditambahkan ke basis pengetahuan sebagai klarifikasi Pemda.",
    "terbit": "Penerbitan dicatat.",
    "jangkauan": "Jangkauan diperbarui.",
}
ACTION_LABELS = {
    "clarification.create": "Draf dibuat",
    "clarification.edit": "Isi diubah",
    "clarification.edit_variant": "Teks kanal diubah",
    "clarification.rerender": "Teks dibuat ulang dari templat",
    "clarification.submit": "Diajukan",
    "clarification.return": "Dikembalikan",
    "clarification.approve": "Disetujui",
    "clarification.indexed": "Masuk indeks pencarian",
    "clarification.publish": "Terbit",
    "clarification.reach": "Jangkauan diperbarui",
    "clarification.export": "Berkas diekspor",
}


def comms_settings(request: Request) -> CommsSettings:
    """The Pemda's contacts and colours (tests and deployments may put their own on app.state.comms)."""
    settings = getattr(request.app.state, "comms", None)
    if settings is None:
        settings = request.app.state.comms = CommsSettings()
    return settings


def page_context(**extra: Any) -> dict[str, Any]:
    return {
        "CHANNELS": CHANNELS,
        "CLAR_STATUSES": wf.STATUSES,
        "LABELS": LABELS,
        "LIMITS": LIMITS,
        "x_length": x_length,
        "ACTION_LABELS": ACTION_LABELS,
        **extra,
    }


def clarification_page(
    request: Request,
    db: Session,
    current: Officer,
    clarification_id: int,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: str = "",
    values: dict[str, Any] | None = None,
    error: str = "",
) -> Response:
    """Render the clarification page (after a failed form, with its errors and the officer's input)."""
    db.rollback()
    clarification = q.get_clarification(db, clarification_id)
    comms = comms_settings(request)
    item_id = clarification.queue_item_id
    kb_item = db.get(KBItem, clarification.kb_item_id) if clarification.kb_item_id else None
    posts = q.hoax_posts(db, clarification)
    return render(
        request,
        "comms/clarification.html",
        page_context(
            c=clarification,
            variants=q.variants_of(db, clarification.id),
            publications=q.publications_of(db, clarification.id),
            kb_item=kb_item,
            item_id=item_id,
            hoax_posts=posts,
            trail=q.trail(db, clarification.id),
            article_url=article_url(clarification, comms),
            can=current.viewer.can,
            errors=errors or {},
            form=form,
            values=values or {},
            error=error,
            now_input=input_value(utcnow(), request.app.state.desk.tz),
            message=MESSAGES.get(request.query_params.get("pesan", "")),
        ),
        status_code=status,
    )


def _done(clarification_id: int, message: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/klarifikasi/{clarification_id}?pesan={message}{anchor}", status_code=303)


def _failed(
    request: Request,
    db: Session,
    current: Officer,
    clarification_id: int,
    exc: Exception,
    *,
    form: str,
    values: dict[str, Any] | None = None,
) -> Response:
    if isinstance(exc, InputError):
        return clarification_page(
            request, db, current, clarification_id, status=422, errors=exc.errors, form=form, values=values
        )
    status = 409 if isinstance(exc, wf.StaleClarification | wf.WorkflowError) else 422
    return clarification_page(
        request, db, current, clarification_id, status=status, error=str(exc), form=form, values=values
    )


# ---------------------------------------------------------------- list and start


@router.get("/klarifikasi")
def list_page(
    request: Request, current: Officer = Depends(officer("clar.view")), db: Session = Depends(get_db)
) -> Response:
    wanted = request.query_params.get("status", "")
    query = (
        select(Clarification).order_by(Clarification.updated_at.desc(), Clarification.id.desc()).limit(200)
    )
    if wanted in wf.STATUSES:
        query = query.where(Clarification.status == wanted)
    rows = list(db.scalars(query))
    published = {c.id: list(q.publications_of(db, c.id)) for c in rows}
    return render(request, "comms/list.html", page_context(rows=rows, wanted=wanted, published=published))


@router.get("/item/{item_id}/klarifikasi")
def start_page(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("clar.view")),
    db: Session = Depends(get_db),
) -> Response:
    item = load_item(db, item_id, current.viewer)
    existing = q.clarification_for_item(db, item.id)
    if existing is not None:
        return RedirectResponse(f"/klarifikasi/{existing.id}", status_code=303)
    verdict = latest_verdict(db, item.id)
    return render(
        request,
        "comms/start.html",
        page_context(
            item=item,
            verdict=verdict,
            eligible=verdict is not None and verdict.verdict in HOAX_VERDICTS,
            can=current.viewer.can,
        ),
    )


@router.post("/item/{item_id}/klarifikasi")
def create(
    request: Request,
    item_id: int,
    current: Officer = Depends(officer("clar.draft", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    existing = q.clarification_for_item(db, item_id)
    try:
        clarification = wf.create_clarification(db, item_id, current.viewer, comms_settings(request))
    except (DraftRefused, TemplateInvalid) as exc:
        db.rollback()
        item = load_item(db, item_id, current.viewer)
        verdict = latest_verdict(db, item.id)
        return render(
            request,
            "comms/start.html",
            page_context(item=item, verdict=verdict, eligible=False, can=current.viewer.can, error=str(exc)),
            status_code=422,
        )
    db.commit()
    if existing is not None:
        return RedirectResponse(f"/klarifikasi/{clarification.id}", status_code=303)
    return _done(clarification.id, "dibuat")


# ---------------------------------------------------------------- one clarification


@router.get("/klarifikasi/{clarification_id}")
def show(
    request: Request,
    clarification_id: int,
    current: Officer = Depends(officer("clar.view")),
    db: Session = Depends(get_db),
) -> Response:
    return clarification_page(request, db, current, clarification_id)


@router.post("/klarifikasi/{clarification_id}/ubah")
def edit_fields(
    request: Request,
    clarification_id: int,
    label: str = Form(""),
    title: str = Form(""),
    claim: str = Form(""),
    facts: str = Form(""),
    source: str = Form(""),
    source_url: str = Form(""),
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.draft", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    data = wf.FieldsInput(label, title, claim, facts, source, source_url, revision)
    try:
        wf.update_fields(db, clarification_id, data, current.viewer, comms_settings(request))
    except (InputError, wf.WorkflowError, TemplateInvalid) as exc:
        values = {
            "label": label,
            "title": title,
            "claim": claim,
            "facts": facts,
            "source": source,
            "source_url": source_url,
        }
        return _failed(request, db, current, clarification_id, exc, form="isi", values=values)
    db.commit()
    return _done(clarification_id, "disimpan")


@router.post("/klarifikasi/{clarification_id}/kanal/{channel}")
def edit_variant(
    request: Request,
    clarification_id: int,
    channel: str,
    text: str = Form(""),
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.draft", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    if channel not in CHANNELS:
        raise NotFound(channel)
    try:
        wf.update_variant(db, clarification_id, channel, text, revision, current.viewer)
    except (InputError, wf.WorkflowError) as exc:
        return _failed(
            request, db, current, clarification_id, exc, form=f"kanal-{channel}", values={"text": text}
        )
    db.commit()
    return _done(clarification_id, "kanal", f"#kanal-{channel}")


@router.post("/klarifikasi/{clarification_id}/buat-ulang")
def rerender(
    request: Request,
    clarification_id: int,
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.draft", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        wf.reset_variants(db, clarification_id, revision, current.viewer, comms_settings(request))
    except (wf.WorkflowError, TemplateInvalid) as exc:
        return _failed(request, db, current, clarification_id, exc, form="ulang")
    db.commit()
    return _done(clarification_id, "ulang")


@router.post("/klarifikasi/{clarification_id}/ajukan")
def submit(
    request: Request,
    clarification_id: int,
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.draft", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        wf.submit(db, clarification_id, revision, current.viewer)
    except wf.WorkflowError as exc:
        return _failed(request, db, current, clarification_id, exc, form="ajukan")
    db.commit()
    return _done(clarification_id, "diajukan")


@router.post("/klarifikasi/{clarification_id}/kembalikan")
def send_back(
    request: Request,
    clarification_id: int,
    note: str = Form(""),
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.approve", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        wf.return_to_draft(db, clarification_id, note, revision, current.viewer)
    except (InputError, wf.WorkflowError) as exc:
        return _failed(request, db, current, clarification_id, exc, form="kembalikan", values={"note": note})
    db.commit()
    return _done(clarification_id, "dikembalikan")


def _index_in_background(app, clarification_id: int) -> None:  # noqa: ANN001
    """After approval: add the clarification to the search index when one exists (loads the encoder)."""
    try:
        with app.state.sessions() as session:
            index_pending(session, clarification_id)
            session.commit()
    except Exception:  # the clarification stays 'perlu_reindeks'; `saring kb reindex` catches up
        log.exception("indexing clarification %s failed", clarification_id)


@router.post("/klarifikasi/{clarification_id}/setujui")
def approve(
    request: Request,
    background: BackgroundTasks,
    clarification_id: int,
    revision: str = Form(""),
    current: Officer = Depends(officer("clar.approve", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    try:
        wf.approve(db, clarification_id, revision, current.viewer, comms_settings(request))
    except (wf.WorkflowError, TemplateInvalid) as exc:
        return _failed(request, db, current, clarification_id, exc, form="setujui")
    db.commit()
    if comms_settings(request).index_on_approval:
        background.add_task(_index_in_background, request.app, clarification_id)
    return _done(clarification_id, "disetujui")


@router.post("/klarifikasi/{clarification_id}/terbit")
def publish(
    request: Request,
    clarification_id: int,
    channel: str = Form(""),
    url: str = Form(""),
    published_at: str = Form(""),
    reach: str = Form(""),
    likes: str = Form(""),
    shares: str = Form(""),
    comments: str = Form(""),
    views: str = Form(""),
    current: Officer = Depends(officer("clar.publish", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    data = pub.PublicationInput(channel, url, published_at, reach, likes, shares, comments, views)
    try:
        pub.record_publication(
            db, clarification_id, data, current.viewer, request.app.state.desk.tz, comms_settings(request)
        )
    except (InputError, wf.WorkflowError) as exc:
        values = {
            "channel": channel,
            "url": url,
            "published_at": published_at,
            "reach": reach,
            "likes": likes,
            "shares": shares,
            "comments": comments,
            "views": views,
        }
        return _failed(request, db, current, clarification_id, exc, form="terbit", values=values)
    db.commit()
    return _done(clarification_id, "terbit", "#terbit")


@router.post("/klarifikasi/{clarification_id}/jangkauan/{channel}")
def reach(
    request: Request,
    clarification_id: int,
    channel: str,
    reach: str = Form(""),
    likes: str = Form(""),
    shares: str = Form(""),
    comments: str = Form(""),
    views: str = Form(""),
    current: Officer = Depends(officer("clar.publish", csrf=True)),
    db: Session = Depends(get_db),
) -> Response:
    if channel not in CHANNELS:
        raise NotFound(channel)
    engagement = {"likes": likes, "shares": shares, "comments": comments, "views": views}
    try:
        pub.update_reach(db, clarification_id, channel, reach, engagement, current.viewer)
    except (InputError, wf.WorkflowError) as exc:
        return _failed(request, db, current, clarification_id, exc, form=f"jangkauan-{channel}")
    db.commit()
    return _done(clarification_id, "jangkauan", "#terbit")
