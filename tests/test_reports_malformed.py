"""500 malformed submissions to /lapor: each a clear Indonesian message, none stored, none a 500."""

from __future__ import annotations

import random
from datetime import date, timedelta

from fastapi.testclient import TestClient
from report_helpers import errors_of, form_token, jpeg_bytes, png_bytes
from sqlalchemy import func, select

from desk.reports.settings import reset_report_settings
from saring.db.session import session_scope
from saring.db.tables.core import Post
from saring.db.tables.reports import CitizenReport, CitizenReporter

pytest_plugins = ["desk_fixtures"]
N = 500
TEXT = "Beredar kabar bantuan sembako gratis dari Pemda, cukup kirim foto KTP ke nomor ini"
FAKE_FILES = [
    b"MZ\x90\x00\x03" + bytes(200),  # a Windows executable
    b"%PDF-1.7\n" + b"x" * 200,
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"<?php system($_GET['c']); ?>",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature with no image behind it
    b"\xff\xd8\xff\xe0" + b"garbage" * 30,  # a JPEG signature with garbage
    b"GIF89a" + b"\x00\x01",
    b"RIFF\x00\x00\x00\x00WEBPVP8 junk",
    b"",
]
BAD_DATES = [
    "",
    "kemarin",
    "2026-13-01",
    "2026-02-30",
    "31/12/2026",
    "0000-00-00",
    "<script>",
    "9" * 50,
    (date.today() + timedelta(days=30)).isoformat(),
    "1999-01-01",
]
BAD_PLACES = [
    "Gotham",
    "Pulau Laut Utara'; DROP TABLE posts;--",
    "<img src=x onerror=alert(1)>",
    "Kec. X" * 30,
]
SCRIPT = "<script>alert('lapor')</script>"


def _case(rng: random.Random, i: int) -> tuple[dict, tuple | None, str]:
    """One malformed submission: its fields, an optional file, and what is wrong with it."""
    good = {"text": TEXT, "platform": "facebook", "seen_on": date.today().isoformat()}
    kind = i % 10
    if kind == 0:
        return {k: v for k, v in good.items() if k != "seen_on"}, None, "no date"
    if kind == 1:
        return (
            {"platform": "x", "seen_on": good["seen_on"], "text": rng.choice(["", "hoaks", "ini ?", " "])},
            None,
            "no evidence",
        )
    if kind == 2:
        return {**good, "text": "hoaks " * rng.randint(900, 3000)}, None, "huge text"
    if kind == 3:
        return (
            {**good, "text": ""},
            (rng.choice(["foto.png", "a.jpg", "x.webp"]), rng.choice(FAKE_FILES), "image/png"),
            "fake image renamed",
        )
    if kind == 4:
        return {**good, "seen_on": rng.choice(BAD_DATES)}, None, "bad date"
    if kind == 5:
        return {**good, "kecamatan": rng.choice(BAD_PLACES)}, None, "unknown kecamatan"
    if kind == 6:
        return (
            {**good, "platform": rng.choice(["", "myspace", SCRIPT]), "text": SCRIPT + TEXT},
            None,
            "script",
        )
    if kind == 7:
        return (
            {**good, "link": rng.choice(["javascript:alert(1)", "ftp://x", "http://", "bit ly/x", SCRIPT])},
            None,
            "bad link",
        )
    if kind == 8:
        channel = rng.choice(["email", "whatsapp", "sms", "telepati"])
        return (
            {
                **good,
                "answer_channel": channel,
                "contact": rng.choice(["", "abc", "0812", SCRIPT]),
                "consent": rng.choice(["", "ya"]),
            },
            None,
            "bad contact",
        )
    return {**good, "desa": "D" * rng.randint(101, 5000)}, None, "huge desa"


def test_500_malformed_submissions(desk_app, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("SARING_REPORT_MAX_PER_IP_HOUR", "100000")
    monkeypatch.setenv("SARING_REPORT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    reset_report_settings()
    rng = random.Random(14)
    statuses: dict[int, int] = {}
    with TestClient(desk_app, raise_server_exceptions=False) as client:
        token = form_token(client)
        for i in range(N):
            fields, upload, why = _case(rng, i)
            response = client.post(
                "/lapor",
                data={"csrf_token": token, **fields},
                files={"screenshot": upload} if upload else None,
                follow_redirects=False,
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code in (413, 422), (i, why, response.status_code, response.text[:300])
            errors = errors_of(response.text)
            assert errors, (i, why)
            assert all(len(m) >= 15 for m in errors.values()), (i, why, errors)
            assert "<script>alert" not in response.text and "onerror=alert" not in response.text, (i, why)
    reset_report_settings()
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count(CitizenReport.id))) == 0
        assert s.scalar(select(func.count(CitizenReporter.id))) == 0
        assert s.scalar(select(func.count(Post.id)).where(Post.platform == "aduan")) == 0
    assert not (tmp_path / "shots").exists() or not any((tmp_path / "shots").iterdir())
    assert sum(statuses.values()) == N


def test_a_valid_submission_after_malformed_ones_is_stored(desk_app, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SARING_REPORT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    reset_report_settings()
    with TestClient(desk_app) as client:
        token = form_token(client)
        bad = client.post(
            "/lapor",
            data={"csrf_token": token, "platform": "x", "seen_on": "kemarin"},
            files={"screenshot": ("a.png", png_bytes(), "image/png")},
        )
        assert bad.status_code == 422 and set(errors_of(bad.text)) == {"seen_on"}
        good = client.post(
            "/lapor",
            data={"csrf_token": token, "platform": "x", "seen_on": date.today().isoformat()},
            files={"screenshot": ("a.jpg", jpeg_bytes(), "image/jpeg")},
            follow_redirects=False,
        )
        assert good.status_code == 303
    reset_report_settings()
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count(CitizenReport.id))) == 1
    assert len(list((tmp_path / "shots").iterdir())) == 1  # the refused PNG was never written
