"""The desk on PostgreSQL: migration 0004 (audit trigger too), queue queries, cluster verdicts, locking."""

from __future__ import annotations

import pytest
from desk_fixtures import add_officers, seed_queue
from pg import fresh_postgres_db, postgres_url  # noqa: F401
from sqlalchemy import func, select, text

from desk.services.access import Viewer
from desk.services.decisions import StaleItemError, VerdictInput, decide
from desk.services.evidence import build_evidence_pack
from desk.services.queue import QueueFilters, list_queue
from saring.db import init_db
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, QueueItem, Verdict
from saring.db.tables.desk import Skpd

pytest_plugins = ["desk_fixtures"]
pytestmark = pytest.mark.slow


def test_desk_services_on_postgres(fresh_postgres_db, cheap_hashing):  # noqa: F811
    url = fresh_postgres_db
    init_db(url)
    with session_scope(url) as session:
        seeded = seed_queue(session)
        add_officers(session)
    trc = Viewer("rina.trc", "trc")
    with session_scope(url) as session:
        page = list_queue(session, QueueFilters(), trc)
        assert page.total == 9 and page.rows[0].cluster_size == 3
        assert list_queue(session, QueueFilters(platform="whatsapp", category="bansos"), trc).total == 1
        assert list_queue(session, QueueFilters(skpd="bpbd"), trc).total == 1
        dinsos = session.scalar(select(Skpd.id).where(Skpd.code == "dinsos"))
        assert list_queue(session, QueueFilters(), Viewer("andi.dinsos", "pic", dinsos)).total == 3
        version = session.get(QueueItem, seeded.items["blt"]).version_id
    with session_scope(url) as session:
        result = decide(session, seeded.items["blt"], VerdictInput("hoaks", "Cek fakta TBH", version), trc)
        assert len(result.item_ids) == 3
    with session_scope(url) as session, pytest.raises(StaleItemError):
        decide(session, seeded.items["blt"], VerdictInput("bukan_hoaks", "lama", version), trc)
    with session_scope(url) as session:
        assert session.scalar(select(func.count(Verdict.id))) == 3
        pack = build_evidence_pack(session, seeded.items["blt"], trc)
        assert pack.manifest["decided_at"] is not None
    with session_scope(url) as session, pytest.raises(Exception, match="append-only"):
        session.connection().execute(text("DELETE FROM audit_log"))
    with session_scope(url) as session:
        assert session.scalar(select(func.count(AuditLog.id))) > 0
