"""Desk library functions: routing, decisions on clusters, optimistic locking, audit, evidence, accounts."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from desk_fixtures import CLASSIFIER, PASSWORD, add_officers, seed_queue
from sqlalchemy import delete, func, select, text, update

from desk.services.access import Forbidden, Viewer
from desk.services.assignments import AssignInput, assign, assignment_of, set_followup
from desk.services.categories import guess_category, guess_kecamatan
from desk.services.decisions import StaleItemError, VerdictInput, add_comment, decide
from desk.services.evidence import build_evidence_pack
from desk.services.passwords import WeakPasswordError, check_strength, verify_password
from desk.services.queue import QueueFilters, list_queue
from desk.services.routing import (
    RoutingError,
    RuleInput,
    deadline_for,
    ensure_defaults,
    find_rule,
    list_rules,
    priority_tier,
    set_rule,
)
from desk.services.users import UserError, create_user, disable_user
from desk.services.validation import InputError
from desk.settings import DeskSettings
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, KBItem, QueueItem, Verdict
from saring.db.tables.desk import Assignment, AuditLogIsAppendOnly, Comment, DeskSession, Skpd

pytest_plugins = ["desk_fixtures"]

TRC = Viewer(username="rina.trc", role="trc")
TRC2 = Viewer(username="budi.trc", role="trc")
TZ = DeskSettings().tz


def _decide(
    session, item_id, verdict="hoaks", reason="Cocok dengan cek fakta TurnBackHoax", version=None, **kw
):
    item = session.get(QueueItem, item_id)
    data = VerdictInput(verdict=verdict, reason=reason, version=version or item.version_id, **kw)
    return decide(session, item_id, data, TRC)


def test_categories_and_places_are_guessed_from_indonesian_text():
    assert guess_category("Pendaftaran BLT Rp600 ribu dibuka lewat tautan") == "bansos"
    assert guess_category("Formasi CPNS tanpa tes") == "rekrutmen"
    assert guess_category("Akun WA mengatasnamakan Bupati minta transfer bansos") == "penipuan"
    assert guess_category("Cuaca cerah hari ini") == "lainnya"
    names = DeskSettings().kecamatan
    assert guess_kecamatan("banjir melanda Pulau Laut Utara malam ini", names) == "Pulau Laut Utara"
    assert guess_kecamatan("di kecamatan sampanan", names) == "Sampanan"
    assert guess_kecamatan("Banjarmasin", names) is None


def test_routing_picks_the_most_specific_rule_and_deadline_by_priority(db_url):
    with session_scope(db_url) as session:
        assert ensure_defaults(session) is True
        assert ensure_defaults(session) is False
        set_rule(session, RuleInput("bencana", "Hampang", "satpolpp", 2, 4, 8), actor="admin")
        rules = list_rules(session)
        assert find_rule(rules, "bansos", None).skpd.code == "dinsos"
        assert find_rule(rules, "bencana", "Hampang").skpd.code == "satpolpp"
        assert find_rule(rules, "bencana", "Sampanan").skpd.code == "bpbd"
        assert find_rule(rules, "tak-dikenal", None).skpd.code == "diskominfo"
        special = find_rule(rules, "bencana", "Hampang")
        start = special.updated_at
        assert (
            priority_tier(0.9) == "tinggi"
            and priority_tier(0.5) == "sedang"
            and priority_tier(0.1) == "rendah"
        )
        assert deadline_for(special, 0.9, start) - start == timedelta(hours=2)
        assert deadline_for(special, 0.1, start) - start == timedelta(hours=8)
        with pytest.raises(RoutingError, match="Kategori tidak dikenal"):
            set_rule(session, RuleInput("alien", None, "dinsos"), actor="admin")
        with pytest.raises(RoutingError, match="SKPD"):
            set_rule(session, RuleInput("bansos", None, "tidak-ada"), actor="admin")


def test_seeded_items_are_routed_to_their_skpd(desk_seed, db_url):
    with session_scope(db_url) as session:

        def skpd_of(name):
            return assignment_of(session, desk_seed.items[name]).skpd.code

        assert skpd_of("blt") == "dinsos"
        assert skpd_of("cpns") == "bkpsdm"  # category guessed from the text
        assert skpd_of("banjir") == "bpbd"
        assert skpd_of("vaksin") == "dinkes"
        assert skpd_of("bupati") == "diskominfo"
        banjir = session.get(QueueItem, desk_seed.items["banjir"])
        assert banjir.kecamatan == "Pulau Laut Utara"
        assert session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "item.route")) == 9


def test_verdict_applies_to_the_whole_cluster_and_feeds_verdicts(desk_seed, db_url):
    with session_scope(db_url) as session:
        result = _decide(session, desk_seed.items["blt"], kb_item_id=desk_seed.kb["blt"])
    assert sorted(result.item_ids) == sorted([desk_seed.items[k] for k in ("blt", "blt_wa", "blt_tt")])
    with session_scope(db_url) as session:
        verdicts = session.scalars(select(Verdict)).all()
        assert {v.queue_item_id for v in verdicts} == set(result.item_ids)
        assert all(v.verdict == "hoaks" and v.decided_by == "rina.trc" for v in verdicts)
        assert {session.get(QueueItem, i).status for i in result.item_ids} == {"selesai"}
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "item.verdict")).all()
        assert len(rows) == 3
        main = next(r for r in rows if r.entity_id == str(desk_seed.items["blt"]))
        assert main.details["in_force"]["model_version"] == CLASSIFIER
        assert main.details["in_force"]["matcher_model"]
        assert main.details["before"]["status"] == "baru" and main.details["after"]["verdict"] == "hoaks"
        page = list_queue(session, QueueFilters(), TRC)
        assert desk_seed.items["blt"] not in {r.item_id for r in page.rows}


def test_cluster_verdict_leaves_already_decided_items_alone(desk_seed, db_url):
    with session_scope(db_url) as session:
        first = _decide(session, desk_seed.items["blt_tt"], verdict="misinformasi")
        assert len(first.item_ids) == 3
    with session_scope(db_url) as session:  # a later correction on one item does not overwrite the others
        result = _decide(session, desk_seed.items["blt"], verdict="perlu_investigasi")
        assert result.item_ids == [desk_seed.items["blt"]]
        assert result.skipped_item_ids == [desk_seed.items["blt_wa"], desk_seed.items["blt_tt"]]
        kept = session.scalars(
            select(Verdict.verdict).where(Verdict.queue_item_id == desk_seed.items["blt_wa"])
        )
        assert list(kept) == ["misinformasi"]
        assert session.get(QueueItem, desk_seed.items["blt"]).status == "investigasi"


def test_second_officer_with_a_stale_version_is_refused(desk_seed, db_url):
    item_id = desk_seed.items["cpns"]
    with session_scope(db_url) as session:
        seen_version = session.get(QueueItem, item_id).version_id
    with session_scope(db_url) as session:
        decide(session, item_id, VerdictInput("hoaks", "Cek fakta BKN", seen_version), TRC)
    with session_scope(db_url) as session, pytest.raises(StaleItemError) as info:
        decide(session, item_id, VerdictInput("bukan_hoaks", "Menurut saya benar", seen_version), TRC2)
    assert info.value.last_change.actor == "rina.trc"
    with session_scope(db_url) as session:
        assert [
            v.verdict for v in session.scalars(select(Verdict).where(Verdict.queue_item_id == item_id))
        ] == ["hoaks"]


def test_concurrent_flush_is_caught_by_the_version_column(desk_seed, db_url):
    """Both officers load version N; the database rejects the second UPDATE (version_id_col)."""
    item_id = desk_seed.items["banjir"]
    with session_scope(db_url) as first, session_scope(db_url) as second:
        a = first.get(QueueItem, item_id)
        b = second.get(QueueItem, item_id)
        a.status = "investigasi"
        first.commit()
        b.status = "selesai"
        with pytest.raises(Exception, match="expected to update"):
            second.flush()
        second.rollback()


def test_verdict_with_a_new_factcheck_link_adds_a_kb_item(desk_seed, db_url):
    with session_scope(db_url) as session:
        result = _decide(
            session,
            desk_seed.items["pemilu"],
            verdict="disinformasi",
            new_factcheck_url="https://kotabarukab.go.id/klarifikasi/surat-suara",
            new_factcheck_title="Klarifikasi KPU: surat suara belum dicetak",
        )
    with session_scope(db_url) as session:
        kb_item = session.get(KBItem, result.kb_item_id)
        assert kb_item.source == "trc" and kb_item.verdict == "SALAH"
        assert kb_item.title == "Klarifikasi KPU: surat suara belum dicetak"


def test_bad_verdict_input_stores_nothing(desk_seed, db_url):
    with session_scope(db_url) as session:
        before = session.scalar(select(func.count(AuditLog.id)))
        item_id = desk_seed.items["vaksin"]
        version = session.get(QueueItem, item_id).version_id
        cases = [
            (VerdictInput("palsu", "x", version), "verdict"),
            (VerdictInput("hoaks", "   ", version), "reason"),
            (VerdictInput("hoaks", "x" * 4001, version), "reason"),
            (
                VerdictInput("hoaks", "ok", version, new_factcheck_url="javascript:alert(1)"),
                "new_factcheck_url",
            ),
            (VerdictInput("hoaks", "ok", version, kb_item_id=999999), "kb_item_id"),
            (VerdictInput("hoaks", "ok", "abc"), "version"),
        ]
        for data, field in cases:
            with pytest.raises(InputError) as info:
                decide(session, item_id, data, TRC)
            assert field in info.value.errors
            session.rollback()
        assert session.scalar(select(func.count(Verdict.id))) == 0
        assert session.scalar(select(func.count(AuditLog.id))) == before
        assert session.get(QueueItem, item_id).status == "baru"


def test_roles_that_may_not_decide_are_refused(desk_seed, db_url):
    with session_scope(db_url) as session:
        for role in ("analyst", "comms", "pic"):
            with pytest.raises(Forbidden):
                decide(session, desk_seed.items["cpns"], VerdictInput("hoaks", "x", 1), Viewer("x", role, 1))


def test_assignment_checks_dates_skpd_and_pic(desk_seed, db_url):
    item_id = desk_seed.items["vaksin"]
    with session_scope(db_url) as session:
        dinsos = session.scalar(select(Skpd).where(Skpd.code == "dinsos"))
        version = session.get(QueueItem, item_id).version_id
        for deadline, message in (
            ("besok sore", "tidak valid"),
            ("2020-01-01T10:00", "masa depan"),
            ("", "wajib"),
        ):
            with pytest.raises(InputError) as info:
                assign(session, item_id, AssignInput(dinsos.id, deadline, version), TRC, TZ)
            assert message in info.value.errors["deadline"]
        with pytest.raises(InputError) as info:
            assign(
                session, item_id, AssignInput(dinsos.id, "2099-01-01T10:00", version, "wati.bpbd"), TRC, TZ
            )
        assert "bukan dari SKPD" in info.value.errors["pic_username"]
        done = assign(
            session, item_id, AssignInput(dinsos.id, "2099-01-01T10:00", version, "andi.dinsos"), TRC, TZ
        )
        assert done.pic.username == "andi.dinsos"
        assert done.deadline.hour == 2  # 10:00 WITA is 02:00 UTC
        new_version = session.get(QueueItem, item_id).version_id
        assert new_version == version + 1
        with pytest.raises(StaleItemError):
            set_followup(
                session, item_id, "ditindaklanjuti", version, Viewer("andi.dinsos", "pic", dinsos.id)
            )
        set_followup(
            session, item_id, "ditindaklanjuti", new_version, Viewer("andi.dinsos", "pic", dinsos.id)
        )
        assert (
            session.scalar(select(Assignment.status).where(Assignment.queue_item_id == item_id))
            == "ditindaklanjuti"
        )


def test_pic_sees_only_their_skpd(desk_seed, db_url):
    with session_scope(db_url) as session:
        dinsos = session.scalar(select(Skpd.id).where(Skpd.code == "dinsos"))
        pic = Viewer("andi.dinsos", "pic", dinsos)
        rows = list_queue(session, QueueFilters(), pic).rows
        assert {r.item_id for r in rows} == {desk_seed.items[k] for k in ("blt", "blt_wa", "blt_tt")}
        with pytest.raises(Forbidden):
            add_comment(session, desk_seed.items["banjir"], "boleh lihat?", pic)


def test_queue_filters_and_overdue(desk_seed, db_url):
    with session_scope(db_url) as session:
        assert list_queue(session, QueueFilters(platform="whatsapp"), TRC).total == 2
        assert list_queue(session, QueueFilters(category="bansos"), TRC).total == 3
        assert list_queue(session, QueueFilters(skpd="bpbd"), TRC).total == 1
        assert list_queue(session, QueueFilters(band="auto"), TRC).total == 2
        assert list_queue(session, QueueFilters(kecamatan="Pulau Laut Utara"), TRC).total == 1
        page = list_queue(session, QueueFilters(), TRC)
        assert [r.priority for r in page.rows] == sorted((r.priority for r in page.rows), reverse=True)
        assert page.rows[0].cluster_size == 3 and page.rows[0].engagement == 820 + 1310 + 96
        assert list_queue(session, QueueFilters(overdue=True), TRC).total == 0
        future = list_queue(
            session, QueueFilters(overdue=True), TRC, now=page.rows[0].deadline + timedelta(hours=1)
        )
        assert page.rows[0].item_id in {r.item_id for r in future.rows}


def test_audit_log_cannot_be_changed_or_deleted(desk_seed, db_url):
    with session_scope(db_url) as session:
        row = session.scalars(select(AuditLog)).first()
        row.actor = "someone-else"
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
        row = session.scalars(select(AuditLog)).first()
        session.delete(row)
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            session.execute(update(AuditLog).values(actor="x"))
        with pytest.raises(AuditLogIsAppendOnly):
            session.execute(delete(AuditLog))
    # Even below the ORM the database refuses (trigger from migration 0004_desk).
    with session_scope(db_url) as session, pytest.raises(Exception, match="append-only"):
        session.connection().execute(text("UPDATE audit_log SET actor = 'x'"))
    with session_scope(db_url) as session:
        assert "someone-else" not in session.scalars(select(AuditLog.actor)).all()


def test_evidence_pack_hashes_every_part(desk_seed, db_url):
    item_id = desk_seed.items["blt"]
    with session_scope(db_url) as session:
        _decide(session, item_id)
        add_comment(session, item_id, "Sudah dikirim ke Dinas Sosial", TRC)
    with session_scope(db_url) as session:
        pack = build_evidence_pack(session, item_id, TRC)
    archive = zipfile.ZipFile(io.BytesIO(pack.zip_bytes()))
    names = {n.split("/", 1)[1]: n for n in archive.namelist()}
    assert set(names) == {
        "post.json",
        "raw.json",
        "matches.json",
        "decision.json",
        "evidence.json",
        "evidence.html",
        "SHA256SUMS",
    }
    for line in archive.read(names["SHA256SUMS"]).decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(names[name])).hexdigest() == digest
    document = json.loads(archive.read(names["evidence.json"]))
    for name, part in document["parts"].items():
        assert hashlib.sha256(archive.read(names[name])).hexdigest() == part["sha256"]
    assert document["item"]["verdicts"][0]["verdict"] == "hoaks"
    assert document["decided_at"] and document["captured_at"]
    assert document["raw_payload"]["id"] == "fb-1001"
    assert document["item"]["post"]["engagement"]["shares"] == 1310
    html = archive.read(names["evidence.html"]).decode()
    assert "Paket bukti" in html and document["parts"]["raw.json"]["sha256"] in html
    with session_scope(db_url) as session:
        assert (
            session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "item.evidence_export"))
            == 1
        )


def test_comment_limits(desk_seed, db_url):
    with session_scope(db_url) as session:
        with pytest.raises(InputError, match="terlalu panjang"):
            add_comment(session, desk_seed.items["cpns"], "a" * 4001, TRC)
        with pytest.raises(InputError, match="wajib"):
            add_comment(session, desk_seed.items["cpns"], " \x00 ", TRC)
        assert session.scalar(select(func.count(Comment.id))) == 0


def test_accounts_need_strong_passwords_and_disable_ends_sessions(db_url, cheap_hashing):
    for weak in ("", "pendek", "password123", "aaaaaaaaaaaa"):
        with pytest.raises(WeakPasswordError):
            check_strength(weak, "rina")
    with pytest.raises(WeakPasswordError, match="nama pengguna"):
        check_strength("rina.trc-2026-aman", "rina.trc")
    with session_scope(db_url) as session:
        ensure_defaults(session)
        with pytest.raises(UserError, match="PIC harus"):
            create_user(session, "pic.tanpa.skpd", PASSWORD, "pic")
        with pytest.raises(UserError, match="Peran"):
            create_user(session, "siapa", PASSWORD, "superuser")
        user = create_user(session, "rina.trc", PASSWORD, "trc")
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        assert verify_password(user.password_hash, PASSWORD) and not verify_password(
            user.password_hash, "salah"
        )
        with pytest.raises(UserError, match="sudah dipakai"):
            create_user(session, "RINA.TRC", PASSWORD, "trc")
        session.add(
            DeskSession(token_hash="x" * 64, user_id=user.id, csrf_token="c", expires_at=user.created_at)
        )
        session.flush()
        disable_user(session, "rina.trc")
        assert session.scalar(select(func.count(DeskSession.id))) == 0


def test_seed_helpers_make_officers(db_url, cheap_hashing):
    with session_scope(db_url) as session:
        seed_queue(session, route=False)
        officers = add_officers(session)
        assert officers["pic"].skpd.code == "dinsos"
        assert session.scalar(select(func.count(Assignment.id))) == 0


def test_desk_verdicts_feed_the_retraining_reader(desk_seed, db_url):
    from models.training_data import read_verdicts

    with session_scope(db_url) as session:
        _decide(session, desk_seed.items["blt"], verdict="disinformasi")  # three posts of one issue
        _decide(session, desk_seed.items["pln"], verdict="bukan_hoaks", reason="Jadwal resmi PLN")
        _decide(session, desk_seed.items["pemilu"], verdict="perlu_investigasi", reason="Cek ke KPU")
    with session_scope(db_url) as session:
        examples, _ = read_verdicts(session)
    labels = sorted(e["label"] for e in examples)
    assert labels == [0, 1, 1, 1]  # perlu_investigasi carries no label


def test_audit_records_the_models_and_thresholds_in_force(desk_seed, db_url):
    from saring.config import get_settings
    from saring.db.tables.registry import ModelVersion

    index_dir = get_settings().index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    thresholds = {"dense_auto": 0.95, "dense_suggest": 0.75, "lexical_auto": 0.875, "lexical_suggest": 0.7}
    (index_dir / "manifest.json").write_text(
        json.dumps(
            {
                "model_id": "e5-kotabaru-ft",
                "thresholds": thresholds,
                "updated_at": "2026-11-01T00:00:00+00:00",
            }
        )
    )
    with session_scope(db_url) as session:
        session.add(
            ModelVersion(
                version=CLASSIFIER,
                kind="tfidf-lr",
                encoder="-",
                path="/x",
                threshold=0.62,
                validation_split="fixed",
                trained_by="tests",
            )
        )
    with session_scope(db_url) as session:
        _decide(session, desk_seed.items["cpns"])
    with session_scope(db_url) as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "item.verdict"))
        in_force = row.details["in_force"]
    assert in_force["model_version"] == CLASSIFIER and in_force["classifier_threshold"] == 0.62
    assert in_force["band_thresholds"] == thresholds
    assert in_force["matcher_model"] == "multilingual-e5-small+bm25"  # what scored this item
    assert row.actor == "rina.trc" and row.at is not None
