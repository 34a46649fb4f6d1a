"""Comms pages over HTTP: draft from an item, edit, submit, approve, publish, export, templates, dashboard."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from desk_fixtures import csrf_from
from PIL import Image
from sqlalchemy import select

from desk.comms.settings import CommsSettings
from desk.services.timefmt import input_value
from desk.settings import DeskSettings
from saring.db.base import utcnow
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, Clarification, KBItem, QueueItem

pytest_plugins = ["desk_fixtures"]
TZ = DeskSettings().tz


@pytest.fixture
def comms_app(desk_app):
    desk_app.state.comms = CommsSettings(
        kabupaten="Kotabaru",
        phone="(0518) 21000",
        index_on_approval=False,
        article_base_url="https://kotabarukab.go.id/klarifikasi",
    )
    return desk_app


def _revision(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def _decide_blt(client_as, desk_seed) -> int:
    client, token = client_as("trc")
    item_id = desk_seed.items["blt"]
    page = client.get(f"/item/{item_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        f"/item/{item_id}/putusan",
        data={
            "csrf_token": token,
            "verdict": "hoaks",
            "reason": "Sama dengan cek fakta TurnBackHoax.",
            "version": version,
            "kb_item_id": str(desk_seed.kb["blt"]),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    return item_id


def _create(client_as, desk_seed) -> tuple[int, object, str]:
    item_id = _decide_blt(client_as, desk_seed)
    client, token = client_as("comms")
    item_page = client.get(f"/item/{item_id}").text
    assert f'href="/item/{item_id}/klarifikasi"' in item_page  # the item page leads to the clarification
    start = client.get(f"/item/{item_id}/klarifikasi")
    assert start.status_code == 200 and "Buat draf klarifikasi" in start.text
    response = client.post(f"/item/{item_id}/klarifikasi", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    clarification_id = int(re.search(r"/klarifikasi/(\d+)", response.headers["location"]).group(1))
    return clarification_id, client, token


def test_comms_drafts_and_the_trc_approves_then_comms_publishes(comms_app, client_as, desk_seed, db_url):
    clarification_id, comms, token = _create(client_as, desk_seed)
    page = comms.get(f"/klarifikasi/{clarification_id}?pesan=dibuat").text
    assert "Draf klarifikasi dibuat" in page and 'id="kanal-x"' in page and "thread-part" in page
    assert "bit.ly/blt-ktb26" not in page.split('id="h-hoaks"')[0]  # the hoax link is not repeated
    # edit the shared fields, then one channel by hand
    response = comms.post(
        f"/klarifikasi/{clarification_id}/ubah",
        data={
            "csrf_token": token,
            "label": "HOAKS",
            "title": "Pendaftaran BLT Rp600 Ribu Lewat Tautan",
            "claim": "Pendaftaran BLT Rp600 ribu dibuka lewat tautan, isi NIK dan KK.",
            "facts": "Dinas Sosial Kotabaru memastikan tidak ada pendaftaran BLT lewat tautan.",
            "source": "Dinas Sosial Kabupaten Kotabaru",
            "source_url": "",
            "revision": _revision(page),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = comms.get(f"/klarifikasi/{clarification_id}").text
    response = comms.post(
        f"/klarifikasi/{clarification_id}/kanal/instagram",
        data={"csrf_token": token, "text": "x" * 2300, "revision": _revision(page)},
    )
    assert response.status_code == 422 and "2.200" in response.text
    stale = comms.post(f"/klarifikasi/{clarification_id}/ajukan", data={"csrf_token": token, "revision": "1"})
    assert stale.status_code == 409 and "baru saja diubah" in stale.text
    response = comms.post(
        f"/klarifikasi/{clarification_id}/ajukan",
        data={"csrf_token": token, "revision": _revision(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    # comms cannot approve; the TRC lead can
    assert "Menunggu persetujuan ketua TRC" in comms.get(f"/klarifikasi/{clarification_id}").text
    assert (
        comms.post(
            f"/klarifikasi/{clarification_id}/setujui", data={"csrf_token": token, "revision": "4"}
        ).status_code
        == 403
    )
    trc, trc_token = client_as("trc")
    page = trc.get(f"/klarifikasi/{clarification_id}").text
    assert "Setujui klarifikasi" in page
    response = trc.post(
        f"/klarifikasi/{clarification_id}/setujui",
        data={"csrf_token": trc_token, "revision": _revision(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with session_scope(db_url) as session:
        c = session.get(Clarification, clarification_id)
        assert (c.status, c.approved_by) == ("disetujui", "rina.trc")
        assert session.scalar(select(KBItem.source).where(KBItem.kb_id == c.kb_id)) == "pemda"
    # publish on Facebook with its link and time
    when = input_value(utcnow() - timedelta(minutes=5), TZ)
    response = comms.post(
        f"/klarifikasi/{clarification_id}/terbit",
        data={
            "csrf_token": token,
            "channel": "facebook",
            "url": "https://facebook.com/pemkabkotabaru/posts/77",
            "published_at": when,
            "reach": "4800",
            "likes": "95",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = comms.get(f"/klarifikasi/{clarification_id}?pesan=terbit").text
    assert "Penerbitan dicatat" in page and "facebook.com/pemkabkotabaru/posts/77" in page and "4.800" in page
    bad = comms.post(
        f"/klarifikasi/{clarification_id}/terbit",
        data={"csrf_token": token, "channel": "x", "url": "javascript:alert(1)", "published_at": when},
    )
    assert bad.status_code == 422 and "http" in bad.text
    with session_scope(db_url) as session:
        actions = list(
            session.scalars(
                select(AuditLog.action)
                .where(AuditLog.entity_type == "clarification", AuditLog.entity_id == str(clarification_id))
                .order_by(AuditLog.id)
            )
        )
    assert actions == [
        "clarification.create",
        "clarification.edit",
        "clarification.submit",
        "clarification.approve",
        "clarification.publish",
    ]


def test_files_card_article_and_zip(comms_app, client_as, desk_seed):
    clarification_id, comms, token = _create(client_as, desk_seed)
    png = comms.get(f"/klarifikasi/{clarification_id}/kartu.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1080, 1080)
    article = comms.get(f"/klarifikasi/{clarification_id}/artikel.html")
    assert "attachment" in article.headers["content-disposition"]
    assert '"@type": "ClaimReview"' in article.text
    assert comms.get(f"/klarifikasi/{clarification_id}/claimreview.json").json()["@type"] == "ClaimReview"
    response = comms.post(f"/klarifikasi/{clarification_id}/ekspor", data={"csrf_token": token})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert {"x.txt", "facebook.txt", "artikel.html", "claimreview.json"} <= set(archive.namelist())
    assert comms.post(f"/klarifikasi/{clarification_id}/ekspor", data={}).status_code == 403  # no CSRF token


def test_drafting_is_refused_before_a_hoax_verdict_and_for_other_roles(comms_app, client_as, desk_seed):
    comms, token = client_as("comms")
    item_id = desk_seed.items["cpns"]
    page = comms.get(f"/item/{item_id}/klarifikasi")
    assert page.status_code == 200 and "belum diputuskan" in page.text
    refused = comms.post(f"/item/{item_id}/klarifikasi", data={"csrf_token": token})
    assert refused.status_code == 422 and "hoaks" in refused.text
    analyst, analyst_token = client_as("analyst")
    assert analyst.post(f"/item/{item_id}/klarifikasi", data={"csrf_token": analyst_token}).status_code == 403
    pic, _ = client_as("pic")
    assert pic.get("/klarifikasi").status_code == 403


def test_returning_a_draft_with_a_note(comms_app, client_as, desk_seed, db_url):
    clarification_id, comms, token = _create(client_as, desk_seed)
    page = comms.get(f"/klarifikasi/{clarification_id}").text
    comms.post(
        f"/klarifikasi/{clarification_id}/ajukan", data={"csrf_token": token, "revision": _revision(page)}
    )
    admin, admin_token = client_as("admin")
    page = admin.get(f"/klarifikasi/{clarification_id}").text
    empty = admin.post(
        f"/klarifikasi/{clarification_id}/kembalikan",
        data={"csrf_token": admin_token, "note": "", "revision": _revision(page)},
    )
    assert empty.status_code == 422
    admin.post(
        f"/klarifikasi/{clarification_id}/kembalikan",
        data={
            "csrf_token": admin_token,
            "note": "Cantumkan nomor pengaduan Dinsos.",
            "revision": _revision(page),
        },
    )
    page = comms.get(f"/klarifikasi/{clarification_id}").text
    assert "Cantumkan nomor pengaduan Dinsos." in page and 'action="/klarifikasi/' in page
    listing = comms.get("/klarifikasi?status=draft").text
    assert f'data-clarification="{clarification_id}"' in listing


def test_template_editor_saves_versions_and_restores_old_ones(comms_app, client_as, db_url):
    comms, token = client_as("comms")
    assert "v1" in comms.get("/templat").text
    page = comms.get("/templat/tiktok")
    assert page.status_code == 200 and "Pratinjau dengan data contoh" in page.text
    bad = comms.post("/templat/tiktok", data={"csrf_token": token, "body": "{{ nomer }}", "action": "simpan"})
    assert bad.status_code == 422 and "tidak dikenal" in bad.text
    preview = comms.post(
        "/templat/tiktok",
        data={"csrf_token": token, "action": "pratinjau", "body": "[{{ label }}] {{ judul }} {{ tagar }}"},
    )
    assert preview.status_code == 200 and "[HOAKS] Pendaftaran BLT Rp600 Ribu Lewat Tautan" in preview.text
    saved = comms.post(
        "/templat/tiktok",
        data={
            "csrf_token": token,
            "action": "simpan",
            "note": "ringkas",
            "body": "[{{ label }}] {{ judul }} {{ tagar }}",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Aktif: v2" in comms.get("/templat/tiktok").text
    comms.post("/templat/tiktok/aktifkan", data={"csrf_token": token, "version": "1"})
    assert "Aktif: v1" in comms.get("/templat/tiktok").text
    with session_scope(db_url) as session:
        actions = list(
            session.scalars(
                select(AuditLog.action)
                .where(AuditLog.entity_type == "clarification_template")
                .order_by(AuditLog.id)
            )
        )
    assert actions == ["template.save", "template.activate"]
    trc, trc_token = client_as("trc")
    assert trc.get("/templat").status_code == 403
    assert comms.get("/templat/telegram").status_code == 404


def test_dashboard_and_exports_for_analysts(comms_app, client_as, desk_seed):
    analyst, _ = client_as("analyst")
    today = utcnow().astimezone(TZ).date()
    page = analyst.get(
        f"/pemantauan?dari={(today - timedelta(days=7)).isoformat()}&sampai={today.isoformat()}"
    )
    assert page.status_code == 200
    assert '<span class="stat-num" data-metric="flagged">9</span>' in page.text
    assert page.text.count("data:image/svg+xml;base64,") == 10
    csv_response = analyst.get(f"/pemantauan/laporan.csv?dari={today - timedelta(days=7)}&sampai={today}")
    rows = {(r[0], r[1]): r[3] for r in csv.reader(io.StringIO(csv_response.text))}
    assert rows[("ringkasan", "ditandai")] == "9"
    html = analyst.get(f"/pemantauan/laporan.html?dari={today - timedelta(days=7)}&sampai={today}")
    assert "attachment" in html.headers["content-disposition"] and "<style>" in html.text
    assert analyst.get("/pemantauan?dari=2026-13-01").status_code == 422
    comms, _ = client_as("comms")
    assert comms.get("/pemantauan").status_code == 403


def test_the_queue_item_status_is_untouched_by_comms(comms_app, client_as, desk_seed, db_url):
    clarification_id, _, _ = _create(client_as, desk_seed)
    with session_scope(db_url) as session:
        assert session.get(QueueItem, desk_seed.items["blt"]).status == "selesai"
        assert session.get(Clarification, clarification_id).queue_item_id == desk_seed.items["blt"]


def test_csrf_is_required_on_every_comms_form(comms_app, client_as, desk_seed):
    item_id = _decide_blt(client_as, desk_seed)
    comms, _ = client_as("comms")
    page = comms.post(f"/item/{item_id}/klarifikasi", data={"csrf_token": "salah"})
    assert page.status_code == 403 and "CSRF" in page.text
    assert csrf_from(comms.get("/templat/x").text)
