"""KB index: views, BM25, FAISS store, incremental updates, model checks, persistence."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from matching_helpers import CountingEncoder, sample_factchecks

from factcheck_kb.dense import DenseStore, item_of, view_ids
from factcheck_kb.index import IndexModelMismatch, KBIndex, build_or_update
from factcheck_kb.lexical import BM25Index
from factcheck_kb.tokens import IndonesianAnalyzer, is_url_only, url_words, word_count
from factcheck_kb.views import ViewScheme, chunk_text, item_views, lexical_text

# ------------------------------------------------------------------ views and tokens


def test_views_exclude_the_claim_for_the_benchmark_and_include_it_for_the_product():
    fc = sample_factchecks()[0]
    bench = ViewScheme(include_claim=False)
    product = ViewScheme()
    claim_marker = "sebelum kuota habis"
    assert not any(claim_marker in v for v in item_views(fc, bench))
    assert claim_marker not in lexical_text(fc, bench)
    assert any(claim_marker in v for v in item_views(fc, product))
    assert item_views(fc, bench)[0] == fc.title
    single = item_views(fc, ViewScheme(name="single", include_claim=False))
    assert len(single) == 1 and fc.title in single[0] and claim_marker not in single[0]


def test_chunks_are_sentence_aligned_and_bounded():
    text = " ".join(f"Kalimat nomor {i} berisi beberapa kata tambahan." for i in range(40))
    chunks = chunk_text(text, max_words=30, max_chunks=3)
    assert len(chunks) == 3
    assert all(len(c.split()) <= 30 for c in chunks)
    assert all(c.endswith(".") for c in chunks)
    assert chunk_text(text, 30, 0) == []


def test_analyzer_modes_stop_words_and_urls():
    stem = IndonesianAnalyzer(mode="stem")
    assert stem("Pemerintah menyalurkan bantuan") == ["perintah", "salur", "bantu"]
    both = IndonesianAnalyzer(mode="both")
    tokens = both("menyalurkan bantuan yang")
    assert "salur" in tokens and "=menyalurkan" in tokens and "yang" not in tokens and "=yang" not in tokens
    assert IndonesianAnalyzer(mode="surface")("Membagikan") == ["membagikan"]
    assert is_url_only("  https://bantuan-desa.xyz/daftar-blt ")
    assert not is_url_only("daftar di https://bantuan-desa.xyz")
    assert "daftar blt" in url_words("https://bantuan-desa.xyz/daftar-blt")
    assert word_count("cek https://a.example/x ini dulu") == 3


# ------------------------------------------------------------------ BM25


def test_bm25_ranks_adds_removes_and_round_trips(tmp_path):
    analyzer = IndonesianAnalyzer()
    docs = {
        1: "vaksin campak berisi chip pelacak",
        2: "harga elpiji tiga kilogram naik",
        3: "tsunami di pantai gedambaan",
    }
    bm = BM25Index()
    bm.add(list(docs), [analyzer(t) for t in docs.values()])
    ids, raw, norm = bm.search([analyzer("chip di vaksin campak")], k=2)
    assert ids[0, 0] == 1 and raw[0, 0] > 0 and 0 < norm[0, 0] <= 1
    assert ids[0, 1] == -1  # nothing else shares a word
    bm.remove([1])
    assert 1 not in set(bm.ids.tolist())
    bm.add([4], [analyzer("chip vaksin campak versi baru")])
    bm.save(tmp_path / "lex")
    again = BM25Index.load(tmp_path / "lex")
    a = again.search([analyzer("vaksin campak chip")], k=3)
    b = bm.search([analyzer("vaksin campak chip")], k=3)
    assert a[0][0, 0] == 4
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6)


def test_bm25_self_score_normalisation_reaches_one_for_the_same_text():
    analyzer = IndonesianAnalyzer()
    bm = BM25Index()
    texts = ["listrik padam total tiga hari", "gas elpiji naik", "banjir di kotabaru"]
    bm.add([0, 1, 2], [analyzer(t) for t in texts])
    _, _, norm = bm.search([analyzer(texts[0])], k=1)
    assert norm[0, 0] == pytest.approx(1.0, abs=0.02)


# ------------------------------------------------------------------ FAISS store


def _unit(rng, n, d):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_dense_store_switches_to_ivf_past_the_threshold_and_keeps_ids(tmp_path):
    rng = np.random.default_rng(1)
    centres = _unit(rng, 20, 32)
    vectors = centres[rng.integers(0, 20, 600)] + 0.05 * rng.normal(size=(600, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.concatenate([view_ids(i, 3) for i in range(200)])
    store = DenseStore(32, ann_threshold=500)
    store.add(ids[:400], vectors[:400])
    assert store.maybe_convert() is False and store.kind == "flat"
    store.add(ids[400:], vectors[400:])
    assert store.maybe_convert() is True and store.kind == "ivf"
    scores, found = store.search(vectors[:5], 1)
    np.testing.assert_array_equal(found[:, 0], ids[:5])
    assert store.remove(view_ids(0, 3)) == 3
    _, found = store.search(vectors[:1], 3)
    assert 0 not in set(item_of(found[0]).tolist())
    store.save(tmp_path / "d.faiss")
    again = DenseStore.load(tmp_path / "d.faiss", 32, ann_threshold=500)
    assert again.kind == "ivf" and again.ntotal == 597
    np.testing.assert_allclose(again.reconstruct(ids[10:11])[0], vectors[10], atol=1e-6)


# ------------------------------------------------------------------ KBIndex


def test_build_then_incremental_update_embeds_only_changed_items(tmp_path, use_encoder):
    enc = CountingEncoder(use_encoder)
    items = sample_factchecks()
    folder = tmp_path / "index"
    first = build_or_update(folder, items, enc)
    assert (first.added, first.updated, first.removed, first.unchanged) == (6, 0, 0, 0)
    total_views = first.vectors_embedded
    assert enc.texts_encoded == total_views > 6

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model_id"] == use_encoder.model_id and manifest["dim"] == use_encoder.dim
    assert manifest["item_count"] == 6 and manifest["vector_count"] == total_views
    assert manifest["dense"]["type"] == "flat" and manifest["thresholds"] and manifest["fusion"]
    for name in ("dense.faiss", "items.json", "lexical/bm25_counts.npz", "stems.json"):
        assert (folder / name).is_file(), name

    enc.reset()
    same = build_or_update(folder, items, enc)
    assert (same.added, same.updated, same.unchanged) == (0, 0, 6) and enc.texts_encoded == 0

    changed = replace(items[2], conclusion=items[2].conclusion + " Sumber: Dinas Kesehatan.")
    new_item = replace(
        items[0],
        kb_id="t-kb-99",
        title="Hoaks Beras Plastik di Pasar Kotabaru",
        explanation="Disperindag menguji sampel beras; tidak ditemukan plastik.",
        conclusion="",
    )
    enc.reset()
    stats = build_or_update(folder, [*items[:2], changed, *items[3:5], new_item], enc)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (1, 1, 1, 4)
    expected = len(item_views(changed, ViewScheme())) + len(item_views(new_item, ViewScheme()))
    assert enc.texts_encoded == expected == stats.vectors_embedded

    index = KBIndex.open(folder, use_encoder)
    assert set(index.items) == {"t-kb-01", "t-kb-02", "t-kb-03", "t-kb-04", "t-kb-05", "t-kb-99"}
    assert index.dense.ntotal == sum(e.n_views for e in index.items.values())
    assert len(index.lexical) == 6
    assert index.items["t-kb-03"].content_hash == changed.content_hash()


def test_partial_update_keeps_other_items(tmp_path, use_encoder):
    items = sample_factchecks()
    folder = tmp_path / "index"
    build_or_update(folder, items[:3], use_encoder)
    stats = build_or_update(folder, items[3:4], use_encoder, remove_missing=False)
    assert (stats.added, stats.removed) == (1, 0)
    assert len(KBIndex.open(folder, use_encoder)) == 4


def test_open_refuses_another_model(tmp_path, use_encoder):
    from models.encoder import load_encoder

    folder = tmp_path / "index"
    build_or_update(folder, sample_factchecks()[:2], use_encoder)
    other = load_encoder("use-multilingual", model_id="some-other-model")
    with pytest.raises(IndexModelMismatch, match="some-other-model"):
        KBIndex.open(folder, other)
    with pytest.raises(IndexModelMismatch):
        build_or_update(folder, sample_factchecks()[:2], other)
    # a full rebuild for the new model is allowed and replaces the old index
    stats = build_or_update(folder, sample_factchecks()[:2], other, rebuild=True)
    assert stats.added == 2
    assert KBIndex.open(folder, other).manifest.model_id == "some-other-model"


def test_open_without_index_is_a_clear_error(tmp_path):
    from factcheck_kb.index import IndexError_

    with pytest.raises(IndexError_, match="no KB index"):
        KBIndex.open(tmp_path / "nothing")


def test_progress_callback_reports_every_view_and_timings_are_sane(tmp_path, use_encoder):
    seen: list[tuple[int, int]] = []
    stats = build_or_update(
        tmp_path / "index",
        sample_factchecks()[:3],
        use_encoder,
        on_embedded=lambda done, total: seen.append((done, total)),
    )
    assert seen[0] == (0, stats.vectors_embedded) and seen[-1] == (stats.vectors_embedded,) * 2
    assert 0 < stats.embed_seconds <= stats.seconds < 600
