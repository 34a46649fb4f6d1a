"""Exact and near-duplicate clustering, persistence, and spread timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipelines.dedup import (
    THRESHOLD,
    DedupIndex,
    assign_clusters,
    content_hash,
    jaccard,
    shingles,
    spread_timeline,
)
from pipelines.normalise import normalise_text

PAIRS = Path(__file__).parent / "samples" / "dedup" / "pairs.tsv"
NO_SLANG: dict[str, str] = {}


def _pairs() -> list[tuple[bool, str, str]]:
    rows = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        same, a, b = line.split("\t")
        rows.append((same == "1", normalise_text(a, slang=NO_SLANG), normalise_text(b, slang=NO_SLANG)))
    return rows


def test_threshold_separates_the_sample_pairs():
    rows = _pairs()
    assert len(rows) >= 20
    for same, a, b in rows:
        similarity = jaccard(shingles(a), shingles(b))
        assert (similarity >= THRESHOLD) == same, (round(similarity, 3), a, b)


def test_each_pair_clusters_as_labelled():
    for number, (same, a, b) in enumerate(_pairs()):
        index = DedupIndex()
        first = index.assign(f"{number}-a", a)
        second = index.assign(f"{number}-b", b)
        assert first.is_new_cluster and first.method == "new"
        assert (second.cluster_id == first.cluster_id) == same, (a, b)


def test_exact_near_new_and_known():
    index = DedupIndex()
    base = normalise_text("PENTING!!! Bansos Rp2,5 juta untuk semua warga Kotabaru, daftar sebelum 20 Maret.")
    results, same_index = assign_clusters(
        [
            ("p1", base),
            ("p2", base.upper() + "!!!"),  # same words: exact
            ("p3", "dari grup sebelah: " + base),  # near
            ("p4", "jadwal posyandu balita hari kamis di balai desa"),
        ],
        index,
    )
    assert same_index is index
    assert [r.method for r in results] == ["new", "exact", "near", "new"]
    assert [r.cluster_id for r in results] == ["p1", "p1", "p1", "p4"]
    assert results[1].matched_key == "p1" and results[1].similarity == 1.0
    assert THRESHOLD <= results[2].similarity < 1.0
    again = index.assign("p3", "completely different text now")
    assert again.method == "known" and again.cluster_id == "p1"
    assert index.members("p1") == ["p1", "p2", "p3"]
    assert len(index) == 4 and "p4" in index


def test_url_only_posts_do_not_collapse_together():
    index = DedupIndex()
    first = index.assign("u1", "")
    second = index.assign("u2", "")
    assert first.cluster_id != second.cluster_id
    assert index.assign("u3", "https://bit.ly/abc").method == "new"
    assert index.assign("u4", "https://bit.ly/abc").method == "exact"


def test_persistence_round_trip(tmp_path):
    texts = [normalise_text(a) for _same, a, _b in _pairs()]
    first, index = assign_clusters([(f"k{i}", t) for i, t in enumerate(texts)])
    restored = DedupIndex.from_bytes(index.to_bytes())
    assert restored.clusters() == index.clusters()
    assert restored.threshold == index.threshold
    copy_of_k0 = "dari grup sebelah: " + texts[0]
    later, _ = assign_clusters([("new", copy_of_k0)], restored.to_bytes())
    assert later[0].cluster_id == "k0" and later[0].method == "near"
    path = tmp_path / "state" / "dedup.npz"
    restored.save(path)
    assert DedupIndex.load(path).cluster_of("k3") == index.cluster_of("k3")
    assert len(DedupIndex.load(tmp_path / "missing.npz")) == 0


def test_content_hash_ignores_case_and_punctuation():
    assert content_hash("Info PENTING!!! bansos") == content_hash("info penting, bansos")
    assert content_hash("info penting bansos") != content_hash("info penting sembako")


def test_spread_timeline():
    start = datetime(2025, 3, 14, 8, 5, tzinfo=UTC)
    points = [
        ("facebook", start),
        ("facebook", start + timedelta(minutes=20)),
        ("whatsapp", start + timedelta(hours=2, minutes=1)),
        ("x", start + timedelta(hours=1)),
        ("facebook", start + timedelta(hours=5)),
        ("tiktok", None),
        ("x", datetime(2025, 3, 14, 12, 0)),  # naive: read as UTC
    ]
    timeline = spread_timeline(points)
    assert timeline.total == 7 and timeline.undated == 1
    assert timeline.order == ["facebook", "x", "whatsapp"]
    assert timeline.first_seen == start
    assert timeline.last_seen == start + timedelta(hours=5)
    facebook = timeline.platforms[0]
    assert facebook.count == 3
    assert facebook.buckets == [
        (datetime(2025, 3, 14, 8, 0, tzinfo=UTC), 2),
        (datetime(2025, 3, 14, 13, 0, tzinfo=UTC), 1),
    ]
    assert timeline.hops == [("facebook", "x", timedelta(hours=1)), ("x", "whatsapp", timedelta(minutes=61))]
    data = timeline.to_dict()
    assert data["order"] == ["facebook", "x", "whatsapp"]
    assert data["hops"][0] == {"from": "facebook", "to": "x", "delay_s": 3600.0}
    daily = spread_timeline(points, bucket="day")
    assert daily.platforms[0].buckets == [(datetime(2025, 3, 14, tzinfo=UTC), 3)]
    empty = spread_timeline([])
    assert empty.first_seen is None and empty.platforms == []
