"""The JSON API: the same operations as the pages, optimistic locking, OpenAPI description."""

from __future__ import annotations

import io
import zipfile

from desk_fixtures import seed_queue, version_from

pytest_plugins = ["desk_fixtures"]


def test_two_officers_deciding_at_once_the_second_is_told(client_as, desk_seed):
    rina, rina_token = client_as("trc")
    budi, budi_token = client_as("trc2")
    item_id = desk_seed.items["bupati"]
    version = rina.get(f"/api/items/{item_id}").json()["version"]
    assert budi.get(f"/api/items/{item_id}").json()["version"] == version
    first = rina.post(
        f"/api/items/{item_id}/verdict",
        json={"verdict": "hoaks", "reason": "Nomor palsu", "version": version},
        headers={"X-CSRF-Token": rina_token},
    )
    assert first.status_code == 200 and first.json()["item_ids"] == [item_id]
    second = budi.post(
        f"/api/items/{item_id}/verdict",
        json={"verdict": "bukan_hoaks", "reason": "Asli", "version": version},
        headers={"X-CSRF-Token": budi_token},
    )
    assert second.status_code == 409
    assert "rina.trc" in second.json()["detail"] and second.json()["current_version"] == version + 1
    item = budi.get(f"/api/items/{item_id}").json()
    assert [v["verdict"] for v in item["verdicts"]] == ["hoaks"]


def test_stale_form_on_the_page_shows_the_conflict(client_as, desk_seed):
    rina, rina_token = client_as("trc")
    budi, budi_token = client_as("trc2")
    item_id = desk_seed.items["banjir"]
    rina_page, budi_page = rina.get(f"/item/{item_id}"), budi.get(f"/item/{item_id}")
    ok = rina.post(
        f"/item/{item_id}/putusan",
        data={
            "csrf_token": rina_token,
            "version": version_from(rina_page.text),
            "verdict": "hoaks",
            "reason": "BPBD: tanggul aman",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    late = budi.post(
        f"/item/{item_id}/putusan",
        data={
            "csrf_token": budi_token,
            "version": version_from(budi_page.text),
            "verdict": "perlu_investigasi",
            "reason": "Cek lapangan",
        },
    )
    assert late.status_code == 409
    assert "sudah diubah oleh petugas lain" in late.text and "tidak disimpan" in late.text
    assert "Cek lapangan" in late.text  # the officer's reason is kept for a second try


def test_queue_item_assignment_and_followup_through_the_api(client_as, desk_seed):
    trc, token = client_as("trc")
    queue = trc.get("/api/queue", params={"category": "bansos"}).json()
    assert queue["total"] == 3 and queue["items"][0]["cluster_size"] == 3
    assert trc.get("/api/queue", params={"platform": "tiktok"}).json()["total"] == 1
    item_id = desk_seed.items["blt_wa"]
    item = trc.get(f"/api/items/{item_id}").json()
    assert item["post"]["platform"] == "whatsapp" and item["matches"][0]["band"] == "suggest"
    assert item["cluster"]["size"] == 3 and set(item["cluster"]["platforms"]) == {
        "facebook",
        "tiktok",
        "whatsapp",
    }
    skpd = {s["code"]: s["id"] for s in trc.get("/api/skpd").json()}
    assigned = trc.post(
        f"/api/items/{item_id}/assignment",
        headers={"X-CSRF-Token": token},
        json={
            "skpd_id": skpd["dinsos"],
            "pic_username": "andi.dinsos",
            "deadline": "2099-06-01T09:00",
            "version": item["version"],
        },
    )
    assert assigned.status_code == 200 and assigned.json()["pic"] == "andi.dinsos"
    assert assigned.json()["deadline"].startswith("2099-06-01T01:00")  # 09:00 WITA
    pic, pic_token = client_as("pic")
    version = pic.get(f"/api/items/{item_id}").json()["version"]
    done = pic.post(
        f"/api/items/{item_id}/followup",
        json={"status": "ditindaklanjuti", "version": version},
        headers={"X-CSRF-Token": pic_token},
    )
    assert done.status_code == 200 and done.json()["status"] == "ditindaklanjuti"
    actions = [a["action"] for a in trc.get(f"/api/items/{item_id}").json()["audit"]]
    assert actions == ["item.route", "item.assign", "item.followup"]


def test_routing_table_through_the_api(client_as):
    admin, token = client_as("admin")
    created = admin.post(
        "/api/routing",
        headers={"X-CSRF-Token": token},
        json={"category": "bencana", "kecamatan": "Hampang", "skpd": "satpolpp", "hours_high": 2},
    )
    assert created.status_code == 200 and created.json()["skpd"] == "satpolpp"
    rules = admin.get("/api/routing").json()
    assert rules[0]["kecamatan"] == "Hampang"  # most specific first
    bad = admin.post(
        "/api/routing", headers={"X-CSRF-Token": token}, json={"category": "alien", "skpd": "dinsos"}
    )
    assert bad.status_code == 422 and "Kategori tidak dikenal" in bad.json()["detail"]
    fallback = next(r for r in rules if r["category"] is None and r["kecamatan"] is None)
    refused = admin.delete(f"/api/routing/{fallback['id']}", headers={"X-CSRF-Token": token})
    assert refused.status_code == 422
    assert (
        admin.delete(f"/api/routing/{created.json()['id']}", headers={"X-CSRF-Token": token}).status_code
        == 204
    )


def test_evidence_zip_from_the_page(client_as, desk_seed):
    client, token = client_as("analyst")
    response = client.post(f"/item/{desk_seed.items['cpns']}/bukti", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(n.endswith("/evidence.html") for n in names) and any(n.endswith("/SHA256SUMS") for n in names)


def test_openapi_schema_describes_the_api(client_as):
    client, _ = client_as("comms")
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert {
        "/api/queue",
        "/api/items/{item_id}",
        "/api/items/{item_id}/verdict",
        "/api/items/{item_id}/assignment",
        "/api/items/{item_id}/comments",
        "/api/items/{item_id}/evidence",
        "/api/routing",
    } <= set(paths)
    assert "post" in paths["/api/items/{item_id}/verdict"]
    assert "VerdictBody" in schema["components"]["schemas"]
    assert not any(p.startswith("/item") or p == "/antrean" for p in paths)  # pages stay out of the schema


def test_new_items_are_routed_when_the_desk_starts(db_url, cheap_hashing):
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from desk.app import create_app
    from desk.settings import DeskSettings
    from saring.config import Settings
    from saring.db.session import session_scope
    from saring.db.tables.desk import Assignment

    with session_scope(db_url) as session:
        seed_queue(session, route=False)
    app = create_app(Settings(database_url=db_url), DeskSettings(route_interval_s=3600), migrate=False)
    with TestClient(app):
        pass
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count(Assignment.id))) == 9
