"""Matcher: ranking, batching, query modes (short, URL-only), fusion, query cleaning, pair scores."""

from __future__ import annotations

import numpy as np
import pytest
from matching_helpers import POSTS, CountingEncoder, sample_factchecks

from factcheck_kb.fusion import FusionConfig, default_fusion, fuse, normalise_dense, rrf_scores
from factcheck_kb.index import KBIndex, build_or_update
from factcheck_kb.matcher import Matcher, MatchResult
from factcheck_kb.query_clean import clean_query, dense_query_text


@pytest.fixture(scope="module")
def built(tmp_path_factory, use_encoder):
    folder = tmp_path_factory.mktemp("match") / "index"
    build_or_update(folder, sample_factchecks(), use_encoder)
    return folder


@pytest.fixture
def matcher(built, use_encoder):
    return Matcher(KBIndex.open(built, use_encoder), use_encoder)


def test_each_paraphrase_finds_its_fact_check_first(matcher):
    results = matcher.match(list(POSTS.values()), top_k=3)
    assert [r[0].kb_id for r in results] == list(POSTS)
    for row in results:
        assert [m.rank for m in row] == [1, 2, 3]
        assert all(isinstance(m, MatchResult) for m in row)
        assert row[0].score >= row[1].score >= row[2].score
        assert row[0].dense_score is not None and row[0].lexical_score is not None
        assert row[0].band in ("auto", "suggest", "none")


def test_all_queries_are_encoded_in_one_call(built, use_encoder):
    counting = CountingEncoder(use_encoder)
    m = Matcher(KBIndex.open(built, use_encoder), counting)
    texts = [*POSTS.values(), "elpiji", "https://bantuan-desa.xyz/daftar-blt"]
    m.match(texts, top_k=2)
    assert counting.calls == [("query", len(POSTS))]  # short and URL-only texts are not encoded


def test_short_queries_are_lexical_only_and_never_auto(matcher):
    [row] = matcher.match(["elpiji 3 kg"], top_k=2)
    assert row[0].kb_id == "t-kb-06"
    assert row[0].dense_score is None and row[0].lexical_score is not None
    assert row[0].score == row[0].lexical_score
    assert row[0].band != "auto"


def test_url_only_posts_skip_dense_search_and_never_auto(matcher):
    [row] = matcher.match(["https://bantuan-desa.xyz/daftar-blt"], top_k=2)
    assert row and row[0].kb_id == "t-kb-01"
    assert row[0].dense_score is None
    assert all(m.band != "auto" for m in row)


def test_unrelated_post_gets_no_auto_link(matcher):
    [row] = matcher.match(["Jadwal senam sehat bersama di lapangan kantor bupati hari Minggu pagi"], top_k=3)
    assert all(m.band != "auto" for m in row)


def test_empty_and_unknown_texts_return_lists(matcher):
    out = matcher.match(["", "zzzz qqqq xxxx yyyy wwww vvvv"], top_k=3)
    assert len(out) == 2 and out[0] == []


def test_score_pairs_agree_with_match(matcher):
    text = POSTS["t-kb-03"]
    [row] = matcher.match([text], top_k=1)
    [pair] = matcher.score_pairs([text], ["t-kb-03"])
    assert pair.dense == pytest.approx(row[0].dense_score, abs=1e-4)
    assert pair.lexical == pytest.approx(row[0].lexical_score, abs=1e-4)
    assert pair.fused == pytest.approx(row[0].score, abs=1e-4)
    [missing] = matcher.score_pairs([text], ["no-such-item"])
    assert missing.dense == 0.0 and missing.lexical == 0.0


def test_rrf_fusion_is_available(built, use_encoder):
    m = Matcher(KBIndex.open(built, use_encoder), use_encoder, fusion=FusionConfig(method="rrf"))
    results = m.match(list(POSTS.values())[:3], top_k=2)
    assert [r[0].kb_id for r in results] == list(POSTS)[:3]


# ------------------------------------------------------------------ fusion arithmetic


def test_weighted_fusion_maps_cosines_per_model():
    e5, use = default_fusion("multilingual-e5-small"), default_fusion("use-multilingual")
    assert e5 != use and e5.w_dense > use.w_dense  # fitted per model family on real pairs
    assert default_fusion("some/other-model") == FusionConfig()
    np.testing.assert_allclose(normalise_dense(np.array([0.7, 0.85, 1.0]), 0.7), [0.0, 0.5, 1.0], atol=1e-6)
    cfg = FusionConfig(w_dense=0.5, w_lexical=0.5, dense_floor=0.5)
    fused = fuse(np.array([1.0, 0.5]), np.array([0.0, 1.0]), cfg)
    np.testing.assert_allclose(fused, [0.5, 0.5], atol=1e-6)
    with pytest.raises(ValueError):
        FusionConfig(method="max")


def test_rrf_rewards_agreement():
    cfg = FusionConfig(method="rrf", rrf_k=60)
    scores = rrf_scores(np.array([0.9, 0.8, 0.1]), np.array([0.8, 0.1, 0.9]), cfg)
    assert scores[0] > scores[1] and scores[0] > scores[2]


# ------------------------------------------------------------------ query cleaning


def test_clean_query_strips_fact_checkers_framing():
    framed = (
        "Akun Facebook “Budi Santoso” pada Jumat (12/9/2025) membagikan video [ arsip ] dengan narasi: "
        "“PLN AKAN PADAMKAN LISTRIK TOTAL TIGA HARI DI KALSEL” Per Rabu (17/9/2025) konten tersebut telah "
        "mendapat lebih dari 2.600 tanda suka dan dibagikan 300 kali."
    )
    cleaned = clean_query(framed)
    assert "PLN AKAN PADAMKAN LISTRIK TOTAL TIGA HARI DI KALSEL" in cleaned
    for gone in ("Budi Santoso", "arsip", "12/9/2025", "tanda suka", "Akun Facebook", "narasi"):
        assert gone not in cleaned, gone


def test_clean_query_leaves_plain_posts_alone():
    post = "Besok listrik padam total 3 hari se-Kalsel, siapkan lilin!!"
    assert clean_query(post) == post.strip(" ,.:;-")
    long_post = " ".join(["kata"] * 300)
    assert len(dense_query_text(long_post).split()) == 96


@pytest.mark.slow
def test_e5_index_matches_paraphrases_and_refuses_the_use_encoder(tmp_path, e5_encoder, use_encoder):
    from factcheck_kb.index import IndexModelMismatch

    folder = tmp_path / "e5-index"
    build_or_update(folder, sample_factchecks(), e5_encoder)
    index = KBIndex.open(folder, e5_encoder)
    assert index.manifest.dim == 384 and index.thresholds.auto_dense > 0.85  # E5's own defaults
    results = Matcher(index, e5_encoder).match(list(POSTS.values()), top_k=2)
    assert [r[0].kb_id for r in results] == list(POSTS)
    assert all(0.75 <= r[0].dense_score <= 1.0 for r in results)  # E5 cosines sit high
    with pytest.raises(IndexModelMismatch, match="512"):
        KBIndex.open(folder, use_encoder)


def test_alay_spelling_is_read_as_words():
    from factcheck_kb.tokens import IndonesianAnalyzer, deleet_text

    assert deleet_text("PR4BOWO B3RS1HKAN Yan9 4nak") == "PRABOWO BERSIHKAN Yang anak"
    assert deleet_text("covid19 g20 2025 Rp50 50rb bata123") == "covid19 g20 2025 Rp50 50rb bata123"
    assert IndonesianAnalyzer(mode="surface")("V4KSIN c4mpak") == ["vaksin", "campak"]
