"""The desk as a person uses it: Debian's headless Chromium driven by Playwright, screenshots kept."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from desk_fixtures import PASSWORD, ROLE_USERNAMES
from playwright.sync_api import expect
from sqlalchemy import func, select

from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, QueueItem, Verdict

pytest_plugins = ["desk_fixtures"]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "desk"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """uvicorn in a background thread on a free loopback port."""

    def __init__(self, app):
        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("desk server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def desk_url(desk_app):
    with _Server(desk_app) as url:
        yield url


@pytest.fixture
def page_for(browser, desk_url):
    contexts = []

    def make(width: int = 1366, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="id-ID", accept_downloads=True
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page, desk_url: str, role: str, *, shot: str | None = None) -> None:
    page.goto(f"{desk_url}/antrean")
    assert "/masuk" in page.url
    page.fill("#username", ROLE_USERNAMES[role])
    page.fill("#password", PASSWORD)
    if shot:
        _shot(page, shot)
    page.click("button[type=submit]")
    page.wait_for_url(f"{desk_url}/antrean")


def test_trc_logs_in_decides_and_the_item_leaves_the_queue(page_for, desk_url, desk_seed, db_url):
    page = page_for()
    _login(page, desk_url, "trc", shot="01-masuk")
    assert page.locator("h1").inner_text() == "Antrean tinjauan"
    item_id = desk_seed.items["blt"]
    row = page.locator(f"tr[data-item='{item_id}']")
    assert row.count() == 1 and "Dinas Sosial" in row.inner_text()
    _shot(page, "02-antrean")

    row.locator("td.excerpt a").click()
    page.wait_for_url(f"{desk_url}/item/{item_id}")
    assert "BLT Rp600 ribu" in page.locator(".post-text").inner_text()
    assert page.locator(".match").count() >= 1
    judgement = page.locator(".match [data-testid=judgement]").first.inner_text()
    assert "Peluang klaim sama" in judgement and "menyebarkan klaim" in judgement
    assert "7 kata sama" in page.locator(".match .evidence").first.inner_text()
    page.locator("details.raw summary").click()
    # A locator wait, not a string predicate: the desk's CSP forbids 'unsafe-eval'.
    expect(page.locator(".raw-body")).to_contain_text("fb-1001")
    _shot(page, "03-item")

    page.check("input[name=verdict][value=hoaks]")
    page.fill("#reason", "Sama dengan cek fakta TurnBackHoax: tidak ada pendaftaran BLT lewat tautan.")
    page.select_option("#kb_item_id", str(desk_seed.kb["blt"]))
    page.click("#putusan button[type=submit]")
    page.wait_for_url(f"{desk_url}/item/{item_id}?pesan=putusan-isu")
    assert "Putusan disimpan" in page.locator(".flash.ok").inner_text()
    history = page.locator(".history li.audit[data-action='item.verdict']")
    assert history.count() == 1 and "rina.trc" in history.inner_text() and "Hoaks" in history.inner_text()
    _shot(page, "04-item-diputuskan")

    page.click("text=Kembali ke antrean")
    page.wait_for_url(f"{desk_url}/antrean")
    for name in ("blt", "blt_wa", "blt_tt"):  # the whole issue left the queue
        assert page.locator(f"tr[data-item='{desk_seed.items[name]}']").count() == 0
    with session_scope(db_url) as session:
        assert session.get(QueueItem, item_id).status == "selesai"
        assert session.scalar(select(func.count(Verdict.id))) == 3


def test_pic_sees_only_their_skpd_and_cannot_open_another(page_for, desk_url, desk_seed):
    page = page_for()
    _login(page, desk_url, "pic")
    rows = page.locator("tr.row")
    assert rows.count() == 3
    _shot(page, "05-antrean-pic")
    response = page.goto(f"{desk_url}/item/{desk_seed.items['banjir']}")
    assert response.status == 403
    assert "Akses ditolak" in page.locator("h1").inner_text()
    _shot(page, "06-pic-ditolak")


def test_forged_cross_site_form_without_csrf_token_is_refused(page_for, desk_url, desk_seed, db_url):
    item_id = desk_seed.items["cpns"]
    forged = (
        f"<form id=f method=post action='{desk_url}/item/{item_id}/putusan'>"
        "<input name=verdict value=bukan_hoaks><input name=reason value=dipalsukan>"
        "<input name=version value=1></form><script>document.getElementById('f').submit()</script>"
    )

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = forged.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return None

    attacker = http.server.HTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        page = page_for()
        _login(page, desk_url, "trc")
        with page.expect_navigation(url=f"{desk_url}/item/{item_id}/putusan"):
            page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        assert "Formulir ditolak" in page.content()
        _shot(page, "07-csrf-ditolak")
    finally:
        attacker.shutdown()
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count(Verdict.id))) == 0
        assert session.get(QueueItem, item_id).status == "baru"


def test_evidence_pack_download_and_phone_layout(page_for, desk_url, desk_seed, db_url):
    page = page_for(390, 844)  # a phone
    _login(page, desk_url, "trc")
    _shot(page, "08-antrean-ponsel")
    page.goto(f"{desk_url}/item/{desk_seed.items['banjir']}")
    _shot(page, "09-item-ponsel")
    with page.expect_download() as download_info:
        page.click("text=Unduh paket bukti")
    download = download_info.value
    assert download.suggested_filename.startswith(f"bukti-item-{desk_seed.items['banjir']}-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.save_as(str(ARTIFACTS / download.suggested_filename))
    with session_scope(db_url) as session:
        assert (
            session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "item.evidence_export"))
            == 1
        )


def test_admin_routing_page(page_for, desk_url):
    page = page_for()
    _login(page, desk_url, "admin")
    page.click("text=Aturan rute")
    page.wait_for_url(f"{desk_url}/admin/rute")
    page.select_option("#category", "bencana")
    page.fill("#kecamatan", "Hampang")
    page.select_option("#skpd", "satpolpp")
    page.click("text=Simpan aturan")
    page.wait_for_url(f"{desk_url}/admin/rute?pesan=rute")
    assert "Hampang" in page.locator("table.grid").inner_text()
    _shot(page, "10-aturan-rute")


def test_admin_registers_an_account_and_trc_opens_the_takedown_pack(page_for, desk_url, desk_seed, db_url):
    """Issue 13: the registry edited on the desk, then the one-click takedown pack of a fake Bupati."""
    from desk_fixtures import seed_impersonation

    item_id = desk_seed.items["bupati"]
    with session_scope(db_url) as session:
        seed_impersonation(session, session.get(QueueItem, item_id).post_id)

    admin = page_for()
    _login(admin, desk_url, "admin")
    admin.click("nav >> text=Akun resmi")
    admin.wait_for_url(f"{desk_url}/admin/akun-resmi")
    expect(admin.locator("[data-account='facebook:bupati.kotabaru']")).to_have_count(1)
    admin.fill("#skpd", "dishub")
    admin.fill("#skpd_name", "Dinas Perhubungan")
    admin.select_option("#platform", "instagram")
    admin.fill("#handle", "dishub.kotabaru")
    admin.fill("#display_name", "Dishub Kotabaru")
    admin.fill("#phones", "0811-5100-0400")
    admin.click("#account-form button[type=submit]")
    admin.wait_for_url(f"{desk_url}/admin/akun-resmi?pesan=akun")
    expect(admin.locator("[data-account='instagram:dishub.kotabaru']")).to_contain_text("0811-5100-0400")
    _shot(admin, "20-akun-resmi")
    with session_scope(db_url) as session:
        assert (
            session.scalar(
                select(func.count(AuditLog.id)).where(
                    AuditLog.action == "account.add", AuditLog.actor == "admin.kominfo"
                )
            )
            == 1
        )

    page = page_for()
    _login(page, desk_url, "trc")
    page.goto(f"{desk_url}/item/{item_id}")
    expect(page.locator("[data-testid=impersonation]")).to_contain_text("meniru")
    page.click("[data-testid=takedown-link]")
    page.wait_for_url(f"{desk_url}/item/{item_id}/takedown")
    expect(page.locator("[data-testid=impostor]")).to_contain_text("@bupatl.kotabaru")
    expect(page.locator("[data-testid=genuine]")).to_contain_text("@bupati.kotabaru")
    expect(page.locator("[data-testid=platform-report]")).to_contain_text("peniruan identitas")
    expect(page.locator("[data-testid=police-report]")).to_contain_text("085247113390")
    _shot(page, "21-paket-takedown")
    with page.expect_download() as download:
        page.click("[data-testid=takedown-json]")
    assert download.value.suggested_filename == f"laporan-akun-palsu-{item_id}.json"
