"""The fine-tune path (transformers Trainer, AutoModelForSequenceClassification) end to end on a tiny BERT."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_bert import build_tiny_bert

from models.classifier import load_classifier
from models.classifier.finetune import FineTunedClassifier, FinetuneOptions, finetune_classifier
from models.classifier.train import TrainOptions, train_version
from models.registry import ModelRegistry
from models.training_data import build_training_set

DEMO = Path(__file__).parent.parent / "models" / "classifier" / "demo_train.jsonl"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain BERT folder in IndoBERT's shape, its WordPiece trained on the demo posts."""
    texts = build_training_set([DEMO]).texts
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-indobert"), texts, vocab_size=600, hidden_size=32)


def test_finetune_one_step_then_round_trip(tiny_bert, tmp_path):
    ts = build_training_set([DEMO])
    options = FinetuneOptions(base=str(tiny_bert), max_steps=1, batch_size=8, max_length=64, seed=5)
    model = finetune_classifier(ts.texts, ts.labels, options)
    texts = ts.texts[:6]
    p = model.hoax_probability(texts)
    assert p.shape == (6,) and np.all((p > 0) & (p < 1))
    assert model.predict_proba(texts).shape == (6, 2)
    assert model.config.platt != [1.0, 0.0]  # calibrated on the held-out slice
    folder = model.save_pretrained(tmp_path / "ft")
    loaded = load_classifier(folder)
    assert isinstance(loaded, FineTunedClassifier)
    assert np.allclose(loaded.hoax_probability(texts), p, atol=1e-6)
    again = finetune_classifier(ts.texts, ts.labels, options)
    assert np.allclose(again.hoax_probability(texts), p, atol=1e-6)  # seeded


def test_finetune_through_train_version_and_registry(tiny_bert, db_url):
    ts = build_training_set([DEMO])
    options = TrainOptions(
        finetune=True,
        finetune_base=str(tiny_bert),
        finetune_max_steps=1,
        finetune_batch_size=8,
        finetune_max_length=64,
    )
    model = train_version(ts, options, trained_by="tes")
    assert model.card.kind == "finetuned"
    assert set(model.card.metrics["fixed_validation"]) == {"model", "tfidf_logreg"}
    assert "calibration_holdout" in model.card.metrics
    registry = ModelRegistry(db_url=db_url)
    info = registry.register(model, trained_by="tes")
    assert info.kind == "finetuned" and (info.path / "model" / "config.json").exists()
    loaded = registry.load(info.version)
    assert np.allclose(loaded.hoax_probability(ts.texts[:3]), model.hoax_probability(ts.texts[:3]), atol=1e-6)
