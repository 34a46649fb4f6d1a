"""Bad input through the pages and the API: clear messages, escaped output, 404s, nothing stored half-way."""

from __future__ import annotations

import io
import zipfile

import pytest
from desk_fixtures import version_from
from sqlalchemy import func, select

from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, KBItem, Post, QueueItem, Verdict
from saring.db.tables.desk import Assignment, Comment

pytest_plugins = ["desk_fixtures"]
SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def _counts(db_url):
    with session_scope(db_url) as session:
        return tuple(session.scalar(select(func.count(t.id))) for t in (Verdict, Comment, AuditLog, KBItem))


def test_over_long_comment_is_refused_with_a_clear_message(client_as, desk_seed, db_url):
    client, token = client_as("trc")
    before = _counts(db_url)
    response = client.post(
        f"/item/{desk_seed.items['cpns']}/komentar", data={"csrf_token": token, "body": "x" * 5000}
    )
    assert response.status_code == 422
    assert "Komentar terlalu panjang (5000 karakter; maksimal 4000)" in response.text
    api = client.post(
        f"/api/items/{desk_seed.items['cpns']}/comments",
        json={"body": "x" * 5000},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 422 and "terlalu panjang" in api.json()["errors"]["body"]
    assert _counts(db_url) == before


def test_html_and_script_are_escaped_everywhere(client_as, desk_seed, db_url):
    item_id = desk_seed.items["vaksin"]
    with session_scope(db_url) as session:  # a hostile post as a connector could store it
        post = session.get(Post, desk_seed.posts["vaksin"])
        post.text = "Vaksin " + SCRIPT
        post.author_handle = SCRIPT
    client, token = client_as("trc")
    client.post(f"/item/{item_id}/komentar", data={"csrf_token": token, "body": SCRIPT})
    page = client.get(f"/item/{item_id}")
    client.post(
        f"/item/{item_id}/putusan",
        data={"csrf_token": token, "version": version_from(page.text), "verdict": "hoaks", "reason": SCRIPT},
    )
    for url in (f"/item/{item_id}", "/antrean"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
    html = client.get(f"/item/{item_id}").text
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
    evidence = client.post(f"/api/items/{item_id}/evidence", headers={"X-CSRF-Token": token}).json()
    assert evidence["item"]["comments"][0]["body"] == SCRIPT  # stored as written, escaped only on output
    bundle = client.post(f"/api/items/{item_id}/evidence?format=zip", headers={"X-CSRF-Token": token})
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    html = archive.read(next(n for n in archive.namelist() if n.endswith("evidence.html"))).decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_unknown_ids_give_404(client_as):
    client, token = client_as("admin")
    for url in ("/item/999999", "/item/abc", "/api/items/999999", "/api/items/999999/raw", "/tidak-ada"):
        response = client.get(url)
        assert response.status_code == 404, url
    page = client.get("/item/999999")
    assert "Tidak ditemukan" in page.text
    assert client.post("/item/999999/komentar", data={"csrf_token": token, "body": "halo"}).status_code == 404
    assert client.post("/admin/rute/999999/hapus", data={"csrf_token": token}).status_code == 404
    api = client.post(
        "/api/items/999999/verdict",
        json={"verdict": "hoaks", "reason": "x", "version": 1},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 404 and api.json()["detail"]


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("31/12/2026 10:00", "tidak valid"),
        ("2026-02-30T10:00", "tidak valid"),
        ("2019-01-01T08:00", "masa depan"),
        ("9999-01-01T00:00", "rentang"),
        ("", "wajib"),
    ],
)
def test_invalid_deadlines_are_refused(client_as, desk_seed, db_url, deadline, message):
    client, token = client_as("trc")
    item_id = desk_seed.items["banjir"]
    page = client.get(f"/item/{item_id}")
    with session_scope(db_url) as session:
        before = session.scalar(select(Assignment.deadline).where(Assignment.queue_item_id == item_id))
    response = client.post(
        f"/item/{item_id}/tugas",
        data={"csrf_token": token, "version": version_from(page.text), "skpd_id": "1", "deadline": deadline},
    )
    assert response.status_code == 422 and message in response.text
    with session_scope(db_url) as session:
        assert (
            session.scalar(select(Assignment.deadline).where(Assignment.queue_item_id == item_id)) == before
        )


def test_bad_verdict_form_keeps_the_input_and_stores_nothing(client_as, desk_seed, db_url):
    client, token = client_as("trc")
    item_id = desk_seed.items["bupati"]
    page = client.get(f"/item/{item_id}")
    before = _counts(db_url)
    response = client.post(
        f"/item/{item_id}/putusan",
        data={
            "csrf_token": token,
            "version": version_from(page.text),
            "verdict": "hoaks",
            "reason": "Akun palsu",
            "new_factcheck_url": "bukan tautan",
        },
    )
    assert response.status_code == 422
    assert "tautan http:// atau https://" in response.text and "Akun palsu" in response.text
    response = client.post(
        f"/item/{item_id}/putusan",
        data={"csrf_token": token, "version": version_from(page.text), "verdict": "entah", "reason": ""},
    )
    assert "Alasan wajib diisi." in response.text and "Pilih salah satu putusan" in response.text
    assert _counts(db_url) == before
    with session_scope(db_url) as session:
        assert session.get(QueueItem, item_id).status == "baru"


def test_api_rejects_malformed_bodies(client_as, desk_seed):
    client, token = client_as("trc")
    item_id = desk_seed.items["bupati"]
    headers = {"X-CSRF-Token": token}
    assert (
        client.post(f"/api/items/{item_id}/verdict", json={"verdict": "hoaks"}, headers=headers).status_code
        == 422
    )
    bad_date = client.post(
        f"/api/items/{item_id}/assignment",
        json={"skpd_id": 1, "deadline": "kapan-kapan", "version": 1},
        headers=headers,
    )
    assert bad_date.status_code == 422 and "Tenggat" in bad_date.json()["errors"]["deadline"]
    assert client.get("/api/queue?page=0").status_code == 422
