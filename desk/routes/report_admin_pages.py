"""TRC/admin pages of citizen reports: reports with their reporters, blocking, and the outbox log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.reports.abuse import block_reporter, unblock
from desk.services import audit
from desk.services.access import NotFound
from desk.web import render
from saring.db.tables.core import Post, QueueItem
from saring.db.tables.reports import CitizenReport, CitizenReporter, OutboxMessage, ReporterBlock

router = APIRouter(include_in_schema=False)


@router.get("/admin/laporan")
def reports_page(
    request: Request, db: Session = Depends(get_db), me: Officer = Depends(officer("reports.view"))
) -> Response:
    rows = db.execute(
        select(CitizenReport, CitizenReporter, Post.cluster_id, QueueItem.id.label("item_id"))
        .outerjoin(CitizenReporter, CitizenReporter.report_id == CitizenReport.id)
        .join(Post, Post.id == CitizenReport.post_id)
        .outerjoin(QueueItem, QueueItem.post_id == Post.id)
        .order_by(CitizenReport.id.desc())
        .limit(200)
    ).all()
    blocks = db.scalars(
        select(ReporterBlock).where(ReporterBlock.active.is_(True)).order_by(ReporterBlock.id.desc())
    ).all()
    blocked = {b.contact_hash for b in blocks if b.contact_hash} | {b.ip_hash for b in blocks if b.ip_hash}
    outbox = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)).all()
    return render(
        request, "reports/admin.html", {"rows": rows, "blocks": blocks, "blocked": blocked, "outbox": outbox}
    )


@router.post("/admin/laporan/{report_id}/blokir")
def block(
    report_id: int,
    reason: str = Form(""),
    db: Session = Depends(get_db),
    me: Officer = Depends(officer("reports.block", csrf=True)),
) -> Response:
    row = block_reporter(db, report_id, me.username, reason.strip()[:500])
    if row is None:
        raise NotFound()
    audit.record(
        db,
        actor=me.username,
        action="reporter.block",
        entity_type="citizen_report",
        entity_id=report_id,
        block_id=row.id,
    )
    db.commit()
    return RedirectResponse("/admin/laporan", status_code=303)


@router.post("/admin/laporan/blokir/{block_id}/buka")
def unblock_page(
    block_id: int,
    db: Session = Depends(get_db),
    me: Officer = Depends(officer("reports.block", csrf=True)),
) -> Response:
    if not unblock(db, block_id):
        raise NotFound()
    audit.record(
        db, actor=me.username, action="reporter.unblock", entity_type="reporter_block", entity_id=block_id
    )
    db.commit()
    return RedirectResponse("/admin/laporan", status_code=303)
