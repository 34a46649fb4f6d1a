"""Match judge: absolute evidence, the verifier and stance heads, probability bands, save/load, versions."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck_kb.evidence import (
    FEATURES,
    ClaimWords,
    claim_denials,
    content_stems,
    denied_words,
    pair_evidence,
)
from factcheck_kb.tokens import IndonesianAnalyzer
from models.judge import JudgeRegistry, default_judge
from models.judge.model import JudgeConfig, LinearHead, MatchJudge
from models.judge.stance_cues import CUE_FEATURES, cue_counts, refute_cues
from models.judge.train import (
    PairSet,
    StanceSet,
    fit_judge,
    lowest_threshold_for_precision,
    reliability,
)

ANALYZER = IndonesianAnalyzer(mode="both")
FACT_CHECK = "[HOAKS] Pemkab Kotabaru membagikan BLT Rp 3 juta lewat tautan pendaftaran bantuan-desa"


class _Terms:
    """Term statistics of a tiny KB where every term is common (none rare)."""

    def idf(self, term: str) -> float:
        return 1.0

    def is_rare(self, term: str) -> bool:
        return False


def _stems(text: str) -> frozenset[str]:
    return content_stems(ANALYZER(text))


def test_appending_unrelated_words_never_raises_the_evidence():
    doc = _stems(FACT_CHECK)
    title = _stems(FACT_CHECK)
    post = "Pemkab Kotabaru bagi BLT 3 juta lewat tautan bantuan desa"
    base = pair_evidence(_stems(post), doc, title, 0.9, terms=_Terms())
    longer = pair_evidence(
        _stems(post + " kucing oren hilang di pasar ikan dekat masjid"), doc, title, 0.9, terms=_Terms()
    )
    assert longer.coverage_post < base.coverage_post
    assert longer.idf_coverage_post < base.idf_coverage_post
    assert longer.coverage_title == base.coverage_title
    assert longer.shared_terms == base.shared_terms


def test_two_shared_words_of_eight_are_a_quarter_not_a_full_match():
    doc = _stems("[HOAKS] Jam malam diberlakukan di seluruh Kotabaru mulai pukul 21.00")
    post = _stems("bulan malam ini bagus bgt, langit kotabaru bersih sekali jalan jalan")
    ev = pair_evidence(post, doc, doc, 0.89)
    assert ev.shared_terms == 2
    assert ev.coverage_post < 0.4
    assert len(ev.vector()) == len(FEATURES)


def test_numbers_that_differ_count_as_conflict():
    doc = _stems("BLT Rp 600 ribu cair tanggal 15")
    ev = pair_evidence(_stems("BLT 900 ribu cair tanggal 15"), doc, doc, None)
    assert ev.numbers_shared == 1 and ev.numbers_conflict == 1
    assert ev.vector()[FEATURES.index("dense_missing")] == 1.0


def test_stance_cues_read_debunks_and_insistence():
    refute, spread, *_ = cue_counts(
        "Info BLT lewat link itu HOAKS ya, sudah diklarifikasi Dinsos, jangan disebar"
    )
    assert refute >= 2 and spread == 0
    refute, spread, *_ = cue_counts("Ini bukan hoaks!! sebarkan ke grup keluarga")
    assert refute == 0 and spread >= 2
    assert refute_cues("itu tidak benar, faktanya aman") == ["tidak benar", "faktanya"]


def test_denying_the_event_reads_as_a_debunk_and_a_complaint_does_not():
    # no debunk word: the post denies the event ("tidak ada pemadaman") and puts the facts in its place
    passed_on = "kata PLN tidak ada pemadaman total 3 hari. Yg ada cuma pemeliharaan jaringan beberapa jam"
    assert refute_cues(passed_on) == ["tidak ada pemadaman", "Yg ada cuma"]
    assert cue_counts("belum ada kenaikan harga BBM, tetap Rp10 ribu")[0] == 1.0
    # a complaint about what the authorities failed to do is no denial of the claim
    assert cue_counts("tidak ada pemberitahuan sama sekali, listrik padam 3 hari!!")[0] == 0.0
    assert cue_counts("Mulai besok ada pemadaman total 3 hari, sebarkan")[0] == 0.0
    judge = default_judge()
    assert judge.stance_label(judge.p_spreads([passed_on])[0]) == "refutes"


def test_a_headline_that_asks_and_answers_is_no_doubt():
    asked = cue_counts("benarkah vaksin MMR sebabkan autisme??")
    answered = cue_counts("Benarkah Vaksin MMR Sebabkan Autisme? Ini Penjelasan Dokter")
    question = CUE_FEATURES.index("question_cues")
    assert asked[question] == 1.0 and asked[0] == 0.0
    assert answered[question] == 0.0 and answered[0] == 1.0


def test_a_post_that_denies_a_word_of_the_claim_is_read_against_that_fact_check():
    analyzer = IndonesianAnalyzer()
    claim = ClaimWords.of("Jambu Kristal Putih Dapat Menangkal Covid-19", analyzer)
    assert claim_denials(
        denied_words("Pakar UGM: Jambu Kristal Tak Bisa Tangkal Covid-19", analyzer), claim
    ) == ["tangkal"]
    assert claim_denials(denied_words("Jambu kristal bisa menangkal covid, sebarkan", analyzer), claim) == []
    # the title denies it too: the post repeats the claim, it does not deny it
    halal = ClaimWords.of("Vaksin Covid Tidak Halal", analyzer)
    assert claim_denials(denied_words("Vaksin itu tidak halal!! jangan mau", analyzer), halal) == []
    # a threat under a condition denies nothing: "kalau nggak bayar namanya dicoret"
    pkh = ClaimWords.of("Pencairan PKH Wajib Bayar Rp150 Ribu ke Pendamping", analyzer)
    assert (
        claim_denials(denied_words("harus setor 150rb, kalau nggak bayar namanya dicoret", analyzer), pkh)
        == []
    )
    judge = default_judge()
    assert judge.reads_pairs
    text = "Jambu Kristal Kaya Gizi, Tidak Bisa Tangkal Covid-19"
    denied = judge.p_spreads([text, text], pair=judge.stance_pair([["tangkal"], []]))
    assert denied[0] < denied[1]


def test_a_verdict_tag_and_a_checkers_wording_read_as_debunks():
    # "[SALAH] … Share Video …": the tag opens a debunk whose title quotes a spreading word
    tagged = cue_counts("[SALAH] Jokowi Bagi Hadiah Rp500jt dengan Syarat Share Video ke 30 Teman")
    assert tagged[CUE_FEATURES.index("verdict_tag")] == 1.0
    assert cue_counts("Jokowi bagi hadiah, share video ini")[CUE_FEATURES.index("verdict_tag")] == 0.0
    refute, *_ = cue_counts("Unggahan berisi tautan itu merupakan konten tiruan (impostor content).")
    assert refute >= 2
    # "jangan asal share" urges not to spread: a debunk cue, not a spreading one
    refute, spread, *_ = cue_counts("Info bendungan jebol itu hoaks ya. Jangan panik & jangan asal share.")
    assert refute >= 2 and spread == 0
    judge = default_judge()
    p = judge.p_spreads(["[PENIPUAN] Kimia Farma Bagikan Hadiah Natal Uang Jutaan Rupiah"])
    assert judge.stance_label(p[0]) == "refutes"


def test_default_judge_is_fitted_for_e5_and_reads_stance():
    judge = default_judge()
    assert judge.config.encoder == "multilingual-e5-small"
    assert 0.5 < judge.thresholds.auto <= 1.0 and 0 < judge.thresholds.suggest < judge.thresholds.auto
    p = judge.p_spreads(
        [
            "Bunda2, info vaksin MR bikin mandul itu HOAKS. Dinkes sudah jelaskan vaksinnya aman",
            "SEBARKAN!! vaksin MR bikin mandul, info dari grup sebelah",
        ]
    )
    assert judge.stance_label(p[0]) == "refutes"
    assert judge.stance_label(p[1]) == "spreads"
    assert (judge.card.metrics or {}).get("test"), "the default's card carries its test numbers"


def test_bands_are_probabilities_and_short_posts_never_auto():
    judge = default_judge()
    t = judge.thresholds
    assert judge.band(0.999, 0.999, words=12) == "auto"
    assert judge.band(0.999, 0.999, words=4) == "suggest"
    assert judge.band(0.999, 0.999, words=12, url_only=True) == "suggest"
    # the same claim, refuted: linked for the TRC, never an auto-link of a spreading hoax
    assert judge.band(0.999, 0.05, words=12) == "suggest"
    assert judge.band(t.suggest / 2, 1.0, words=12) == "none"


def test_save_and_load_round_trip(tmp_path):
    judge = default_judge()
    judge.save_pretrained(tmp_path / "j")
    again = MatchJudge.from_pretrained(tmp_path / "j")
    x = np.random.default_rng(0).random((5, len(FEATURES)))
    assert np.allclose(judge.verify(x), again.verify(x))
    assert again.thresholds == judge.thresholds
    assert (tmp_path / "j" / "README.md").read_text().startswith("# Model card")


def test_a_verifier_with_other_features_is_refused():
    head = default_judge().config.verifier
    broken = LinearHead(head.features[:-1], head.mean[:-1], head.scale[:-1], head.coef[:-1], head.intercept)
    with pytest.raises(ValueError, match="features"):
        MatchJudge(JudgeConfig(broken, default_judge().config.stance))


def _synthetic_pairs(rng, n_queries: int) -> PairSet:
    rows, labels, groups, ranks = [], [], [], []
    for g in range(n_queries):
        for rank in range(5):
            right = rank == 0 and rng.random() < 0.8
            base = 0.9 if right else 0.3
            x = np.clip(base + rng.normal(0, 0.15, len(FEATURES)), 0, None)
            rows.append(x)
            labels.append(int(right))
            groups.append(g)
            ranks.append(rank)
    texts = [f"klaim nomor {g} sebarkan" for g in range(n_queries)]
    return PairSet(np.array(rows), np.array(labels), np.array(groups), np.array(ranks), texts)


def test_fit_judge_fits_thresholds_on_held_out_pairs():
    rng = np.random.default_rng(1)
    stance_texts = [
        "itu hoaks, sudah diklarifikasi",
        "sebarkan info ini!!",
        "faktanya tidak benar",
        "viralkan!!",
    ]
    stance = StanceSet(stance_texts * 20, np.array([0, 1, 0, 1] * 20))
    judge, metrics = fit_judge(
        _synthetic_pairs(rng, 300),
        _synthetic_pairs(rng, 200),
        stance,
        stance,
        encoder_id="multilingual-e5-small",
    )
    held = metrics["verifier_held_out"]
    assert held["auc"] > 0.9
    assert held["reliability"]["ece"] < 0.1
    assert judge.thresholds.auto <= 1.0
    assert metrics["stance_held_out"]["refutes_precision"] == 1.0


def test_threshold_for_precision_and_reliability():
    scores = np.array([0.99, 0.98, 0.97, 0.5, 0.4] * 10)
    labels = np.array([1, 1, 1, 0, 0] * 10)
    assert lowest_threshold_for_precision(scores, labels, 0.98) == pytest.approx(0.97)
    assert reliability([0.9, 0.9, 0.1, 0.1], [1, 1, 0, 0])["ece"] == pytest.approx(0.1)


def test_versions_register_promote_and_roll_back(tmp_path):
    registry = JudgeRegistry(tmp_path / "judges")
    assert registry.active_version() is None
    v1 = registry.register(default_judge(), actor="analis", reason="test")
    assert v1.version == "v1" and not v1.active
    registry.promote("v1", actor="analis", reason="as good")
    assert registry.active_version() == "v1"
    assert registry.load().version == "v1"
    assert registry.rollback(actor="analis") is None
    assert registry.active_version() is None
    assert [e["action"] for e in registry.events()] == ["register", "promote", "rollback"]


def test_a_promotion_reaches_the_matcher_without_a_restart():
    from models.judge import judge_for

    assert judge_for("multilingual-e5-small").version == "default"
    assert judge_for("use-multilingual") is None  # fitted on E5 cosines: score bands for another encoder
    registry = JudgeRegistry()
    registry.register(default_judge(), actor="analis")
    registry.promote("v1", actor="analis")
    assert judge_for("multilingual-e5-small").version == "v1"
    registry.rollback(actor="analis")
    assert judge_for("multilingual-e5-small").version == "default"


def test_a_posts_term_stats_computed_once_give_the_same_evidence():
    from factcheck_kb.evidence import post_term_stats

    post = _stems("Pemkab Kotabaru bagi BLT 3 juta lewat tautan bantuan desa")
    doc = _stems(FACT_CHECK)
    once = post_term_stats(post, _Terms())
    assert pair_evidence(post, doc, doc, 0.9, terms=once) == pair_evidence(
        post, doc, doc, 0.9, terms=_Terms()
    )
