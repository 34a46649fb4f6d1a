"""/lapor as a citizen uses it: a phone viewport in Debian's Chromium, JavaScript off; screenshots kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from report_helpers import decide_item, png_bytes, queue_issue
from sqlalchemy import select
from test_desk_browser import CHROMIUM, CHROMIUM_ARGS, _Server

from desk.reports.settings import reset_report_settings
from saring.db.session import session_scope
from saring.db.tables.reports import CitizenReport, CitizenReporter

pytest_plugins = ["desk_fixtures"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "reports"
PHONE = {"width": 390, "height": 844}
TODAY = date.today().isoformat()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def phone_browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(phone_browser, desk_app, monkeypatch, tmp_path):
    monkeypatch.setenv("SARING_REPORT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    reset_report_settings()
    with _Server(desk_app) as url:
        context = phone_browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID", java_script_enabled=False
        )
        page = context.new_page()
        yield page, url
        context.close()
    reset_report_settings()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _code(page) -> str:
    return page.locator("#code").inner_text().strip()


def test_report_with_link_then_tracking_before_and_after_the_verdict(phone, db_url):
    page, url = phone
    page.goto(f"{url}/lapor")
    width = page.locator("form button[type=submit]").first.bounding_box()["width"]
    assert width > 300  # full-width controls on a 390 px phone
    _shot(page, "01-formulir")
    page.fill(
        "#text",
        "Pesan berantai: air PDAM Kotabaru tercemar limbah tambang, jangan diminum sampai akhir bulan",
    )
    page.select_option("#platform", "whatsapp")
    page.fill("#link", "https://chat.whatsapp.com/contoh-grup")
    page.fill("#seen_on", TODAY)
    page.select_option("#kecamatan", "Pulau Laut Utara")
    page.select_option("#answer_channel", "email")
    page.fill("#contact", "warga@contoh.id")
    page.check("input[name=consent]")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{url}/lapor/LP-*")
    expect(page.locator("#received")).to_be_visible()
    expect(page.locator("#stage")).to_have_text("Diterima")
    code = _code(page)
    _shot(page, "02-terkirim-diterima")
    assert "warga@contoh.id" not in page.content()

    item_id = queue_issue(db_url, [code])
    page.reload()
    expect(page.locator("#stage")).to_have_text("Sedang ditinjau TRC")
    _shot(page, "03-ditinjau")
    decide_item(db_url, item_id, "bukan_hoaks")
    page.goto(f"{url}/lapor")
    page.fill("#kode", code.lower())
    page.locator("form.lookup button").click()
    page.wait_for_url(f"{url}/lapor/{code}")
    expect(page.locator("#stage")).to_have_text("Sudah dijawab")
    expect(page.locator("#verdict")).to_have_text("Bukan hoaks")
    _shot(page, "04-dijawab")


def test_report_with_only_a_screenshot(phone, db_url):
    page, url = phone
    page.goto(f"{url}/lapor")
    page.select_option("#platform", "facebook")
    page.fill("#seen_on", TODAY)
    page.set_input_files(
        "#screenshot",
        files=[{"name": "tangkapan.png", "mimeType": "image/png", "buffer": png_bytes(300, 600, "orange")}],
    )
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{url}/lapor/LP-*")
    code = _code(page)
    _shot(page, "05-hanya-tangkapan-layar")
    with session_scope(db_url) as s:
        report = s.scalar(select(CitizenReport).where(CitizenReport.tracking_code == code))
        assert report.screenshot_type == "png" and report.link is None
        assert s.scalar(select(CitizenReporter.id)) is None


def test_refusals_for_missing_fields_and_a_fake_image(phone, db_url):
    page, url = phone
    page.goto(f"{url}/lapor")
    page.fill("#seen_on", "")
    page.locator("form button[type=submit]").first.click()
    expect(page.locator("#errors")).to_be_visible()
    expect(page.locator("#err-platform")).to_contain_text("Pilih di mana")
    expect(page.locator("#err-seen_on")).to_contain_text("Tanggal wajib diisi")
    expect(page.locator("#err-evidence")).to_contain_text("tautan, tangkapan layar")
    _shot(page, "06-penolakan-kosong")
    page.select_option("#platform", "tiktok")
    page.fill("#seen_on", TODAY)
    page.fill("#text", "<b>hoaks</b>")
    page.set_input_files(
        "#screenshot",
        files=[{"name": "virus.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00 this is an exe" * 50}],
    )
    page.locator("form button[type=submit]").first.click()
    expect(page.locator("#err-screenshot")).to_contain_text("bukan gambar")
    expect(page.locator("#text")).to_have_value("<b>hoaks</b>")  # kept, escaped, never rendered as markup
    assert page.locator("main b", has_text="hoaks").count() == 0
    _shot(page, "07-penolakan-berkas-palsu")
    with session_scope(db_url) as s:
        assert s.scalar(select(CitizenReport.id)) is None
