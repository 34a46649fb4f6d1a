"""The monitoring and evaluation dashboard, and the same report as an HTML file or CSV."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.monitoring.report import (
    PeriodInvalid,
    build_report,
    parse_period,
    render,
    render_body,
    render_csv,
    render_standalone,
)
from desk.services import audit
from desk.web import render as render_page
from saring.config import get_settings
from saring.db.base import utcnow

router = APIRouter(include_in_schema=False)


def _period(request: Request) -> tuple[date, date]:
    today = utcnow().astimezone(request.app.state.desk.tz).date()
    q = request.query_params
    return parse_period(q.get("dari") or None, q.get("sampai") or None, today=today)


@router.get("/pemantauan")
async def dashboard(
    request: Request, _current: Officer = Depends(officer("dashboard.view")), db: Session = Depends(get_db)
) -> Response:
    tz = request.app.state.desk.tz
    try:
        start, end = _period(request)
    except PeriodInvalid as exc:
        return render_page(
            request,
            "monitoring/dashboard.html",
            {"error": str(exc), "start": "", "end": "", "body": ""},
            status_code=422,
        )

    def build():  # noqa: ANN202  (charts are CPU work: keep them off the event loop)
        return render(build_report(db, start, end, tz), tz)

    rendered = await run_in_threadpool(build)
    query = urlencode({"dari": start.isoformat(), "sampai": end.isoformat()})
    links = {"html": f"/pemantauan/laporan.html?{query}", "csv": f"/pemantauan/laporan.csv?{query}"}
    return render_page(
        request,
        "monitoring/dashboard.html",
        {
            "body": render_body(rendered, links=links),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "error": "",
        },
    )


def _export(request: Request, db: Session, current: Officer, kind: str) -> Response:
    tz = request.app.state.desk.tz
    try:
        start, end = _period(request)
    except PeriodInvalid as exc:
        return Response(str(exc), status_code=422, media_type="text/plain; charset=utf-8")
    report = build_report(db, start, end, tz)
    name = f"laporan-saring-{start.isoformat()}-{end.isoformat()}.{kind}"
    if kind == "csv":
        body, media = render_csv(report), "text/csv; charset=utf-8"
    else:
        body = render_standalone(render(report, tz), kabupaten=get_settings().kabupaten)
        media = "text/html; charset=utf-8"
    audit.record(
        db,
        actor=current.username,
        action="report.export",
        entity_type="report",
        entity_id=f"{start.isoformat()}..{end.isoformat()}",
        format=kind,
    )
    db.commit()
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/pemantauan/laporan.csv")
def export_csv(
    request: Request, current: Officer = Depends(officer("dashboard.view")), db: Session = Depends(get_db)
) -> Response:
    return _export(request, db, current, "csv")


@router.get("/pemantauan/laporan.html")
def export_html(
    request: Request, current: Officer = Depends(officer("dashboard.view")), db: Session = Depends(get_db)
) -> Response:
    return _export(request, db, current, "html")
