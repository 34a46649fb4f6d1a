"""Reports end to end with the real pipeline: form -> score flow (cluster, match, classify, queue) ->
verdict -> report-outbox flow (answers sent through the file sender) -> retention flow."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from desk_fixtures import add_officers
from fastapi.testclient import TestClient
from report_helpers import code_of, decide_item, form_token, submit
from sqlalchemy import select, update
from test_flows import DEMO, ENCODER, kb_template  # noqa: F401  (the session's indexed demo KB)

from desk.reports.settings import reset_report_settings
from desk.reports.tracking import tracking_of
from saring.config import get_settings, reset_settings
from saring.db import init_db, session_scope
from saring.db.base import utcnow
from saring.db.tables.core import Post, QueueItem
from saring.db.tables.reports import CitizenReport, CitizenReporter

pytest_plugins = ["desk_fixtures"]
CLAIM = (
    "Pemkab Kotabaru bagi-bagi BLT Rp3.500.000 untuk warga yang belum pernah dapat bantuan. "
    "Daftar cepat lewat link bantuan-kotabaru.xyz, kuota terbatas cuma 3 hari!!"
)
VARIANTS = [CLAIM, "Benarkah? " + CLAIM, CLAIM + " Sudah banyak yang daftar"]
OTHER = (
    "Jembatan di Sungai Durian katanya ambruk tadi malam, semua kendaraan dilarang lewat sampai minggu depan"
)


@pytest.mark.slow
def test_reports_through_score_decision_answer_and_retention(
    tmp_path,
    monkeypatch,
    kb_template,  # noqa: F811
    prefect_harness,
    cheap_hashing,
):
    from desk.app import create_app
    from desk.settings import DeskSettings
    from factcheck_kb.operations import import_path
    from pipelines.flows.reports import report_outbox_flow, report_retention_flow
    from pipelines.flows.score import run_score
    from saring.db.session import reset_engines

    monkeypatch.setenv("SARING_ENCODER_MODEL", ENCODER)
    monkeypatch.setenv("SARING_REPORT_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("SARING_REPORT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    monkeypatch.setenv("SARING_REPORT_WAIT_FOR_CLARIFICATION_HOURS", "0")
    reset_settings()
    reset_engines()
    reset_report_settings()
    settings = get_settings()
    url = settings.resolved_database_url
    init_db(url)
    import_path(DEMO / "kb_clarifications.jsonl", db_url=url, update_index=False)
    shutil.copytree(kb_template, settings.index_dir)
    with session_scope(url) as session:
        add_officers(session)

    app = create_app(settings, DeskSettings(route_interval_s=0), migrate=False)
    today = date.today().isoformat()
    with TestClient(app) as client:
        token = form_token(client)
        codes = [
            code_of(
                submit(
                    client,
                    token,
                    text=text,
                    platform="whatsapp",
                    seen_on=today,
                    **(
                        {"answer_channel": "email", "contact": f"warga{i}@contoh.id", "consent": "ya"}
                        if i < 2
                        else {}
                    ),
                )
            )
            for i, text in enumerate(VARIANTS)
        ]
        other = code_of(submit(client, token, text=OTHER, platform="facebook", seen_on=today))
        stats = run_score()
        assert stats["posts"] == 4 and stats["scored"] == 4
        with session_scope(url) as s:
            rows = s.execute(
                select(
                    CitizenReport.tracking_code,
                    Post.cluster_id,
                    QueueItem.id,
                    QueueItem.reasons,
                    QueueItem.band,
                )
                .join(Post, Post.id == CitizenReport.post_id)
                .join(QueueItem, QueueItem.post_id == Post.id)
            ).all()
            by_code = {r.tracking_code: r for r in rows}
            assert set(by_code) == {*codes, other}  # every report is queued, whatever its priority
            assert len({by_code[c].cluster_id for c in codes}) == 1  # three reports, one issue
            assert by_code[other].cluster_id != by_code[codes[0]].cluster_id
            assert any("dilaporkan warga: 3 laporan" in r for r in by_code[codes[2]].reasons)
            assert any("demo-kb-001" in r for r in by_code[codes[0]].reasons)  # matched like any post
            assert {tracking_of(s, c).stage for c in [*codes, other]} == {"ditinjau"}

        decide_item(url, by_code[codes[0]].id, "hoaks")
        first = report_outbox_flow()
        assert first["answers"]["answered"] == 3 and first["answers"]["messages"] == 2
        assert first["sent"]["sent"] == 2
        sent = [json.loads(p.read_text()) for p in sorted((tmp_path / "outbox").glob("*.json"))]
        assert sorted(m["recipient"] for m in sent) == ["warga0@contoh.id", "warga1@contoh.id"]
        assert all("Hoaks" in m["body"] and "/lapor/LP-" in m["body"] for m in sent)
        again = report_outbox_flow()
        assert again["answers"]["answered"] == 0 and again["sent"]["sent"] == 0
        page = client.get(f"/lapor/{codes[2]}")
        assert "Sudah dijawab" in page.text and "Hoaks" in page.text
        assert "Sedang ditinjau" in client.get(f"/lapor/{other}").text

    with session_scope(url) as s:
        s.execute(update(CitizenReporter).values(delete_after=utcnow() - timedelta(seconds=1)))
    assert report_retention_flow()["reporters_deleted"] == 2
    with session_scope(url) as s:
        assert s.scalar(select(CitizenReporter.id)) is None
