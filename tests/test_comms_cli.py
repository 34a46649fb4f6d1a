"""`saring report` (the dashboard's numbers as CSV/HTML) and `saring clarifications export|list`."""

from __future__ import annotations

import csv
import io
import json

from desk_fixtures import seed_queue
from PIL import Image
from test_monitoring import _seed
from typer.testing import CliRunner

from desk.comms import workflow as wf
from desk.comms.settings import CommsSettings
from desk.services.access import Viewer
from desk.services.decisions import VerdictInput, decide
from saring.cli.main import app
from saring.db.session import session_scope
from saring.db.tables.core import QueueItem

runner = CliRunner()


def test_report_csv_to_stdout_and_html_to_a_file(db_url, tmp_path):
    with session_scope(db_url) as session:
        _seed(session)
    result = runner.invoke(app, ["report", "--from", "2026-05-01", "--to", "2026-05-07", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {(r[0], r[1], r[2]): r[3] for r in csv.reader(io.StringIO(result.stdout))}
    assert rows[("ringkasan", "ditandai", "")] == "7"
    assert rows[("ringkasan", "diverifikasi", "")] == "5"
    assert rows[("ringkasan", "diklarifikasi", "")] == "3"
    assert rows[("durasi", "clarification", "median")] == "12.0"
    target = tmp_path / "laporan" / "mei.html"
    result = runner.invoke(
        app, ["report", "--from", "2026-05-01", "--to", "2026-05-07", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert '<span class="stat-num" data-metric="flagged">7</span>' in html and "data:image/svg+xml" in html


def test_report_refuses_bad_periods(db_url):
    assert runner.invoke(app, ["report", "--from", "2026-05-07", "--to", "2026-05-01"]).exit_code == 2
    assert runner.invoke(app, ["report", "--from", "1 Mei", "--to", "2026-05-01"]).exit_code == 2
    bad_format = runner.invoke(
        app, ["report", "--from", "2026-05-01", "--to", "2026-05-02", "--format", "pdf"]
    )
    assert bad_format.exit_code == 2


def test_clarifications_export_writes_texts_card_and_article(db_url, tmp_path):
    with session_scope(db_url) as session:
        seeded = seed_queue(session)
        item = session.get(QueueItem, seeded.items["banjir"])
        decide(
            session,
            item.id,
            VerdictInput("hoaks", "Cek fakta Komdigi", item.version_id, kb_item_id=seeded.kb["banjir"]),
            Viewer("rina.trc", "trc"),
        )
        clarification_id = wf.create_clarification(
            session, item.id, Viewer("dedi.humas", "comms"), CommsSettings()
        ).id
    result = runner.invoke(
        app, ["clarifications", "export", str(clarification_id), "--output", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / f"klarifikasi-{clarification_id}"
    names = {p.name for p in folder.iterdir()}
    assert {
        "x.txt",
        "instagram.txt",
        "facebook.txt",
        "whatsapp.txt",
        "tiktok.txt",
        "artikel.html",
        "claimreview.json",
        "ringkasan.json",
    } <= names
    card = next(folder.glob("kartu-*.png"))
    assert Image.open(card).size == (1080, 1080)
    assert json.loads((folder / "ringkasan.json").read_text())["status"] == "draft"
    assert "[HOAKS]" in (folder / "whatsapp.txt").read_text()
    listed = runner.invoke(app, ["clarifications", "list"])
    assert listed.exit_code == 0 and "Draf" in listed.output
    missing = runner.invoke(app, ["clarifications", "export", "999", "--output", str(tmp_path)])
    assert missing.exit_code == 1
