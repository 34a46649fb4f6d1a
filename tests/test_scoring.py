"""Priority, spread, recency, local relevance and the queue rule (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.scoring import (
    WEIGHTS,
    Gazetteer,
    KBInfo,
    MatchRow,
    PostToScore,
    ScoringConfig,
    impact,
    is_known_hoax,
    likelihood,
    local_relevance,
    parse_gazetteer,
    priority,
    recency,
    score_one,
    should_queue,
    spread,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

GAZ_YAML = """
kabupaten:
  name: Kotabaru
  official_name: Kabupaten Kotabaru
  aliases: [Kab. Kotabaru]
  province: Kalimantan Selatan
  province_aliases: [Kalsel]
kecamatan:
  - name: Pulau Laut Utara
    aliases: [PLU]
  - Kelumpang Hilir
places:
  - {name: Sebatung, kind: desa, kecamatan: Pulau Laut Utara}
  - {name: Siring Laut, kind: ruang publik, kecamatan: Pulau Laut Utara}
  - {name: Gedambaan, kind: pantai}
neighbours:
  - {name: Tanah Bumbu, aliases: [Tanbu], places: [Batulicin]}
skpd:
  - {name: Dinas Kesehatan, aliases: [Dinkes], categories: [kesehatan]}
  - {name: Badan Penanggulangan Bencana Daerah, aliases: [BPBD]}
agencies:
  - {name: BMKG, categories: [bencana]}
weights: {skpd: 0.65}
"""


@pytest.fixture
def gazetteer(tmp_path) -> Gazetteer:
    path = tmp_path / "gaz.yaml"
    path.write_text(GAZ_YAML, encoding="utf-8")
    return Gazetteer.from_yaml(path)


def test_gazetteer_finds_places_as_whole_words(gazetteer: Gazetteer) -> None:
    found = gazetteer.mentions("Warga  pulau laut utara dan desa Sebatung diminta waspada, kata BPBD")
    labels = [m.place.label for m in found]
    assert labels == ["Kecamatan Pulau Laut Utara", "Desa Sebatung", "Badan Penanggulangan Bencana Daerah"]
    assert found[1].place.kecamatan == "Pulau Laut Utara"
    # part of a word is not a mention
    assert gazetteer.mentions("PLUS ongkir ke Kotabarunya") == []
    assert [m.place.kind for m in gazetteer.mentions("Kab. Kotabaru")] == ["kabupaten"]
    assert [m.place.label for m in gazetteer.mentions("banjir di Batulicin, Kalsel")] == [
        "Batulicin (daerah tetangga)",
        "Kalimantan Selatan (provinsi)",
    ]
    assert gazetteer.mentions("ramai di siring laut")[0].place.label == "Siring Laut (ruang publik)"


def test_parse_gazetteer_accepts_plain_lists() -> None:
    gaz = parse_gazetteer({"kabupaten": "Tanah Bumbu", "kecamatan": ["Batulicin"], "opd": ["Diskominfo"]})
    assert gaz.kabupaten == "Tanah Bumbu"
    assert {p.kind for p in gaz.places} == {"kabupaten", "kecamatan", "skpd"}


def test_demo_gazetteer_loads() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "pipelines" / "demo_data" / "gazetteer_kotabaru.yaml"
    gaz = Gazetteer.from_yaml(path)
    assert gaz.kabupaten == "Kotabaru" and len(gaz) > 50
    assert gaz.mentions("Warga Pulau Laut Utara")[0].place.kind == "kecamatan"


def test_local_relevance_prefers_specific_places(gazetteer: Gazetteer) -> None:
    assert local_relevance(gazetteer.mentions("tidak ada tempat")) == 0.0
    assert gazetteer.relevance(gazetteer.mentions("kata Dinkes")) == pytest.approx(0.65)  # the YAML's weight
    assert local_relevance(gazetteer.mentions("kata Dinkes di Kotabaru")) == pytest.approx(1.0)
    assert local_relevance(gazetteer.mentions("pantai Gedambaan")) == pytest.approx(0.8)
    assert local_relevance(gazetteer.mentions("Tanbu")) == pytest.approx(0.4)


def test_spread_grows_with_engagement_cluster_and_platforms() -> None:
    quiet = spread({"likes": 0}, 1, 1)
    assert quiet == 0.0
    viral = spread({"likes": 3000, "shares": 800, "comments": 400}, 25, 4)
    assert viral == pytest.approx(1.0)
    assert spread({"likes": 10}, 1, 1) < spread({"likes": 1000}, 1, 1) < spread({"likes": 1000}, 5, 1)
    assert spread({}, 5, 1) < spread({}, 5, 3)


def test_recency_halves_every_half_life() -> None:
    assert recency(NOW, NOW) == pytest.approx(1.0)
    assert recency(NOW - timedelta(hours=48), NOW, 48) == pytest.approx(0.5)
    assert recency(NOW - timedelta(hours=96), NOW, 48) == pytest.approx(0.25)
    assert recency(None, NOW) == 0.5
    assert recency(NOW + timedelta(hours=2), NOW) == pytest.approx(1.0)


def test_priority_is_likelihood_times_impact() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert priority(1.0, 1.0) == pytest.approx(1.0)
    assert priority(1.0, 0.0) == pytest.approx(0.5)  # impact can at most halve the likelihood
    assert priority(0.0, 1.0) == 0.0  # a harmless post stays out, however viral and local
    assert priority(0.8, 0.5) == pytest.approx(0.6)
    assert impact({"spread": 1.0, "recency": 0.0, "local": 0.0}) == pytest.approx(WEIGHTS["spread"])
    assert likelihood(0.6, None) == 0.6 and likelihood(0.3, 0.9) == 0.9


def test_should_queue_rule() -> None:
    assert should_queue(0.9, False, 0.5) and should_queue(0.5, False, 0.5)
    assert not should_queue(0.2, False, 0.5)
    assert should_queue(0.1, True, 0.5)


def test_known_hoax_verdicts() -> None:
    assert is_known_hoax("SALAH") and is_known_hoax(None) and is_known_hoax("hoaks")
    assert not is_known_hoax("BENAR") and not is_known_hoax("bukan_hoaks")


def _post(**kw) -> PostToScore:
    base = dict(post_id=1, text="", platform="facebook", posted_at=NOW - timedelta(hours=3), engagement={})
    base.update(kw)
    return PostToScore(**base)


def test_auto_link_to_known_hoax_is_queued_with_reasons(gazetteer: Gazetteer) -> None:
    text = "Bantuan tunai di Pulau Laut Utara, bagikan!"
    matches = [MatchRow("demo-kb-012", 1, 0.93, "auto", 0.96, 0.7)]
    scored = score_one(
        _post(text=text, cluster_size=5, cluster_platforms=3),
        matches,
        None,
        gazetteer.mentions(text),
        now=NOW,
        config=ScoringConfig(threshold=0.99),
        kb_info={"demo-kb-012": KBInfo(verdict="SALAH", category="penipuan")},
    )
    assert scored.queue  # below this threshold, but auto-linked to a known hoax
    assert scored.components["likelihood"] == 1.0 and scored.priority > 0.5
    assert scored.reasons[0] == "cocok otomatis dengan cek fakta demo-kb-012 (skor 0.93)"
    assert "menyebut Kecamatan Pulau Laut Utara" in scored.reasons
    assert "menyebar: 5 unggahan di 3 platform" in scored.reasons
    assert scored.kecamatan == "Pulau Laut Utara" and scored.category == "penipuan"
    assert scored.hoax_probability is None and scored.components["hoax"] is None


def test_auto_link_to_true_claim_is_not_forced_into_queue() -> None:
    matches = [MatchRow("kb-true", 1, 0.97, "auto", known_hoax=False)]
    scored = score_one(_post(), matches, 0.1, [], now=NOW)
    assert not scored.queue
    assert scored.components["match"] == 0.0
    assert not any("cocok" in r for r in scored.reasons)


def test_unmatched_local_likely_hoax_crosses_threshold(gazetteer: Gazetteer) -> None:
    text = "Dinkes di Sebatung: vaksin mengandung chip"
    likely = score_one(_post(text=text), [], 0.9, gazetteer.mentions(text), now=NOW)
    unlikely = score_one(_post(text=text), [], 0.1, gazetteer.mentions(text), now=NOW)
    far_away = score_one(_post(text="vaksin mengandung chip"), [], 0.9, [], now=NOW)
    assert likely.queue and not unlikely.queue
    assert "probabilitas hoaks 0.90" in likely.reasons
    assert likely.priority > far_away.priority > unlikely.priority


def test_suggestions_are_graded_between_the_band_thresholds() -> None:
    from pipelines.scoring import match_value

    assert match_value("suggest", True, 0.45, (0.45, 0.70)) == pytest.approx(0.3)
    assert match_value("suggest", True, 0.70, (0.45, 0.70)) == pytest.approx(0.8)
    assert match_value("suggest", True, 0.575, (0.45, 0.70)) == pytest.approx(0.55)
    assert match_value("suggest", True, 0.5) == pytest.approx(0.6)  # thresholds unknown
    assert match_value("auto", True, 0.71, (0.45, 0.70)) == 1.0
    assert match_value("suggest", False, 0.69, (0.45, 0.70)) == 0.0


def test_local_viral_harmless_post_is_not_queued(gazetteer: Gazetteer) -> None:
    text = "Festival kuliner di Siring Laut, Kotabaru, ramai sekali malam ini"
    post = _post(text=text, engagement={"likes": 4000, "shares": 900}, cluster_size=12, cluster_platforms=4)
    weak = [MatchRow("demo-kb-070", 1, 0.47, "suggest")]
    config = ScoringConfig(suggest_range=(0.45, 0.70))
    scored = score_one(post, weak, 0.2, gazetteer.mentions(text), now=NOW, config=config)
    assert scored.components["impact"] > 0.8  # it matters here ...
    assert not scored.queue  # ... but nothing says it is a hoax
    likely = score_one(post, weak, 0.8, gazetteer.mentions(text), now=NOW, config=config)
    assert likely.queue and likely.reasons[-1].startswith("prioritas")
