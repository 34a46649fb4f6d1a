"""The desk application factory: pages, JSON API, error pages, security headers, background routing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from desk.auth import CsrfFailed, NotAuthenticated
from desk.routes import all_routers
from desk.services.access import Forbidden, NotFound
from desk.services.decisions import StaleItemError
from desk.services.queue import Facets
from desk.services.routing import ensure_defaults, route_new_items
from desk.services.validation import InputError
from desk.settings import DeskSettings
from desk.web import STATIC_DIR, make_templates, render
from saring.config import Settings, get_settings
from saring.db.session import get_engine, init_db

log = logging.getLogger(__name__)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def route_once(app: FastAPI) -> int:
    """Route queue items that have no SKPD yet (run in the background and at start-up)."""
    with app.state.sessions() as session:
        count = route_new_items(session, app.state.desk.kecamatan)
        session.commit()
    if count:
        log.info("routed %d new queue items", count)
        app.state.facets.clear()
    return count


async def _routing_loop(app: FastAPI, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            while await run_in_threadpool(route_once, app) > 0:
                await asyncio.sleep(0)
        except Exception:  # keep the loop alive; the next tick retries
            log.exception("background routing failed")


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status)
    return render(request, "error.html", {"title": title, "detail": detail}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _anonymous(request: Request, _exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Silakan masuk terlebih dahulu."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/antrean"
        return RedirectResponse(f"/masuk?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return _error_page(
            request, 403, "Akses ditolak", "Peran atau SKPD Anda tidak berhak membuka halaman ini."
        )

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "Formulir ditolak",
            "Token keamanan (CSRF) tidak ada atau tidak cocok. Muat ulang halaman lalu coba lagi.",
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: NotFound) -> Response:
        return _error_page(request, 404, "Tidak ditemukan", "Item yang Anda cari tidak ada.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(request, 404, "Tidak ditemukan", "Halaman yang Anda cari tidak ada.")
        if exc.status_code == 405:
            return _error_page(
                request, 405, "Metode tidak diizinkan", "Cara membuka halaman ini tidak didukung."
            )
        return _error_page(request, exc.status_code, "Kesalahan", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "Permintaan tidak valid.", "errors": _plain_errors(exc)}, status_code=422
            )
        if any(err.get("loc", [""])[0] == "path" for err in exc.errors()):
            return _error_page(request, 404, "Tidak ditemukan", "Alamat ini tidak menunjuk ke item yang ada.")
        return _error_page(
            request, 400, "Permintaan tidak valid", "Isian formulir tidak lengkap atau tidak sah."
        )

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return JSONResponse({"detail": "Isian tidak valid.", "errors": exc.errors}, status_code=422)

    @app.exception_handler(StaleItemError)
    async def _stale(request: Request, exc: StaleItemError) -> Response:
        who = exc.last_change.actor if exc.last_change else "petugas lain"
        return JSONResponse(
            {
                "detail": f"Item ini baru saja diubah oleh {who}; perubahan Anda tidak disimpan.",
                "current_version": exc.current_version,
            },
            status_code=409,
        )


def _plain_errors(exc: RequestValidationError) -> dict[str, str]:
    return {
        ".".join(str(p) for p in err.get("loc", [])[1:]) or "body": err.get("msg", "") for err in exc.errors()
    }


def create_app(
    settings: Settings | None = None, desk: DeskSettings | None = None, *, migrate: bool = True
) -> FastAPI:
    """Build the desk for one database (``settings.resolved_database_url``)."""
    settings = settings or get_settings()
    desk = desk or DeskSettings()
    url = settings.resolved_database_url
    engine = init_db(url) if migrate else get_engine(url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if desk.route_interval_s > 0:
            await run_in_threadpool(route_once, app)
            task = asyncio.create_task(_routing_loop(app, desk.route_interval_s))
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="Saring — Meja TRC",
        description="Review desk of the Saring hoax-detection system: queue, decisions, routing, evidence.",
        version="1.0",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.desk = desk
    app.state.engine = engine
    app.state.sessions = sessionmaker(bind=engine, expire_on_commit=False)
    app.state.templates = make_templates(desk)
    app.state.facets = Facets()
    with app.state.sessions() as session:
        ensure_defaults(session)
        session.commit()

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    for router in all_routers():
        app.include_router(router)
    return app
