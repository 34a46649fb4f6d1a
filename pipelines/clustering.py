"""Issue clusters in the database: link new posts to their near-duplicate cluster, keep counts and LSH state.

The near-duplicate index (``pipelines.dedup.DedupIndex``) is one shared state. It is read with a row lock
(PostgreSQL), extended with a batch of posts, and saved in the same transaction as those posts' cluster links
and counts, so a killed run leaves the state and the links in step. A process keeps the index in memory
between batches and reloads it only when another process has saved a newer one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from pipelines.dedup import DedupIndex
from saring.db import session_scope
from saring.db.base import utcnow
from saring.db.tables.collection import IssueCluster, LSHState
from saring.db.tables.core import Post

log = logging.getLogger(__name__)
STATE_NAME = "posts"
LABEL_CHARS = 200

_CACHE: dict[str, tuple[tuple, DedupIndex]] = {}
_LOCK = threading.Lock()


def _stamp(state: LSHState | None) -> tuple:
    if state is None:
        return ()
    return (state.id, state.item_count, (state.params or {}).get("revision", 0))


def _load_state(session: Session, url: str) -> tuple[LSHState | None, DedupIndex]:
    state = session.scalars(
        select(LSHState).where(LSHState.name == STATE_NAME).with_for_update()
    ).one_or_none()
    cached = _CACHE.get(url)
    if cached is not None and cached[0] == _stamp(state):
        return state, cached[1]
    index = DedupIndex.from_bytes(state.blob) if state is not None else DedupIndex()
    log.info("loaded the near-duplicate index: %d posts", len(index))
    _CACHE[url] = (_stamp(state), index)
    return state, index


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _touch(cluster: IssueCluster, platform: str, posted_at: datetime | None) -> None:
    counts = dict(cluster.platform_counts or {})
    counts[platform] = counts.get(platform, 0) + 1
    cluster.platform_counts = counts
    cluster.post_count = (cluster.post_count or 0) + 1
    posted_at = _aware(posted_at)
    if posted_at is not None:
        first, last = _aware(cluster.first_seen_at), _aware(cluster.last_seen_at)
        cluster.first_seen_at = posted_at if first is None or posted_at < first else first
        cluster.last_seen_at = posted_at if last is None or posted_at > last else last
    cluster.updated_at = utcnow()


class _ImageClusters:
    """Which issue cluster a post's images already belong to (clustered posts, and earlier posts of the
    batch), by the calibrated pHash distance or verified local features (saring.media.local)."""

    def __init__(self, session: Session, post_ids: Sequence[int]) -> None:
        from pipelines.store import image_index, media_path, post_image_files, post_image_hashes
        from saring.config import get_settings
        from saring.db.tables.media import MediaFile, PostMedia

        self._session = session
        self.max_distance = get_settings().image_match_max_distance
        self.hashes = post_image_hashes(session, post_ids)
        self.files = post_image_files(session, post_ids)
        self.index = image_index()
        if self.hashes:
            rows = session.execute(
                select(Post.cluster_id, MediaFile.phash, MediaFile.relpath)
                .join(PostMedia, PostMedia.post_id == Post.id)
                .join(MediaFile, MediaFile.id == PostMedia.media_id)
                .where(Post.cluster_id.is_not(None))
            )
            for cluster_id, phash, relpath in rows:
                self.index.add(f"c{cluster_id}", phash, media_path(relpath))

    def cluster_of(self, post_id: int) -> str | None:
        """``c<cluster id>`` or ``r<representative post id>`` of the nearest image, None when none is near."""
        hashes = self.hashes.get(post_id)
        if not hashes:
            return None
        hits = self.index.nearest(hashes, self.max_distance, self.files.get(post_id, ()))
        return hits[0].key if hits else None

    def pending(self, post_id: int, representative: int) -> None:
        files = self.files.get(post_id, ())
        for i, phash in enumerate(self.hashes.get(post_id, ())):
            self.index.add(f"r{representative}", phash, files[i] if i < len(files) else None)

    def resolve(self, key: str, by_representative: dict[int, IssueCluster]) -> IssueCluster:
        """The cluster a key names (a stored cluster, or one this batch is creating)."""
        if key.startswith("r"):
            return by_representative[int(key[1:])]
        return self._session.get(IssueCluster, int(key[1:]))


def join_cluster(cluster: IssueCluster, platform: str, posted_at: datetime | None) -> None:
    """Count one more post of ``platform`` in ``cluster`` (for a post linked to it by other means)."""
    _touch(cluster, platform, posted_at)


def cluster_posts(post_ids: Sequence[int], url: str | None = None) -> dict:
    """Cluster the posts that have no cluster yet (oldest first); one transaction. Returns counts."""
    from saring.config import get_settings

    url = url or get_settings().resolved_database_url
    started = time.perf_counter()
    stats: dict = {"clustered": 0, "new_clusters": 0, "joined": 0}
    if not post_ids:
        return stats
    with _LOCK:
        try:
            with session_scope(url) as session:
                state, index = _load_state(session, url)
                rows = session.execute(
                    select(Post.id, Post.text, Post.text_normalised, Post.platform, Post.posted_at)
                    .where(Post.id.in_(list(post_ids)), Post.cluster_id.is_(None))
                    .order_by(Post.posted_at, Post.id)
                ).all()
                if not rows:
                    return stats
                images = _ImageClusters(session, [row.id for row in rows])
                assignments = []
                for row in rows:
                    # a re-post of the same picture joins the picture's issue, whatever its caption says
                    by_image = images.cluster_of(row.id)
                    text = row.text_normalised or row.text
                    assignment = None if by_image else index.assign(str(row.id), text)
                    assignments.append((row, assignment, by_image))
                    if assignment is not None:
                        images.pending(row.id, int(assignment.cluster_id))
                keys = {int(a.cluster_id) for _, a, _ in assignments if a is not None}
                clusters = {
                    c.representative_post_id: c
                    for c in session.scalars(
                        select(IssueCluster).where(IssueCluster.representative_post_id.in_(keys))
                    )
                }
                links: dict[int, IssueCluster] = {}
                for row, assignment, by_image in assignments:
                    if by_image is not None:
                        cluster = images.resolve(by_image, clusters)
                        stats["joined"] += 1
                        stats["joined_by_image"] = stats.get("joined_by_image", 0) + 1
                        _touch(cluster, row.platform, row.posted_at)
                        links[row.id] = cluster
                        continue
                    representative = int(assignment.cluster_id)
                    cluster = clusters.get(representative)
                    if cluster is None:
                        cluster = IssueCluster(
                            representative_post_id=representative,
                            label=" ".join((row.text or "").split())[:LABEL_CHARS],
                            post_count=0,
                            platform_counts={},
                            created_at=utcnow(),
                        )
                        session.add(cluster)
                        clusters[representative] = cluster
                        stats["new_clusters"] += 1
                    else:
                        stats["joined"] += 1
                    _touch(cluster, row.platform, row.posted_at)
                    links[row.id] = cluster
                session.flush()
                session.execute(
                    update(Post.__table__).where(Post.__table__.c.id == bindparam("post_id")),
                    [{"post_id": post_id, "cluster_id": c.id} for post_id, c in links.items()],
                )
                blob = index.to_bytes()
                if state is None:
                    state = LSHState(name=STATE_NAME, blob=blob, item_count=len(index), params={})
                    session.add(state)
                state.blob, state.item_count = blob, len(index)
                revision = int((state.params or {}).get("revision", 0)) + 1
                state.params = {
                    "threshold": index.threshold,
                    "num_perm": index.num_perm,
                    "revision": revision,
                }
                state.updated_at = utcnow()
                session.flush()
                stats["clustered"] = len(rows)
                new_stamp = _stamp(state)
            _CACHE[url] = (new_stamp, index)
        except Exception:
            _CACHE.pop(url, None)  # the in-memory index may be ahead of what was committed
            raise
    stats["seconds"] = {"cluster": time.perf_counter() - started}
    return stats
