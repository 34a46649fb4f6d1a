"""Every desk route refuses anonymous users and the wrong roles; a PIC only reaches their SKPD's items."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from desk.routes import all_routers
from desk.services.access import PERMISSIONS
from saring.db.session import session_scope
from saring.db.tables.desk import RoutingRule

pytest_plugins = ["desk_fixtures"]

ALL = {"admin", "trc", "analyst", "comms", "pic"}
DECIDERS = {"admin", "trc"}
# (method, path) -> roles allowed; None = public. Paths use {item} (an item of Dinas Sosial) and {rule}.
EXPECTED: dict[tuple[str, str], set[str] | None] = {
    ("GET", "/masuk"): None,
    ("POST", "/masuk"): None,
    ("GET", "/healthz"): None,
    ("POST", "/api/login"): None,
    ("POST", "/keluar"): ALL,
    ("GET", "/"): ALL,
    ("GET", "/antrean"): ALL,
    ("GET", "/item/{item_id}"): ALL,
    ("GET", "/item/{item_id}/mentah"): ALL,
    ("POST", "/item/{item_id}/putusan"): DECIDERS,
    ("POST", "/item/{item_id}/tugas"): DECIDERS,
    ("POST", "/item/{item_id}/tindak-lanjut"): {"admin", "trc", "pic"},
    ("POST", "/item/{item_id}/komentar"): ALL,
    ("POST", "/item/{item_id}/bukti"): {"admin", "trc", "analyst"},
    ("GET", "/admin/rute"): {"admin", "trc"},
    ("POST", "/admin/rute"): {"admin"},
    ("POST", "/admin/rute/{rule_id}/hapus"): {"admin"},
    ("POST", "/admin/skpd"): {"admin"},
    ("GET", "/admin/pengguna"): {"admin"},
    ("POST", "/api/logout"): ALL,
    ("GET", "/api/me"): ALL,
    ("GET", "/api/queue"): ALL,
    ("GET", "/api/items/{item_id}"): ALL,
    ("GET", "/api/items/{item_id}/raw"): ALL,
    ("POST", "/api/items/{item_id}/verdict"): DECIDERS,
    ("POST", "/api/items/{item_id}/assignment"): DECIDERS,
    ("POST", "/api/items/{item_id}/followup"): {"admin", "trc", "pic"},
    ("POST", "/api/items/{item_id}/comments"): ALL,
    ("POST", "/api/items/{item_id}/evidence"): {"admin", "trc", "analyst"},
    ("GET", "/api/openapi.json"): ALL,
    ("GET", "/api/routing"): {"admin", "trc"},
    ("POST", "/api/routing"): {"admin"},
    ("DELETE", "/api/routing/{rule_id}"): {"admin"},
    ("GET", "/api/skpd"): ALL,
    ("POST", "/api/skpd"): {"admin"},
    ("GET", "/api/users"): {"admin"},
    # citizen reports (issue 14): the form and tracking page are public, reporters TRC/admin only
    ("GET", "/lapor"): None,
    ("POST", "/lapor"): None,
    ("GET", "/lapor/cek"): None,
    ("GET", "/lapor/{code}"): None,
    ("GET", "/admin/laporan"): {"admin", "trc"},
    ("POST", "/admin/laporan/{report_id}/blokir"): {"admin", "trc"},
    ("POST", "/admin/laporan/blokir/{block_id}/buka"): {"admin", "trc"},
    # registry of official accounts and the takedown pack (issue 13)
    ("GET", "/admin/akun-resmi"): {"admin", "trc", "comms"},
    ("POST", "/admin/akun-resmi"): {"admin"},
    ("POST", "/admin/akun-resmi/{account_id}/hapus"): {"admin"},
    ("GET", "/item/{item_id}/takedown"): {"admin", "trc", "analyst"},
    ("GET", "/item/{item_id}/takedown.json"): {"admin", "trc", "analyst"},
}
# Logging out ends the session: those routes run last, each with a fresh login.
LAST = {("POST", "/keluar"), ("POST", "/api/logout")}


def _officer_permission(dependant) -> tuple[bool, str | None]:
    """Whether a route needs a login, and which permission (searching its dependency tree)."""
    for dep in dependant.dependencies:
        if getattr(dep.call, "officer_required", False):
            return True, dep.call.permission
        found, permission = _officer_permission(dep)
        if found:
            return True, permission
    return False, None


def declared() -> dict[tuple[str, str], set[str] | None]:
    """Every route of the desk with the roles its dependencies let in (None = public)."""
    routes: dict[tuple[str, str], set[str] | None] = {}
    for router in all_routers():
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            needs_login, permission = _officer_permission(route.dependant)
            roles = (set(PERMISSIONS[permission]) if permission else set(ALL)) if needs_login else None
            for method in route.methods - {"HEAD"}:
                routes[(method, route.path)] = roles
    return routes


def test_every_route_declares_the_roles_the_issue_asks_for():
    routes = declared()
    missing = set(EXPECTED) - set(routes)
    assert not missing, f"routes gone: {missing}"
    for key, roles in EXPECTED.items():
        assert routes[key] == roles, key
    public = {key for key, roles in routes.items() if roles is None}
    assert public == {key for key, roles in EXPECTED.items() if roles is None}, "a new route is public"


def _request(client, method, path, token):
    headers = {"X-CSRF-Token": token} if token else {}
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, headers=headers, follow_redirects=False)
    return client.post(path, data={"csrf_token": token}, follow_redirects=False)


def _concrete(path, item_id, rule_id):
    path = path.replace("{item_id}", str(item_id)).replace("{rule_id}", str(rule_id))
    return re.sub(r"\{[^}]+\}", "1", path)  # ids of routes other parts add


@pytest.fixture
def targets(desk_seed, db_url):
    with session_scope(db_url) as session:
        rule_id = session.scalar(select(RoutingRule.id).where(RoutingRule.category == "pendidikan"))
    return desk_seed.items["blt"], rule_id


def test_anonymous_users_are_refused_everywhere(client_as, targets):
    client, _ = client_as(None)
    for (method, path), allowed in declared().items():
        if allowed is None:
            continue
        response = _request(client, method, _concrete(path, *targets), "")
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/masuk")


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_gets_exactly_its_routes(client_as, targets, role):
    client, token = client_as(role)
    ordered = sorted(declared().items(), key=lambda kv: kv[0] in LAST)
    for (method, path), allowed in ordered:
        if allowed is None:
            continue
        if (method, path) in LAST:
            client, token = client_as(role)  # each logout gets its own session
        response = _request(client, method, _concrete(path, *targets), token)
        if role in allowed:
            assert response.status_code not in (401, 403), (role, method, path, response.status_code)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)


def test_pic_cannot_open_another_skpds_item(client_as, desk_seed):
    client, token = client_as("pic")  # Dinas Sosial
    own, other = desk_seed.items["blt"], desk_seed.items["banjir"]  # banjir is routed to BPBD
    assert client.get(f"/item/{own}").status_code == 200
    page = client.get(f"/item/{other}")
    assert page.status_code == 403 and "Akses ditolak" in page.text
    assert client.get(f"/api/items/{other}").status_code == 403
    assert client.get(f"/item/{other}/mentah").status_code == 403
    posted = client.post(f"/item/{other}/komentar", data={"csrf_token": token, "body": "halo"})
    assert posted.status_code == 403
    listed = client.get("/api/queue").json()
    assert {row["item_id"] for row in listed["items"]} == {
        desk_seed.items[k] for k in ("blt", "blt_wa", "blt_tt")
    }


def test_security_headers_and_cookie_flags(client_as):
    client, _ = client_as(None)
    page = client.get("/masuk")
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    login_page = client.get("/masuk")
    from desk_fixtures import PASSWORD, csrf_from

    response = client.post(
        "/masuk",
        data={"username": "rina.trc", "password": PASSWORD, "csrf_token": csrf_from(login_page.text)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert (
        "saring_sesi=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    )
