"""Login, sessions, CSRF and rate limiting of the desk."""

from __future__ import annotations

from desk_fixtures import PASSWORD, csrf_from, version_from
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from desk.services.users import disable_user
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, Verdict
from saring.db.tables.desk import Comment, LoginAttempt

pytest_plugins = ["desk_fixtures"]


def _try_login(client: TestClient, username: str, password: str, next_url: str = "/antrean"):
    page = client.get("/masuk")
    return client.post(
        "/masuk",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_from(page.text),
            "next": next_url,
        },
        follow_redirects=False,
    )


def test_login_and_logout(desk_app):
    client = TestClient(desk_app)
    assert client.get("/antrean", follow_redirects=False).headers["location"] == "/masuk?next=%2Fantrean"
    response = _try_login(client, "rina.trc", PASSWORD, "/item/1")
    assert response.status_code == 303 and response.headers["location"] == "/item/1"
    queue = client.get("/antrean")
    assert queue.status_code == 200 and "Antrean tinjauan" in queue.text
    token = csrf_from(queue.text)
    out = client.post("/keluar", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/antrean", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(desk_app):
    client = TestClient(desk_app)
    wrong = _try_login(client, "rina.trc", "bukan-kata-sandinya")
    unknown = _try_login(client, "tidak.ada", "bukan-kata-sandinya")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        "Nama pengguna atau kata sandi salah" in wrong.text
        and "Nama pengguna atau kata sandi salah" in unknown.text
    )


def test_open_redirect_after_login_is_blocked(desk_app):
    client = TestClient(desk_app)
    response = _try_login(client, "rina.trc", PASSWORD, "//evil.example/x")
    assert response.headers["location"] == "/antrean"


def test_login_is_rate_limited_per_ip_and_username(desk_app, db_url):
    client = TestClient(desk_app)
    for _ in range(5):
        assert _try_login(client, "rina.trc", "salah-salah-salah").status_code == 401
    blocked = _try_login(client, "rina.trc", PASSWORD)  # even the right password is refused now
    assert blocked.status_code == 429 and "Terlalu banyak percobaan" in blocked.text
    assert _try_login(client, "budi.trc", PASSWORD).status_code == 303  # another account is not locked
    api = client.post("/api/login", json={"username": "rina.trc", "password": PASSWORD})
    assert api.status_code == 429
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.success.is_(False))) == 5


def test_login_form_without_its_csrf_cookie_is_refused(desk_app):
    client = TestClient(desk_app)
    response = client.post(
        "/masuk",
        data={"username": "rina.trc", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and "Formulir kedaluwarsa" in response.text


def test_forged_forms_without_csrf_token_are_refused_and_store_nothing(client_as, desk_seed, db_url):
    client, token = client_as("trc")
    item_id = desk_seed.items["cpns"]
    page = client.get(f"/item/{item_id}")
    version = version_from(page.text)
    with session_scope(db_url) as session:
        audit_before = session.scalar(select(func.count(AuditLog.id)))
    verdict = {"verdict": "hoaks", "reason": "palsu", "version": version}
    for data in (verdict, {**verdict, "csrf_token": "tebakan"}):
        response = client.post(f"/item/{item_id}/putusan", data=data)
        assert response.status_code == 403 and "CSRF" in response.text
    assert client.post(f"/item/{item_id}/komentar", data={"body": "x"}).status_code == 403
    api = client.post(f"/api/items/{item_id}/verdict", json={**verdict, "version": int(version)})
    assert api.status_code == 403
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count(Verdict.id))) == 0
        assert session.scalar(select(func.count(Comment.id))) == 0
        assert session.scalar(select(func.count(AuditLog.id))) == audit_before
    ok = client.post(
        f"/item/{item_id}/komentar", data={"body": "sah", "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303


def test_disabled_account_loses_its_session(client_as, db_url):
    client, _ = client_as("analyst")
    assert client.get("/antrean").status_code == 200
    with session_scope(db_url) as session:
        disable_user(session, "sari.analis", actor="admin.kominfo")
    assert client.get("/antrean", follow_redirects=False).status_code == 303
    assert _try_login(TestClient(client.app), "sari.analis", PASSWORD).status_code == 401


def test_api_login_returns_a_csrf_token_for_the_cookie_session(desk_app, desk_seed):
    client = TestClient(desk_app)
    response = client.post("/api/login", json={"username": "rina.trc", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["csrf_token"]
    assert "HttpOnly" in response.headers["set-cookie"]
    item_id = desk_seed.items["pemilu"]
    assert client.post(f"/api/items/{item_id}/comments", json={"body": "tanpa token"}).status_code == 403
    created = client.post(
        f"/api/items/{item_id}/comments", json={"body": "dengan token"}, headers={"X-CSRF-Token": token}
    )
    assert created.status_code == 201
    # A cross-site form cannot log in through the JSON endpoint.
    assert client.post("/api/login", data={"username": "rina.trc", "password": PASSWORD}).status_code == 422
