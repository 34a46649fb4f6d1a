"""The queue page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from desk.auth import Officer, get_db, officer
from desk.services.queue import QueueFilters, list_queue
from desk.web import render

router = APIRouter(include_in_schema=False)


def filters_from(request: Request) -> tuple[QueueFilters, int]:
    """Queue filters and page number from the query string (unknown values simply match nothing)."""
    q = request.query_params

    def text(name: str) -> str:
        return (q.get(name) or "").strip()[:100]

    filters = QueueFilters(
        status=text("status") or "terbuka",
        platform=text("platform"),
        category=text("category"),
        kecamatan=text("kecamatan"),
        skpd=text("skpd"),
        band=text("band"),
        overdue=q.get("overdue") == "1",
    )
    try:
        page = max(1, min(int(q.get("page") or 1), 100_000))
    except ValueError:
        page = 1
    return filters, page


@router.get("/")
def home(_officer: Officer = Depends(officer("queue.view"))) -> Response:
    return RedirectResponse("/antrean", status_code=303)


@router.get("/antrean")
def queue_page(
    request: Request, current: Officer = Depends(officer("queue.view")), db: Session = Depends(get_db)
) -> Response:
    filters, page = filters_from(request)
    desk = request.app.state.desk
    result = list_queue(db, filters, current.viewer, page=page, page_size=desk.page_size)
    facets = request.app.state.facets.get(db, desk.kecamatan)
    active = filters.active()

    def page_link(number: int) -> str:
        return "/antrean?" + urlencode({**active, "page": number})

    return render(
        request,
        "queue.html",
        {
            "result": result,
            "filters": filters,
            "facets": facets,
            "page_link": page_link,
        },
    )
