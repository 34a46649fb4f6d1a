"""Comms and monitoring as people use them: Debian's headless Chromium through Playwright, screenshots kept
in test-artifacts/comms/ (the desk's browser fixtures are reused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from test_desk_browser import CHROMIUM, _login
from test_monitoring import _seed

from desk.comms.settings import CommsSettings
from desk.services.access import Viewer
from desk.services.decisions import VerdictInput, decide
from saring.db.session import session_scope
from saring.db.tables.comms import Publication
from saring.db.tables.core import Clarification, KBItem, QueueItem

pytest_plugins = ["desk_fixtures", "test_desk_browser"]  # its browser, desk_url and page_for fixtures
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "comms"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture(autouse=True)
def _comms_settings(desk_app):
    desk_app.state.comms = CommsSettings(
        kabupaten="Kotabaru",
        phone="(0518) 21000",
        whatsapp="0811-5000-123",
        website="https://kotabarukab.go.id",
        article_base_url="https://kotabarukab.go.id/klarifikasi",
        index_on_approval=False,
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _watch_console(page) -> list[str]:
    """Console errors (a CSP violation shows up here) and failed sub-resources, except the absent favicon."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response) -> None:
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    return errors


def _decided(db_url, desk_seed) -> int:
    with session_scope(db_url) as session:
        item = session.get(QueueItem, desk_seed.items["blt"])
        decide(
            session,
            item.id,
            VerdictInput(
                "hoaks", "Sama dengan cek fakta TurnBackHoax", item.version_id, kb_item_id=desk_seed.kb["blt"]
            ),
            Viewer("rina.trc", "trc"),
        )
        return item.id


def test_clarification_from_draft_to_published(page_for, desk_url, desk_seed, db_url):
    item_id = _decided(db_url, desk_seed)
    page = page_for()
    errors = _watch_console(page)
    _login(page, desk_url, "comms")
    page.goto(f"{desk_url}/item/{item_id}")
    page.click("#klarifikasi a.button-link")
    page.wait_for_url(f"{desk_url}/item/{item_id}/klarifikasi")
    page.click("text=Buat draf klarifikasi")
    page.wait_for_url("**/klarifikasi/*?pesan=dibuat")
    clarification_url = page.url.split("?")[0]
    assert page.locator("#status").inner_text() == "Draf"
    assert page.locator(".variant").count() == 6
    assert page.locator("#kanal-x .thread-part").count() >= 2
    expect(page.locator(".card-preview img")).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('.card-preview img').naturalWidth") == 1080
    _shot(page, "01-draf-klarifikasi")

    page.fill(
        "#facts",
        "Dinas Sosial Kabupaten Kotabaru memastikan tidak ada pendaftaran BLT melalui tautan. "
        "Penyaluran bansos hanya berdasarkan DTKS dan diumumkan melalui kanal resmi Pemkab.",
    )
    page.fill("#source", "Dinas Sosial Kabupaten Kotabaru; cek fakta TurnBackHoax (MAFINDO)")
    page.click("#isi button[type=submit]")
    page.wait_for_url(f"{clarification_url}?pesan=disimpan")
    assert "hanya berdasarkan DTKS" in page.locator("#kanal-facebook pre").inner_text()
    page.locator("#kanal-tiktok summary").click()
    page.fill(
        "#text-tiktok",
        "[HOAKS] Pendaftaran BLT lewat tautan itu palsu. Info resmi: Dinas Sosial. "
        "#SaringSebelumSharing #Kotabaru",
    )
    page.click("#kanal-tiktok button[type=submit]")
    page.wait_for_url(f"{clarification_url}?pesan=kanal#kanal-tiktok")
    assert "diubah manual" in page.locator("#kanal-tiktok .count").inner_text()
    page.click("text=Ajukan untuk disetujui")
    page.wait_for_url(f"{clarification_url}?pesan=diajukan")
    assert page.locator("#status").inner_text() == "Menunggu persetujuan"
    _shot(page, "02-diajukan")

    lead = page_for()
    _login(lead, desk_url, "trc")
    lead.goto(clarification_url)
    _shot(lead, "03-persetujuan-trc")
    lead.click("text=Setujui klarifikasi")
    lead.wait_for_url(f"{clarification_url}?pesan=disetujui")
    assert lead.locator("#status").inner_text() == "Disetujui"
    assert "Di basis pengetahuan" in lead.locator(".tags").inner_text()

    page.goto(clarification_url)
    page.select_option("#channel", "facebook")
    page.fill("#url", "https://www.facebook.com/pemkabkotabaru/posts/1234567890")
    page.fill("#reach", "5200")
    page.fill("#likes", "130")
    page.click("text=Catat terbit")
    page.wait_for_url(f"{clarification_url}?pesan=terbit#terbit")
    assert page.locator("#status").inner_text() == "Diterbitkan"
    assert "5.200" in page.locator("table.pubs").inner_text()
    _shot(page, "04-diterbitkan")
    with page.expect_download() as download_info:
        page.click("text=Unduh semua berkas (ZIP)")
    download_info.value.save_as(str(ARTIFACTS / download_info.value.suggested_filename))
    assert errors == [], errors

    with session_scope(db_url) as session:
        clarification = session.scalar(select(Clarification))
        assert clarification.status == "diterbitkan"
        assert session.scalar(select(KBItem.source).where(KBItem.kb_id == clarification.kb_id)) == "pemda"
        assert session.scalar(select(Publication.reach)) == 5200


def test_clarification_page_on_a_phone(page_for, desk_url, desk_seed, db_url):
    item_id = _decided(db_url, desk_seed)
    page = page_for(390, 844)
    errors = _watch_console(page)
    _login(page, desk_url, "comms")
    page.goto(f"{desk_url}/item/{item_id}/klarifikasi")
    page.click("text=Buat draf klarifikasi")
    page.wait_for_url("**/klarifikasi/*?pesan=dibuat")
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, "05-klarifikasi-ponsel")
    page.goto(f"{desk_url}/klarifikasi")
    assert page.locator("tr[data-clarification]").count() == 1
    _shot(page, "06-daftar-klarifikasi-ponsel")
    assert errors == [], errors


def test_template_editor_preview_and_new_version(page_for, desk_url, desk_seed):
    page = page_for()
    errors = _watch_console(page)
    _login(page, desk_url, "comms")
    page.click("nav >> text=Templat")
    page.wait_for_url(f"{desk_url}/templat")
    page.click("tr[data-channel=instagram] >> text=Ubah")
    page.wait_for_url(f"{desk_url}/templat/instagram")
    body = page.input_value("#body")
    page.fill(
        "#body", body.replace("Saring sebelum sharing!", "Saring sebelum sharing, Sobat {{ kabupaten }}!")
    )
    page.click("button[value=pratinjau]")
    assert "Saring sebelum sharing, Sobat Contoh!" in page.locator("#pratinjau").inner_text()
    page.fill("#note", "Sapaan untuk warga di penutup")
    page.click("button[value=simpan]")
    page.wait_for_url(f"{desk_url}/templat/instagram?pesan=disimpan")
    assert "Aktif: v2" in page.locator(".tags").inner_text()
    _shot(page, "07-templat-instagram")
    page.fill("#body", "Halo {{ nomor_wa }}")
    page.click("button[value=simpan]")
    assert "tidak dikenal" in page.locator("#galat").inner_text()
    assert errors == [], errors


def test_dashboard_numbers_and_phone_layout(page_for, desk_url, desk_seed, db_url):
    with session_scope(db_url) as session:
        _seed(session)  # the hand-computed fixture of test_monitoring (1-7 May 2026)
    page = page_for()
    errors = _watch_console(page)
    _login(page, desk_url, "analyst")
    page.click("nav >> text=Pemantauan")
    page.fill("#dari", "2026-05-01")
    page.fill("#sampai", "2026-05-07")
    page.click("text=Tampilkan")
    page.wait_for_url(f"{desk_url}/pemantauan?dari=2026-05-01&sampai=2026-05-07")
    metric = {
        m: page.locator(f"[data-metric={m}]").inner_text()
        for m in ("flagged", "verified", "hoax", "clarified")
    }
    assert metric == {"flagged": "7", "verified": "5", "hoax": "4", "clarified": "3"}
    assert page.locator("#tabel-durasi tr[data-stage=clarification]").inner_text().split("\t")[1:] == [
        "3",
        "12,0 jam",
        "18,4 jam",
    ]
    assert page.locator("#tabel-pita tr[data-band=suggest]").inner_text().split("\t")[1:] == ["3", "2", "67%"]
    widths = page.evaluate("Array.from(document.querySelectorAll('img.chart')).map(i => i.naturalWidth)")
    assert len(widths) == 10 and all(w > 0 for w in widths)  # every chart loaded under the CSP
    _shot(page, "08-pemantauan")
    with page.expect_download() as download_info:
        page.click(".exports >> text=CSV")
    assert download_info.value.suggested_filename == "laporan-saring-2026-05-01-2026-05-07.csv"

    phone = page_for(390, 844)
    _login(phone, desk_url, "analyst")
    phone.goto(f"{desk_url}/pemantauan?dari=2026-05-01&sampai=2026-05-07")
    assert phone.evaluate(NO_OVERFLOW)
    _shot(phone, "09-pemantauan-ponsel")
    assert errors == [], errors


def test_the_card_as_the_browser_shows_it(page_for, desk_url, desk_seed, db_url):
    item_id = _decided(db_url, desk_seed)
    page = page_for()
    _login(page, desk_url, "comms")
    page.goto(f"{desk_url}/item/{item_id}/klarifikasi")
    page.click("text=Buat draf klarifikasi")
    page.wait_for_url("**/klarifikasi/*?pesan=dibuat")
    response = page.request.get(page.url.split("?")[0] + "/kartu.png")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "10-kartu-dari-meja.png").write_bytes(response.body())
    assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"
