"""Prefect flow `retrain`: first model, skip without new verdicts, retrain with verdicts, record why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from classifier_helpers import add_verdict

from models.classifier.demo import DEMO_TRAIN_FILE
from models.registry import ModelRegistry
from pipelines.flows.retrain import retrain
from saring.db.session import session_scope

pytestmark = pytest.mark.slow

NEW_VERDICTS = [
    ("Pesan berantai: daftar bantuan BLT lewat tautan formblt-kalsel.xyz, kirim foto KTP sekarang!", "hoaks"),
    ("Akun WhatsApp mengaku Kepala Dinas meminta transfer dana darurat ke rekening pribadi", "disinformasi"),
    ("Pemkab mengumumkan jadwal pelayanan KTP keliling di kecamatan minggu depan", "bukan_hoaks"),
    ("Kabar gempa besar besok pagi, belum ada sumber jelas", "perlu_investigasi"),
]


def test_retrain_flow_end_to_end(prefect_harness, db_url, use_encoder):
    args = {"data": [str(DEMO_TRAIN_FILE)], "encoder": "use-multilingual", "db_url": db_url}
    first = retrain(**args)
    assert first["trained"] and first["promoted"] and first["version"] == "v1"
    registry = ModelRegistry(db_url=db_url)
    assert registry.active().version == "v1"

    skipped = retrain(**args)
    assert not skipped["trained"] and "skipped: 0 new labelled verdict(s)" in skipped["reason"]
    assert [v.version for v in registry.list_versions()] == ["v1"]

    when = datetime.now(UTC) + timedelta(minutes=1)
    with session_scope(db_url) as s:
        for i, (text, verdict) in enumerate(NEW_VERDICTS):
            add_verdict(s, text, verdict, external_id=f"n{i}", when=when)
    second = retrain(**args)
    assert second["trained"] and second["version"] == "v2" and second["new_verdicts"]["labelled"] == 3
    assert second["reason"].startswith("promoted: " if second["promoted"] else "not promoted: ")
    assert registry.get("v2").data_snapshot["verdicts"]["rows"] == 3
    retrain_events = [e for e in registry.events() if e.action == "retrain"]
    assert [e.version for e in retrain_events] == ["v1", None, "v2"]
    assert retrain_events[-1].details["candidate_score"] is not None


def test_retrain_deployment_is_scheduled():
    from pipelines.flows.retrain import DEFAULT_CRON, retrain_deployment

    deployment = retrain_deployment()
    assert deployment.name == "retrain" and deployment.schedules[0].schedule.cron == DEFAULT_CRON
    assert deployment.parameters == {"min_new_verdicts": 20}
