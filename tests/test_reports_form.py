"""The public report form /lapor through HTTP: what is stored, what is refused and why, abuse controls."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from report_helpers import code_of, errors_of, form_token, jpeg_bytes, png_bytes, submit
from sqlalchemy import func, select

from desk.reports.images import sniff
from desk.reports.intake import link_key, normalise_phone
from desk.reports.settings import reset_report_settings
from saring.db.session import session_scope
from saring.db.tables.core import Post, Source
from saring.db.tables.reports import CitizenReport, CitizenReporter, ReporterBlock

pytest_plugins = ["desk_fixtures"]
TODAY = date.today().isoformat()
BLT = "Pendaftaran BLT Rp600 ribu dibuka lewat tautan ini, isi NIK dan nomor KK sebelum Jumat"


@pytest.fixture
def app(desk_app, monkeypatch, tmp_path):
    monkeypatch.setenv("SARING_REPORT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    reset_report_settings()
    yield desk_app
    reset_report_settings()


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        aduan = select(func.count(Post.id)).join(Source).where(Source.name == "aduan")
        return (
            s.scalar(select(func.count(CitizenReport.id))),
            s.scalar(aduan),
            s.scalar(select(func.count(CitizenReporter.id))),
        )


def test_report_with_link_becomes_a_post_from_aduan_with_reporter_apart(client, db_url, tmp_path):
    response = submit(
        client,
        text=BLT,
        platform="whatsapp",
        link="https://bit.ly/blt-600",
        seen_on=TODAY,
        kecamatan="pulau laut utara",
        answer_channel="whatsapp",
        contact="0812-3456-7890",
        consent="ya",
    )
    code = code_of(response)
    page = client.get(response.headers["location"])
    assert code in page.text and "Diterima" in page.text
    assert "0812" not in page.text and "+62812" not in page.text  # no personal data on the status page
    with session_scope(db_url) as s:
        report = s.scalar(select(CitizenReport).where(CitizenReport.tracking_code == code))
        post = s.get(Post, report.post_id)
        reporter = s.scalar(select(CitizenReporter).where(CitizenReporter.report_id == report.id))
        assert post.platform == "aduan" and post.source.name == "aduan" and post.scored_at is None
        assert post.text == BLT and post.url == "https://bit.ly/blt-600"  # the link is not in the text
        assert report.kecamatan == "Pulau Laut Utara" and report.seen_platform == "whatsapp"
        assert reporter.contact == "+6281234567890" and reporter.channel == "whatsapp"
        assert "6281234567890" not in str(post.raw) and "6281234567890" not in post.text
        assert (reporter.delete_after - reporter.consent_at).days == 90
        assert report.ip_hash and "testclient" not in report.ip_hash


def test_report_with_only_a_screenshot_is_stored_with_the_image(client, db_url, tmp_path):
    code = code_of(
        submit(
            client, platform="facebook", seen_on=TODAY, screenshot=("layar.jpg", jpeg_bytes(), "image/jpeg")
        )
    )
    with session_scope(db_url) as s:
        report = s.scalar(select(CitizenReport).where(CitizenReport.tracking_code == code))
        assert report.screenshot_type == "jpeg"
        assert (tmp_path / "shots" / f"{report.screenshot_sha256}.jpeg").exists()
        assert s.scalar(select(func.count(CitizenReporter.id))) == 0


@pytest.mark.parametrize(
    ("fields", "screenshot", "expected"),
    [
        ({"platform": "x", "seen_on": TODAY, "text": "hoaks ya"}, None, {"evidence"}),
        ({"platform": "x", "text": BLT}, None, {"seen_on"}),
        ({"platform": "x", "text": BLT, "seen_on": "17/05/2026"}, None, {"seen_on"}),
        (
            {"platform": "x", "text": BLT, "seen_on": (date.today() + timedelta(days=5)).isoformat()},
            None,
            {"seen_on"},
        ),
        ({"platform": "mars", "text": BLT, "seen_on": TODAY}, None, {"platform"}),
        ({"platform": "x", "link": "javascript:alert(1)", "seen_on": TODAY}, None, {"link"}),
        ({"platform": "x", "text": BLT, "seen_on": TODAY, "kecamatan": "Gotham"}, None, {"kecamatan"}),
        (
            {
                "platform": "x",
                "text": BLT,
                "seen_on": TODAY,
                "answer_channel": "email",
                "contact": "bukan-email",
                "consent": "ya",
            },
            None,
            {"contact"},
        ),
        (
            {
                "platform": "x",
                "text": BLT,
                "seen_on": TODAY,
                "answer_channel": "whatsapp",
                "contact": "0812345678901",
            },
            None,
            {"consent"},
        ),
        (
            {"platform": "x", "seen_on": TODAY},
            ("foto.png", b"MZ\x90\x00 not an image" * 20, "image/png"),
            {"screenshot"},
        ),
        ({"platform": "x", "seen_on": TODAY}, ("foto.png", png_bytes()[:60], "image/png"), {"screenshot"}),
        ({}, None, {"platform", "seen_on", "evidence"}),
    ],
)
def test_refusals_name_each_field_and_store_nothing(client, db_url, fields, screenshot, expected):
    response = submit(client, screenshot=screenshot, **fields)
    assert response.status_code == 422
    errors = errors_of(response.text)
    assert set(errors) == expected, errors
    assert all(len(message) > 15 for message in errors.values())
    assert _counts(db_url) == (0, 0, 0)


def test_oversized_screenshot_is_refused_by_size(client, db_url, monkeypatch):
    monkeypatch.setenv("SARING_REPORT_MAX_SCREENSHOT_BYTES", "20000")
    reset_report_settings()
    big = png_bytes(600, 600, "white")[:100] + bytes(30_000)
    response = submit(client, platform="x", seen_on=TODAY, screenshot=("a.png", big, "image/png"))
    assert response.status_code in (413, 422)
    assert "batas" in errors_of(response.text)["screenshot"] or "terlalu besar" in response.text
    assert _counts(db_url) == (0, 0, 0)


def test_script_tags_are_never_reflected_unescaped(client, db_url):
    attack = '<script>alert("x")</script>'
    response = submit(client, platform="x", text=attack, link=attack, desa=attack, seen_on=attack)
    assert response.status_code == 422
    assert "<script>alert" not in response.text
    assert _counts(db_url) == (0, 0, 0)


def test_csrf_and_honeypot(client, db_url):
    refused = submit(client, token="forged-token-forged-token", text=BLT, platform="x", seen_on=TODAY)
    assert refused.status_code == 403 and "Formulir kedaluwarsa" in refused.text
    bot = submit(client, text=BLT, platform="x", seen_on=TODAY, website="http://spam.example")
    assert bot.status_code == 200 and "LP-" not in bot.text
    assert _counts(db_url) == (0, 0, 0)
    fresh = TestClient(client.app)
    assert fresh.post("/lapor", data={"text": BLT, "platform": "x", "seen_on": TODAY}).status_code == 403


def test_rate_limit_per_ip_and_per_contact(client, db_url, monkeypatch):
    monkeypatch.setenv("SARING_REPORT_MAX_PER_IP_HOUR", "3")
    monkeypatch.setenv("SARING_REPORT_MAX_PER_CONTACT_DAY", "2")
    reset_report_settings()
    token = form_token(client)
    contact = {"answer_channel": "email", "contact": "warga@contoh.id", "consent": "ya"}
    for i in range(2):
        code_of(submit(client, token, text=f"{BLT} {i}", platform="x", seen_on=TODAY, **contact))
    per_contact = submit(client, token, text=BLT, platform="x", seen_on=TODAY, **contact)
    assert per_contact.status_code == 429 and "kontak ini" in per_contact.text
    code_of(submit(client, token, text=BLT, platform="x", seen_on=TODAY))
    per_ip = submit(client, token, text=BLT, platform="x", seen_on=TODAY)
    assert per_ip.status_code == 429 and "jaringan ini" in per_ip.text
    assert _counts(db_url) == (3, 3, 2)


def test_admin_sees_reporters_and_blocks_one(app, client, db_url, client_as):
    code = code_of(
        submit(
            client,
            text=BLT,
            platform="x",
            seen_on=TODAY,
            answer_channel="sms",
            contact="081298765432",
            consent="ya",
        )
    )
    pic, _ = client_as("pic")
    assert pic.get("/admin/laporan", follow_redirects=False).status_code == 403
    admin, csrf = client_as("admin")
    page = admin.get("/admin/laporan")
    assert code in page.text and "+6281298765432" in page.text
    with session_scope(db_url) as s:
        report_id = s.scalar(select(CitizenReport.id).where(CitizenReport.tracking_code == code))
    assert (
        admin.post(f"/admin/laporan/{report_id}/blokir", data={"reason": "spam"}).status_code == 403
    )  # no CSRF
    done = admin.post(
        f"/admin/laporan/{report_id}/blokir",
        data={"reason": "spam", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    again = submit(
        client,
        text=BLT + " lagi",
        platform="x",
        seen_on=TODAY,
        answer_channel="sms",
        contact="0812 9876 5432",
        consent="ya",
    )
    assert again.status_code == 403 and "diblokir" in again.text
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count(ReporterBlock.id)).where(ReporterBlock.active.is_(True))) == 1
        assert s.scalar(select(func.count(CitizenReport.id))) == 1


def test_unknown_tracking_code_is_a_clear_404(client):
    response = client.get("/lapor/LP-ZZZZZZZZ")
    assert response.status_code == 404 and "tidak ditemukan" in response.text
    assert client.get("/lapor/<script>").status_code == 404


def test_helpers_sniff_by_content_not_name():
    assert sniff(png_bytes()) == "png" and sniff(jpeg_bytes()) == "jpeg" and sniff(b"<html>") is None
    assert normalise_phone("0812-3456-7890") == "+6281234567890" and normalise_phone("12345") is None
    assert link_key("https://www.facebook.com/x/1/") == link_key("http://m.facebook.com/x/1")
