"""Idempotent writes: posts, checkpoints in the same transaction, quarantine, matches and queue items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pipelines import store
from pipelines.records import PostRecord, QuarantinedRecord
from pipelines.scoring import MatchRow, ScoredPost
from saring.db import session_scope
from saring.db.tables import KBItem, Match, Post, QueueItem
from saring.db.tables.collection import SourceCheckpoint

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _prepared(external_id: str, text: str, platform: str = "facebook") -> store.PreparedPost:
    record = PostRecord(
        source="demo",
        platform=platform,
        external_id=external_id,
        text=text,
        posted_at=NOW - timedelta(hours=2),
        engagement={"likes": 3, "shares": 1},
    )
    return store.PreparedPost(record, text.lower(), "id", store.content_hash(text))


def _write(db_url: str, posts, quarantined=(), cursor=None) -> store.BatchStats:
    with session_scope(db_url) as session:
        source = store.ensure_source(session, "demo", kind="drop_folder", location="/tmp/x")
        return store.save_batch(session, source, posts, quarantined, cursor)


def _count(db_url: str, table) -> int:
    with session_scope(db_url) as session:
        return session.scalar(select(func.count()).select_from(table))


def test_posts_upsert_is_idempotent_and_updates_changed_text(db_url: str) -> None:
    batch = [_prepared("a", "Bansos cair hari ini"), _prepared("b", "Info lowongan CPNS")]
    first = _write(db_url, batch, cursor={"files": {"x.jsonl": {"line": 2}}})
    assert (first.added, first.unchanged, first.updated) == (2, 0, 0)
    again = _write(db_url, batch, cursor={"files": {"x.jsonl": {"line": 2}}})
    assert (again.added, again.unchanged, again.updated) == (0, 2, 0)
    assert _count(db_url, Post) == 2

    with session_scope(db_url) as session:  # pretend both were scored
        for post in session.scalars(select(Post)):
            post.scored_at = NOW
    changed = _write(db_url, [_prepared("a", "Bansos cair hari ini! (ralat)")])
    assert (changed.added, changed.updated) == (0, 1)
    with session_scope(db_url) as session:
        assert store.unscored_post_ids(session) == [
            session.scalar(select(Post.id).where(Post.external_id == "a"))
        ]


def test_duplicate_ids_within_a_batch_are_stored_once(db_url: str) -> None:
    stats = _write(db_url, [_prepared("a", "satu"), _prepared("a", "satu lagi")])
    assert stats.added == 1 and _count(db_url, Post) == 1


def test_checkpoint_commits_with_the_posts_or_not_at_all(db_url: str) -> None:
    _write(db_url, [_prepared("a", "satu")], cursor={"line": 1})
    with pytest.raises(RuntimeError), session_scope(db_url) as session:
        source = store.ensure_source(session, "demo")
        store.save_batch(session, source, [_prepared("b", "dua")], [], {"line": 2})
        raise RuntimeError("killed before commit")
    with session_scope(db_url) as session:
        assert store.load_cursor(session, "demo") == {"line": 1}
        assert session.scalar(select(func.count()).select_from(Post)) == 1
        checkpoint = session.scalars(select(SourceCheckpoint)).one()
        assert checkpoint.records_read == 1 and checkpoint.posts_added == 1
    # a chunk without a cursor keeps the last one
    _write(db_url, [_prepared("b", "dua")], cursor=None)
    with session_scope(db_url) as session:
        assert store.load_cursor(session, "demo") == {"line": 1}


def test_quarantine_is_one_row_per_position_and_listed(db_url: str) -> None:
    bad = [
        QuarantinedRecord("demo", "posts.jsonl line 3", "invalid JSON: Expecting value", "{oops"),
        QuarantinedRecord("demo", "posts.jsonl line 7", "missing text", '{"id": "x"}'),
    ]
    first = _write(db_url, [], bad, cursor={"line": 7})
    again = _write(db_url, [], bad, cursor={"line": 7})
    assert first.quarantined_new == 2 and again.quarantined_new == 0 and again.quarantined_seen == 2
    with session_scope(db_url) as session:
        rows = store.list_quarantined(session, source="demo")
        assert {r.position for r in rows} == {"posts.jsonl line 3", "posts.jsonl line 7"}
        assert {r.reason for r in rows} == {"invalid JSON: Expecting value", "missing text"}
        assert store.list_quarantined(session, source="other") == []


def _kb(db_url: str, *kb_ids: str) -> None:
    with session_scope(db_url) as session:
        for kb_id in kb_ids:
            session.add(KBItem(kb_id=kb_id, source="demo", title=kb_id, verdict="SALAH", content_hash=kb_id))


def _scored(post_id: int, priority: float, queue: bool, matches: list[MatchRow]) -> ScoredPost:
    return ScoredPost(
        post_id=post_id,
        priority=priority,
        queue=queue,
        components={},
        band=matches[0].band if matches else "none",
        matches=matches,
        hoax_probability=0.8,
        model_version="v1",
        reasons=[f"prioritas {priority:.2f}"],
        kecamatan="Pulau Laut Utara",
        category="penipuan",
    )


def test_scores_write_one_queue_item_per_post_and_rescoring_updates(db_url: str) -> None:
    _kb(db_url, "kb-1", "kb-2")
    _write(db_url, [_prepared("a", "satu"), _prepared("b", "dua")])
    with session_scope(db_url) as session:
        a, b = store.unscored_post_ids(session)
        stats = store.save_scores(
            session,
            [
                _scored(
                    a, 0.9, True, [MatchRow("kb-1", 1, 0.95, "auto"), MatchRow("kb-2", 2, 0.7, "suggest")]
                ),
                _scored(b, 0.1, False, [MatchRow("kb-2", 1, 0.3, "none")]),
            ],
            model_id="enc-1",
        )
        assert (stats.scored, stats.matches, stats.queue_added) == (2, 3, 1)
        assert store.unscored_post_ids(session) == []
    # re-scoring: same post, new numbers, one match gone -> updated in place
    with session_scope(db_url) as session:
        again = store.save_scores(
            session,
            [_scored(a, 0.7, True, [MatchRow("kb-2", 1, 0.8, "suggest"), MatchRow("kb-x", 2, 0.5, "none")])],
            model_id="enc-1",
        )
        assert (again.queue_added, again.queue_updated) == (0, 1)
    assert _count(db_url, QueueItem) == 1
    with session_scope(db_url) as session:
        item = session.scalars(select(QueueItem)).one()
        assert item.priority == pytest.approx(0.7) and item.status == "baru"
        assert item.best_kb_item.kb_id == "kb-2" and item.kecamatan == "Pulau Laut Utara"
        assert {m.kb_item.kb_id for m in session.scalars(select(Match).where(Match.post_id == a))} == {"kb-2"}
        rows = store.list_queue(session)
        assert [r.post_id for r in rows] == [a] and rows[0].reasons == ["prioritas 0.70"]
        assert rows[0].best_kb_id == "kb-2"


def test_counts(db_url: str) -> None:
    _write(db_url, [_prepared("a", "satu")], [QuarantinedRecord("demo", "l1", "bad")])
    with session_scope(db_url) as session:
        assert store.counts(session) == {
            "posts": 1,
            "scored": 0,
            "matches": 0,
            "queue_items": 0,
            "quarantined": 1,
            "clusters": 0,
        }


def test_clusters_link_near_duplicates_and_survive_a_restart(db_url: str) -> None:
    from pipelines import clustering
    from saring.db.tables.collection import IssueCluster, LSHState

    text = "Pendaftaran BLT Rp3,5 juta dari Pemkab Kotabaru lewat link bantuan-kotabaru.xyz, kuota terbatas"
    _write(
        db_url,
        [
            _prepared("a", text, "facebook"),
            _prepared("b", text + " sebarkan!!", "x"),
            _prepared("c", "Jadwal posyandu Desa Sebatung hari Selasa", "facebook"),
        ],
    )
    with session_scope(db_url) as session:
        ids = store.unscored_post_ids(session)
    first = clustering.cluster_posts(ids, db_url)
    assert (first["clustered"], first["new_clusters"], first["joined"]) == (3, 2, 1)
    assert clustering.cluster_posts(ids, db_url)["clustered"] == 0  # already linked: nothing to do

    clustering._CACHE.clear()  # a new process: the index comes back from the saved state
    _write(db_url, [_prepared("d", text, "tiktok")])
    with session_scope(db_url) as session:
        new_id = session.scalar(select(Post.id).where(Post.external_id == "d"))
    assert clustering.cluster_posts([new_id], db_url)["joined"] == 1
    with session_scope(db_url) as session:
        clusters = sorted(session.scalars(select(IssueCluster)), key=lambda c: -c.post_count)
        assert [c.post_count for c in clusters] == [3, 1]
        assert clusters[0].platform_counts == {"facebook": 1, "x": 1, "tiktok": 1}
        assert session.scalars(select(LSHState)).one().item_count == 4
        rows = store.posts_to_score(session, [new_id])
        assert (rows[0].cluster_size, rows[0].cluster_platforms) == (3, 3)
