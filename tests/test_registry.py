"""Model registry: register, promote, refuse, force, roll back; audit rows; nothing half-written."""

from __future__ import annotations

from pathlib import Path

import datasets
import numpy as np
import pytest
from sqlalchemy import select

from models.classifier.splits import fixed_validation_mask
from models.classifier.train import TrainOptions, train_version, validation_rows
from models.registry import ModelRegistry, RegistryError
from models.training_data import TrainingSet, build_training_set
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog
from saring.db.tables.registry import ModelVersion

DEMO = Path(__file__).parent.parent / "models" / "classifier" / "demo_train.jsonl"


@pytest.fixture(scope="module")
def demo_set():
    return build_training_set([DEMO])


def sabotaged(ts: TrainingSet) -> TrainingSet:
    """Same validation examples, but the training part's labels flipped: a clearly worse model."""
    val = fixed_validation_mask(ts.dataset["key"])
    labels = [lab if v else 1 - lab for lab, v in zip(ts.dataset["label"], val, strict=True)]
    data = ts.dataset.to_dict()
    data["label"] = labels
    return TrainingSet(datasets.Dataset.from_dict(data), dict(ts.snapshot))


@pytest.fixture(scope="module")
def models(use_encoder, demo_set):
    good = train_version(demo_set, TrainOptions(), encoder=use_encoder, trained_by="tes")
    bad = train_version(sabotaged(demo_set), TrainOptions(), encoder=use_encoder, trained_by="tes")
    return good, bad


def test_promote_refuse_force_rollback(db_url, use_encoder, demo_set, models):
    good, bad = models
    registry = ModelRegistry(db_url=db_url)
    rows = validation_rows(demo_set)
    v1 = registry.register(good, trained_by="ana", validation=rows)
    assert (v1.version, v1.status, v1.parent_version) == ("v1", "candidate", None)
    assert (v1.path / "card.json").exists() and (v1.path / "validation.jsonl").exists()
    assert registry.promote("v1", actor="ana").promoted and registry.active().version == "v1"

    v2 = registry.register(bad, trained_by="budi", validation=rows)
    assert v2.parent_version == "v1"
    result = registry.promote("v2", actor="budi", encoder=use_encoder)
    assert not result.promoted and "worse than active v1" in result.decision.reason
    assert registry.active().version == "v1"

    forced = registry.promote("v2", actor="budi", force=True, reason="uji coba", encoder=use_encoder)
    assert forced.promoted and forced.forced and registry.active().version == "v2"
    assert registry.get("v1").status == "retired"

    back = registry.rollback(actor="ana", reason="v2 buruk")
    assert back.version == "v1" and registry.active().version == "v1"
    registry.rollback("v2", actor="ana")
    assert registry.active().version == "v2"
    with pytest.raises(RegistryError, match="already active"):
        registry.rollback("v2", actor="ana")
    with pytest.raises(RegistryError, match="no model version 'v9'"):
        registry.promote("v9", actor="ana")

    actions = [e.action for e in registry.events()]
    assert actions == ["register", "promote", "register", "refuse", "force_promote", "rollback", "rollback"]
    with session_scope(db_url) as s:
        audit = [(a.action, a.entity_id, a.actor) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert ("model.force_promote", "v2", "budi") in audit and ("model.rollback", "v1", "ana") in audit
    forced_event = [e for e in registry.events() if e.action == "force_promote"][0]
    assert "forced: uji coba" in forced_event.reason and forced_event.details["active_score"] is not None


def test_equal_model_passes_gate_with_stored_metrics(db_url, demo_set, models):
    good, _ = models
    registry = ModelRegistry(db_url=db_url)
    rows = validation_rows(demo_set)
    registry.register(good, trained_by="ana", validation=rows)
    registry.promote("v1", actor="ana")
    registry.register(good, trained_by="ana", validation=rows)
    result = registry.promote("v2", actor="ana")
    assert result.promoted and "stored metrics" in result.decision.reason
    loaded = registry.load()
    texts = demo_set.texts[:4]
    assert np.array_equal(loaded.hoax_probability(texts), good.hoax_probability(texts))


def test_failed_save_leaves_nothing(db_url, demo_set, models):
    good, _ = models
    registry = ModelRegistry(db_url=db_url)

    class Broken:
        card, config, threshold = good.card, good.config, good.threshold

        def save_pretrained(self, path):
            (Path(path) / "config.json").write_text("{}")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        registry.register(Broken(), trained_by="ana", validation=validation_rows(demo_set))
    assert registry.list_versions() == []
    assert [p for p in registry.root.rglob("*") if p.is_file()] == []


def test_failed_database_write_leaves_no_folder(db_url, demo_set, models, monkeypatch):
    good, _ = models
    registry = ModelRegistry(db_url=db_url)

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ModelRegistry, "_event", staticmethod(boom))
    with pytest.raises(RuntimeError, match="went away"):
        registry.register(good, trained_by="ana", validation=validation_rows(demo_set))
    monkeypatch.undo()
    assert registry.list_versions() == []
    assert not (registry.root / "v1").exists()
    assert [p for p in registry.root.rglob("*") if p.is_file()] == []
    with session_scope(db_url) as s:
        assert s.scalars(select(ModelVersion)).all() == []


def test_no_active_model_is_a_clear_error(db_url):
    with pytest.raises(RegistryError, match="no active model"):
        ModelRegistry(db_url=db_url).load()
    with pytest.raises(RegistryError, match="no active version"):
        ModelRegistry(db_url=db_url).rollback(actor="ana")
