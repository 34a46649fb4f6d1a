"""Hoax classifier: body + calibrated head, save/load round-trip, seeded training, card, cache, signals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.classifier import HoaxClassifier, load_classifier
from models.classifier.embed_cache import cached_encode
from models.classifier.features import SIGNAL_NAMES, build_features, signal_features
from models.classifier.metrics import best_threshold, classification_metrics, expected_calibration_error
from models.classifier.splits import FIXED_SPLIT_ID, fixed_validation_mask, text_key
from models.classifier.train import TrainOptions, train_version
from models.training_data import build_training_set

DEMO = Path(__file__).parent.parent / "models" / "classifier" / "demo_train.jsonl"


@pytest.fixture(scope="module")
def demo_set():
    return build_training_set([DEMO])


def test_signals_are_what_they_say():
    x = signal_features(["SEBARKAN!!! Cek di https://bit.ly/xyz sekarang", "berita biasa hari ini"])
    s = dict(zip(SIGNAL_NAMES, x[0], strict=True))
    assert (
        s["call_to_share"] == 1 and s["has_link"] == 1 and s["all_caps_words"] > 0 and s["exclamations"] > 1
    )
    assert dict(zip(SIGNAL_NAMES, x[1], strict=True))["call_to_share"] == 0
    assert build_features(np.zeros((2, 4)), ["a", "b"], ["signals"]).shape == (2, 4 + len(SIGNAL_NAMES))
    with pytest.raises(ValueError, match="kb_scores"):
        build_features(np.zeros((2, 4)), ["a", "b"], ["kb_score"])
    with pytest.raises(ValueError, match="unknown feature"):
        build_features(np.zeros((2, 4)), ["a", "b"], ["sentiment"])


def test_metrics():
    y = np.array([0, 0, 1, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.7, 0.9, 0.8, 0.4])
    m = classification_metrics(y, p, 0.5)
    assert m["per_class"]["hoax"]["recall"] == pytest.approx(0.75)
    assert m["per_class"]["not_hoax"]["precision"] == pytest.approx(0.5)
    assert 0 < m["brier"] < 0.25 and set(m) >= {"macro_f1", "pr_auc_hoax", "pr_auc_not_hoax", "ece"}
    assert expected_calibration_error([1, 0], [1.0, 0.0]) == 0.0
    assert 0.4 < best_threshold(y, p) <= 0.7


def test_fixed_split_is_content_based_and_stable():
    texts = [f"pesan nomor {i}" for i in range(2000)]
    mask = fixed_validation_mask([text_key(t) for t in texts])
    assert 0.17 < mask.mean() < 0.23
    assert text_key("  Pesan   NOMOR 5 ") == text_key("pesan nomor 5")
    assert FIXED_SPLIT_ID.startswith("content-sha1")


def test_train_save_load_round_trip_gives_identical_probabilities(use_encoder, demo_set, tmp_path):
    model = train_version(demo_set, TrainOptions(), encoder=use_encoder, trained_by="tes")
    texts = ["SEBARKAN! Bansos Rp 5 juta cair lewat link ini", "Jadwal posyandu besok pagi di balai desa"]
    p = model.hoax_probability(texts)
    assert p[0] > p[1]
    proba = model.predict_proba(texts)
    assert proba.shape == (2, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert model.predict(texts).tolist() == (p >= model.threshold).astype(int).tolist()
    folder = model.save_pretrained(tmp_path / "m")
    assert {"config.json", "head.joblib", "card.json", "README.md"} <= {f.name for f in folder.iterdir()}
    loaded = HoaxClassifier.from_pretrained(folder, encoder=use_encoder)
    assert np.array_equal(loaded.hoax_probability(texts), p)
    assert np.array_equal(load_classifier(folder, encoder=use_encoder).hoax_probability(texts), p)
    card = json.loads((folder / "card.json").read_text())
    assert card["validation_split"]["id"] == FIXED_SPLIT_ID and card["validation_split"]["n"] > 10
    assert set(card["metrics"]["fixed_validation"]) == {"model", "tfidf_logreg"}
    assert card["thresholds"]["decision_threshold"] == model.threshold
    assert card["training_data"]["files"][0]["sha256"] and card["created_at"]
    assert "## Metrics" in (folder / "README.md").read_text()


def test_training_is_seeded(use_encoder, demo_set):
    texts = list(demo_set.dataset["text"][:20])
    a = train_version(demo_set, TrainOptions(head="mlp", seed=3), encoder=use_encoder).hoax_probability(texts)
    b = train_version(demo_set, TrainOptions(head="mlp", seed=3), encoder=use_encoder).hoax_probability(texts)
    assert np.array_equal(a, b)


def test_signals_feature_group_and_vectors_reuse(use_encoder, demo_set):
    model = HoaxClassifier.fit(demo_set.texts, demo_set.labels, encoder=use_encoder)
    texts = demo_set.texts[:5]
    vectors = use_encoder.encode(texts, kind="query")
    assert np.allclose(
        model.hoax_probability(texts, vectors=vectors), model.hoax_probability(texts), atol=1e-5
    )
    options = TrainOptions(features=("signals",), calibration="isotonic")
    with_signals = train_version(demo_set, options, encoder=use_encoder)
    assert with_signals.config.features == ["signals"]
    assert np.all((with_signals.hoax_probability(texts) >= 0) & (with_signals.hoax_probability(texts) <= 1))


class CountingEncoder:
    """Wraps an encoder and counts the texts it really encodes."""

    def __init__(self, inner):
        self.inner, self.model_id, self.dim, self.seen = inner, inner.model_id, inner.dim, 0

    def encode(self, texts, *, kind="query", batch_size=32, show_progress=False):
        self.seen += len(texts)
        return self.inner.encode(texts, kind=kind, batch_size=batch_size)


def test_embedding_cache_encodes_each_text_once(use_encoder, tmp_path):
    enc = CountingEncoder(use_encoder)
    first = cached_encode(enc, ["satu", "dua", "satu"], root=tmp_path)
    assert enc.seen == 2
    second = cached_encode(enc, ["dua", "tiga"], root=tmp_path)
    assert enc.seen == 3 and np.array_equal(second[0], first[1])
    assert len(list((tmp_path).rglob("shard-*.npz"))) == 2


def test_demo_model_trains_registers_and_activates(use_encoder, db_url):
    from models.classifier.demo import train_demo_model
    from models.registry import ModelRegistry

    model, info = train_demo_model(encoder=use_encoder, db_url=db_url)
    assert info.is_active and ModelRegistry(db_url=db_url).active().version == info.version
    assert model.card.training_data["examples"] == 222
    assert "time_disjoint_check" in model.card.metrics


def test_lexical_channel_is_fused_saved_and_reloaded(use_encoder, demo_set, tmp_path):
    model = train_version(demo_set, TrainOptions(features=("lexical",)), encoder=use_encoder)
    assert model.lexical is not None and set(model.card.head["fusion_weights"]) == {"embedding", "lexical"}
    texts = demo_set.texts[:6]
    p = model.hoax_probability(texts)
    loaded = HoaxClassifier.from_pretrained(model.save_pretrained(tmp_path / "lex"), encoder=use_encoder)
    assert (tmp_path / "lex" / "lexical.joblib").exists()
    assert np.array_equal(loaded.hoax_probability(texts), p)
    with pytest.raises(ValueError, match="sigmoid"):
        options = TrainOptions(features=("lexical",), calibration="isotonic")
        train_version(demo_set, options, encoder=use_encoder)
