"""ONNX variants: exported vectors match torch; the vector cache never crosses models or variants; `auto`
is measured and recorded in the index manifest; an index refuses a measurably different variant."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from tiny_bert import build_tiny_bert

from models.encoder import load_encoder
from models.encoder.onnx_backend import token_batches
from models.encoder.onnx_export import EXPORT_MANIFEST
from models.encoder.variants import auto_choice, interchangeable, probe_texts

TEXTS = probe_texts()  # 40 self-written Indonesian texts, short posts and fact-check passages


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-onnx"), TEXTS, vocab_size=400, hidden_size=48)


@pytest.fixture(scope="module")
def other_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-other"), TEXTS, vocab_size=400, hidden_size=48)


def test_token_batches_sort_by_length_and_keep_the_budget():
    lengths = [5, 50, 7, 6, 49, 8]
    batches = token_batches(lengths, budget=60, max_rows=4)
    assert sorted(i for b in batches for i in b) == list(range(6))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 60 or len(batch) == 1
    assert batches[0] == [0, 3, 2, 5]  # shortest first, up to max_rows


def test_tiny_bert_exported_vectors_match_torch(tiny_bert: Path):
    torch_enc = load_encoder(str(tiny_bert), backend="torch")
    reference = torch_enc.encode(TEXTS)
    onnx_enc = load_encoder(str(tiny_bert), backend="onnx")
    assert onnx_enc.variant == "onnx" and onnx_enc.dim == torch_enc.dim
    assert _cos(onnx_enc.encode(TEXTS), reference).min() >= 0.99
    int8 = load_encoder(str(tiny_bert), backend="onnx-int8")
    assert int8.variant == "onnx-int8"
    assert _cos(int8.encode(TEXTS), reference).mean() >= 0.9  # random weights: only a sanity check

    manifest = json.loads((onnx_enc.body.folder / EXPORT_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["exporter"]["tool"] == "torch.onnx.export"
    assert manifest["quantisation"]["tool"] == "onnxruntime.quantization.quantize_dynamic"
    assert manifest["versions"]["onnxruntime"] and manifest["source"] == str(tiny_bert.resolve())
    assert set(manifest["measured"]["variants"]) == {"torch", "onnx", "onnx-int8"}


def test_each_distinct_text_is_encoded_once(tiny_bert: Path):
    enc = load_encoder(str(tiny_bert), backend="onnx")
    vectors = enc.encode(["satu", "dua", "satu", "dua", "tiga"])
    assert enc.encoded_texts == 3
    np.testing.assert_array_equal(vectors[0], vectors[2])
    enc.encode(["satu", "empat"])  # across calls: the vector cache
    assert enc.encoded_texts == 4


def test_cache_never_returns_another_models_or_variants_vector(tiny_bert: Path, other_bert: Path):
    texts = TEXTS[:10]
    torch_enc = load_encoder(str(tiny_bert), backend="torch")
    first = torch_enc.encode(texts)
    assert torch_enc.encoded_texts == 10
    again = load_encoder(str(tiny_bert), backend="torch")
    np.testing.assert_array_equal(again.encode(texts), first)
    assert again.encoded_texts == 0  # same model and variant: all from the cache

    for variant in ("onnx", "onnx-int8"):
        enc = load_encoder(str(tiny_bert), backend=variant)
        enc.encode(texts)
        assert enc.encoded_texts == 10, variant  # never the torch vectors
        assert enc.cache.folder != torch_enc.cache.folder
    other = load_encoder(str(other_bert), backend="torch")
    vectors = other.encode(texts)
    assert other.encoded_texts == 10 and not np.allclose(vectors, first)
    # another sequence limit is another identity too
    short = load_encoder(str(tiny_bert), backend="torch", max_seq_length=8)
    short.encode(texts)
    assert short.encoded_texts == 10


def test_cache_bound_drops_the_oldest_shards(tmp_path: Path):
    from models.encoder.vector_cache import VectorCache, text_key

    cache = VectorCache(tmp_path, {"model_id": "m", "variant": "torch", "dim": 4}, max_bytes=2500)
    for n in range(6):
        cache.put([text_key(f"t{n}")], np.ones((1, 4), np.float32))
    sizes = sum(p.stat().st_size for p in tmp_path.rglob("shard-*.npz"))
    assert sizes <= 2500 and len(cache.get([text_key("t5")])) == 1 and not cache.get([text_key("t0")])


def test_auto_chooses_by_recorded_measurement():
    def row(rate: float, mean: float, low: float) -> dict:
        return {"texts_per_s": rate, "cosine_to_torch_mean": mean, "cosine_to_torch_min": low}

    measured = {
        "variants": {
            "torch": row(10, 1, 1),
            "onnx": row(20, 1, 1),
            "onnx-int8": row(40, 0.997, 0.993),
        }
    }
    assert auto_choice(measured)["variant"] == "onnx-int8"
    measured["variants"]["onnx-int8"] = row(60, 0.985, 0.97)  # faster but drifts: not chosen
    assert auto_choice(measured)["variant"] == "onnx"
    assert interchangeable("torch", 1.0, "onnx", 0.9999)
    assert not interchangeable("torch", 1.0, "onnx-int8", 0.993)
    assert interchangeable("sentence-transformers", None, "torch", 1.0)


def test_auto_choice_is_recorded_in_the_index_manifest_and_variants_are_checked(
    tiny_bert: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from factcheck_kb.index import IndexModelMismatch, KBIndex, build_or_update
    from factcheck_kb.records import FactCheck
    from saring.config import reset_settings

    monkeypatch.setenv("SARING_ENCODER_BACKEND", "auto")  # the product default (tests pin torch)
    reset_settings()

    items = [
        FactCheck(kb_id=f"kb{i}", source="demo", title=t, explanation=t, verdict="SALAH")
        for i, t in enumerate(TEXTS[:12])
    ]
    auto = load_encoder(str(tiny_bert), backend="auto")
    folder = tmp_path / "index"
    build_or_update(folder, items, auto)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    record = manifest["encoder"]
    assert record["variant"] == auto.variant and record["choice"]["backend"] == "auto"
    assert record["choice"]["variant"] == auto.variant and "rule" in record["choice"]
    assert set(record["choice"]["measured"]["variants"]) == {"torch", "onnx", "onnx-int8"}

    torch_folder = tmp_path / "torch-index"
    build_or_update(torch_folder, items, load_encoder(str(tiny_bert), backend="torch"))
    onnx = load_encoder(str(tiny_bert), backend="onnx")
    if onnx.choice["measured"]["variants"]["onnx"]["cosine_to_torch_min"] >= 0.999:
        KBIndex.open(torch_folder, onnx)  # fp32 ONNX: the same vectors, accepted
    int8 = load_encoder(str(tiny_bert), backend="onnx-int8")
    if int8.choice["measured"]["variants"]["onnx-int8"]["cosine_to_torch_min"] < 0.999:
        with pytest.raises(IndexModelMismatch, match="variant"):
            KBIndex.open(torch_folder, int8)


@pytest.mark.slow
def test_e5_exported_vectors_match_torch(e5_encoder):
    cache = Path(os.environ["SARING_TEST_MODEL_CACHE"])
    reference = e5_encoder.encode(TEXTS, use_cache=False)
    assert e5_encoder.variant == "torch"
    onnx = load_encoder("multilingual-e5-small", cache_dir=cache, backend="onnx")
    assert _cos(onnx.encode(TEXTS, use_cache=False), reference).min() >= 0.99
    int8 = load_encoder("multilingual-e5-small", cache_dir=cache, backend="onnx-int8")
    cos = _cos(int8.encode(TEXTS, use_cache=False), reference)
    assert cos.mean() >= 0.99 and cos.min() >= 0.98
    assert onnx.body.folder.parent == cache / "onnx"
    assert int8.choice["measured"]["variants"]["onnx-int8"]["cosine_to_torch_mean"] >= 0.99
