"""Reports of one hoax into one issue, although each citizen wraps the claim in their own words.

Near-duplicate clustering (``pipelines.dedup``, word Jaccard 0.7 over the whole text) keeps framed copies
apart: "Tolong dicek, ini hoaks atau bukan? <claim>" and "Dapat dari grup WA keluarga: <claim>" share the
claim but not the wrapping, and fall below 0.7 (eval.report_intake measured 55 clusters for 20 hoaxes).
Here a report is compared on its content words (the reporters' wrapping vocabulary dropped) with the
recent members of known issues: the same link, a content-word Jaccard of at least 0.7 (the dedup
threshold), or a cut copy (at least 8 content words, 90% of them inside the other text) joins that issue.
A report that joins nothing is clustered the usual way (``pipelines.clustering.cluster_posts``), so it
can still join a cluster of collected posts, and the next reports can join it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from pipelines.clustering import cluster_posts, join_cluster
from pipelines.dedup import canonical_text
from saring.db import session_scope
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import Post, QueueItem, Verdict
from saring.db.tables.reports import CitizenReport

log = logging.getLogger(__name__)
#: Words citizens wrap a forwarded claim in (questions, where it came from, greetings), and function words.
FRAMING = frozenset(
    [
        "tolong",
        "mohon",
        "minta",
        "cek",
        "dicek",
        "dicekkan",
        "periksa",
        "diperiksa",
        "ini",
        "itu",
        "tersebut",
        "hoaks",
        "hoax",
        "hoak",
        "bukan",
        "atau",
        "apa",
        "apakah",
        "benar",
        "benarkah",
        "betul",
        "betulkah",
        "beneran",
        "info",
        "informasi",
        "berita",
        "kabar",
        "pesan",
        "penjelasan",
        "penjelasannya",
        "klarifikasi",
        "min",
        "admin",
        "mimin",
        "kak",
        "kakak",
        "pak",
        "bapak",
        "bu",
        "ibu",
        "gan",
        "sis",
        "bang",
        "om",
        "ya",
        "yah",
        "sih",
        "nih",
        "dong",
        "deh",
        "kok",
        "kah",
        "lho",
        "tuh",
        "dapat",
        "dapet",
        "dari",
        "di",
        "ke",
        "grup",
        "group",
        "wa",
        "whatsapp",
        "fb",
        "facebook",
        "ig",
        "instagram",
        "tiktok",
        "tt",
        "twitter",
        "x",
        "youtube",
        "telegram",
        "keluarga",
        "kantor",
        "sekolah",
        "rt",
        "rw",
        "tetangga",
        "teman",
        "kawan",
        "ramai",
        "viral",
        "beredar",
        "tersebar",
        "dibagikan",
        "share",
        "terus",
        "sudah",
        "udah",
        "banyak",
        "yang",
        "orang",
        "percaya",
        "kampung",
        "kami",
        "kita",
        "saya",
        "aku",
        "katanya",
        "kata",
        "konon",
        "dan",
        "juga",
        "untuk",
        "dengan",
        "ada",
        "tadi",
        "barusan",
        "sekarang",
        "hari",
        "mohon_penjelasan",
        "terima",
        "kasih",
        "makasih",
        "tq",
        "thx",
        "salam",
    ]
)
JACCARD = 0.7
CONTAINMENT = 0.9
MIN_WORDS = 8
LOOKBACK_DAYS = 30
MAX_CANDIDATES = 5000


def content_words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in canonical_text(text or "").split() if w not in FRAMING)


def _words(row) -> frozenset[str]:  # noqa: ANN001
    """Content words of a post row's normalised text (a bare link normalises to nothing: no words)."""
    return content_words(row.text_normalised if row.text_normalised is not None else row.text)


def same_issue(a: frozenset[str], b: frozenset[str]) -> float:
    """Similarity in [0, 1]: the Jaccard, or at least 0.9 for a cut copy; 0 below the thresholds."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    jaccard = common / len(a | b)
    smaller = min(len(a), len(b))
    if smaller >= MIN_WORDS and common / smaller >= CONTAINMENT:
        return max(jaccard, CONTAINMENT)
    return jaccard if jaccard >= JACCARD else 0.0


@dataclass(slots=True)
class _Member:
    cluster_id: int
    words: frozenset[str]
    link_key: str | None


def _candidates(session, now: datetime) -> list[_Member]:  # noqa: ANN001
    since = now - timedelta(days=LOOKBACK_DAYS)
    reports = session.execute(
        select(Post.cluster_id, Post.text_normalised, Post.text, CitizenReport.link_key)
        .join(CitizenReport, CitizenReport.post_id == Post.id)
        .where(Post.cluster_id.is_not(None), CitizenReport.created_at >= since)
        .order_by(CitizenReport.id.desc())
        .limit(MAX_CANDIDATES)
    ).all()
    issues = session.execute(
        select(IssueCluster.id, Post.text_normalised, Post.text)
        .join(Post, Post.id == IssueCluster.representative_post_id)
        .where(IssueCluster.last_seen_at >= now - timedelta(days=3))
        .order_by(IssueCluster.last_seen_at.desc())
        .limit(MAX_CANDIDATES)
    ).all()
    members = [_Member(r.cluster_id, _words(r), r.link_key) for r in reports]
    members += [_Member(r.id, _words(r), None) for r in issues]
    return members


def _best(members: list[_Member], words: frozenset[str], link_key: str | None) -> int | None:
    """The issue of the most similar member by content words; by the same link only when the words say
    nothing (so a copy with its link joins the issue of its text, and a bare link follows it there)."""
    best_id, best = None, 0.0
    for member in members:
        score = same_issue(words, member.words)
        if score > best:
            best_id, best = member.cluster_id, score
    if best_id is not None or not link_key:
        return best_id
    by_link = Counter(m.cluster_id for m in members if m.link_key == link_key)
    return by_link.most_common(1)[0][0] if by_link else None


def _absorb_bare_links(session, link_key: str, target_id: int) -> set[int]:  # noqa: ANN001
    """Move earlier bare-link reports of this link (alone in their own issue, undecided) into the target.

    A report of only a link has no words to compare, so until a copy with text and the same link comes it
    sits in an issue of its own; that issue holds nothing else, so moving its reports loses nothing.
    """
    rows = session.execute(
        select(Post.id, Post.cluster_id, Post.platform, Post.posted_at, Post.text, Post.text_normalised)
        .join(CitizenReport, CitizenReport.post_id == Post.id)
        .where(CitizenReport.link_key == link_key, Post.cluster_id.is_not(None), Post.cluster_id != target_id)
    ).all()
    moved: set[int] = set()
    for cluster_id in {r.cluster_id for r in rows if not _words(r)}:
        members = session.execute(
            select(Post.id, Post.text, Post.text_normalised).where(Post.cluster_id == cluster_id)
        ).all()
        if any(_words(m) for m in members) or session.scalar(
            select(Verdict.id)
            .join(QueueItem, QueueItem.id == Verdict.queue_item_id)
            .join(Post, Post.id == QueueItem.post_id)
            .where(Post.cluster_id == cluster_id)
            .limit(1)
        ):
            continue
        source, target = session.get(IssueCluster, cluster_id), session.get(IssueCluster, target_id)
        for row in (r for r in rows if r.cluster_id == cluster_id):
            session.execute(update(Post).where(Post.id == row.id).values(cluster_id=target_id))
            join_cluster(target, row.platform, row.posted_at)
        source.post_count, source.platform_counts = 0, {}
        moved.add(cluster_id)
    return moved


def group_reports(url: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """Put every unclustered report in an issue (idempotent: only reports without a cluster are touched)."""
    now = now or datetime.now(UTC)
    stats = {"joined": 0, "clustered": 0, "bare_links_moved": 0}
    with session_scope(url) as session:
        pending = session.execute(
            select(
                Post.id,
                Post.text_normalised,
                Post.text,
                Post.platform,
                Post.posted_at,
                CitizenReport.link_key,
            )
            .join(CitizenReport, CitizenReport.post_id == Post.id)
            .where(Post.cluster_id.is_(None))
            .order_by(Post.id)
        ).all()
        members = _candidates(session, now) if pending else []
    # bare links last: by then the copies of their text from this pass may carry the same link
    ordered = sorted(pending, key=lambda r: not _words(r))
    for row in ordered:
        words, emptied = _words(row), set()
        cluster_id = _best(members, words, row.link_key)
        if cluster_id is not None:
            with session_scope(url) as session:
                linked = session.execute(
                    update(Post)
                    .where(Post.id == row.id, Post.cluster_id.is_(None))
                    .values(cluster_id=cluster_id)
                ).rowcount
                cluster = session.get(IssueCluster, cluster_id)
                if linked and cluster is not None:
                    join_cluster(cluster, row.platform, row.posted_at)
                    stats["joined"] += 1
                    if words and row.link_key:
                        emptied = _absorb_bare_links(session, row.link_key, cluster_id)
        else:
            cluster_posts([row.id], url)
            with session_scope(url) as session:
                cluster_id = session.scalar(select(Post.cluster_id).where(Post.id == row.id))
            stats["clustered"] += 1
            if words and row.link_key and cluster_id is not None:
                with session_scope(url) as session:
                    emptied = _absorb_bare_links(session, row.link_key, cluster_id)
        if cluster_id is not None:
            members.append(_Member(cluster_id, words, row.link_key))
            for member in members:  # the bare links just moved follow in memory too
                if member.cluster_id in emptied:
                    member.cluster_id = cluster_id
            stats["bare_links_moved"] += len(emptied)
    if pending:
        log.info("grouped %d reports: %s", len(pending), stats)
    return stats
