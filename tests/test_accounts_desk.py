"""The registry on the desk (admin edits, audited) and the takedown/report pack of an impersonation item."""

from __future__ import annotations

from desk_fixtures import csrf_from, seed_impersonation
from sqlalchemy import select

from desk.services.routing import list_rules, route_item
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, QueueItem
from saring.db.tables.desk import Assignment

pytest_plugins = ["desk_fixtures"]


def _flag(db_url, desk_seed) -> int:
    item_id = desk_seed.items["bupati"]
    with session_scope(db_url) as session:
        item = session.get(QueueItem, item_id)
        seed_impersonation(session, item.post_id)
    return item_id


def test_admin_edits_the_registry_and_every_change_is_audited(client_as, db_url, desk_seed):
    _flag(db_url, desk_seed)
    client, _ = client_as("admin")
    page = client.get("/admin/akun-resmi")
    assert page.status_code == 200 and "@bupati.kotabaru" in page.text
    form = {
        "csrf_token": csrf_from(page.text),
        "skpd": "dishub",
        "skpd_name": "Dinas Perhubungan",
        "platform": "instagram",
        "handle": "@Dishub.Kotabaru",
        "display_name": "Dishub Kotabaru",
        "phones": "0811-5100-0400; 0811-5100-0401",
    }
    saved = client.post("/admin/akun-resmi", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/admin/akun-resmi")
    assert "@dishub.kotabaru" in page.text and "0811-5100-0401" in page.text
    bad = client.post("/admin/akun-resmi", data={**form, "platform": "myspace"})
    assert bad.status_code == 422 and "tidak dikenal" in bad.text
    with session_scope(db_url) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.entity_type == "official_account")).all()
        added = [r for r in rows if r.action == "account.add" and r.actor == "admin.kominfo"]
    assert len(added) == 1 and added[0].details["after"]["phones"] == ["0811-5100-0400", "0811-5100-0401"]
    comms, _ = client_as("comms")
    assert comms.get("/admin/akun-resmi").status_code == 200
    assert comms.post("/admin/akun-resmi", data=form).status_code == 403


def test_takedown_pack_shows_the_impostor_beside_the_genuine_accounts(client_as, db_url, desk_seed):
    item_id = _flag(db_url, desk_seed)
    client, _ = client_as("trc")
    item = client.get(f"/item/{item_id}")
    assert "Akun palsu / penipuan" in item.text and f"/item/{item_id}/takedown" in item.text
    page = client.get(f"/item/{item_id}/takedown")
    assert page.status_code == 200
    assert "@bupatl.kotabaru" in page.text and "@bupatikotabaru" in page.text  # impostor and a genuine one
    assert "Direktorat Reserse Siber" in page.text and "WASPADA AKUN PALSU" in page.text
    pack = client.get(f"/item/{item_id}/takedown.json").json()
    assert pack["format"] == "saring-takedown/1" and "085247113390" in pack["numbers"]
    assert {g["handle"] for g in pack["genuine"]} >= {"bupati.kotabaru", "bupatikotabaru"}
    assert all(len(p["sha256"]) == 64 for p in pack["posts"])
    other = desk_seed.items["blt"]
    assert client.get(f"/item/{other}/takedown").status_code == 404
    with session_scope(db_url) as session:
        actions = session.scalars(
            select(AuditLog.action).where(
                AuditLog.entity_id == str(item_id), AuditLog.entity_type == "queue_item"
            )
        ).all()
    assert "item.takedown_pack" in actions


def test_impersonation_items_route_to_diskominfo_with_a_copy_to_the_officials_skpd(db_url, desk_seed):
    item_id = _flag(db_url, desk_seed)
    with session_scope(db_url) as session:
        item = session.get(QueueItem, item_id)
        session.execute(Assignment.__table__.delete().where(Assignment.queue_item_id == item_id))
        item.category = "akun_palsu"
        assignment = route_item(session, item, list_rules(session), [])
        session.flush()
        assert assignment.skpd.code == "diskominfo"
        row = session.scalars(
            select(AuditLog)
            .where(AuditLog.action == "item.route", AuditLog.entity_id == str(item_id))
            .order_by(AuditLog.id.desc())
        ).first()
        assert row.details["after"]["tembusan"] == "setda"


def test_waspada_akun_palsu_clarification_names_the_genuine_accounts(db_url, desk_seed):
    from desk.comms import queries
    from desk.comms import workflow as wf
    from desk.comms.settings import CommsSettings
    from desk.services.access import Viewer
    from desk.services.decisions import VerdictInput, decide

    item_id = _flag(db_url, desk_seed)
    settings = CommsSettings(
        kabupaten="Kotabaru", whatsapp="0811-5100-0110", website="https://kotabarukab.go.id"
    )
    with session_scope(db_url) as session:
        item = session.get(QueueItem, item_id)
        decide(
            session, item_id, VerdictInput("hoaks", "Akun palsu", item.version_id), Viewer("rina.trc", "trc")
        )
        c = wf.create_clarification(session, item_id, Viewer("dedi.humas", "comms"), settings)
        assert c.title.startswith(
            "Waspada akun palsu: Facebook (Meta) @bupatl.kotabaru bukan milik Bupati Kotabaru"
        )
        assert "@bupati.kotabaru" in c.body and "@bupatikotabaru" in c.body and "085247113390" in c.body
        variants = queries.variants_of(session, c.id)
        assert (
            "@bupatikotabaru" in variants["facebook"].text
            and "Waspada akun palsu" in variants["whatsapp"].text
        )
