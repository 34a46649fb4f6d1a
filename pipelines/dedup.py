"""Exact and near-duplicate clustering of posts (MinHash LSH over word shingles), and spread timelines.

A post joins the cluster of an earlier post when their normalised texts are identical (same content
hash) or their word-set Jaccard similarity is at least ``threshold`` (0.7). MinHash LSH
(``datasketch``) only proposes candidates; the decision uses the exact Jaccard of the stored word
hashes, so it does not depend on MinHash noise. Clusters never merge: a post that resembles two
clusters joins the most similar one, and a cluster's id is the key of its first post.

Why word unigrams and 0.7 (``python -m eval.collection_text``): on 12 self-written copy pairs and 13
same-topic-different-claim pairs (tests/samples/dedup/pairs.tsv) plus the demo posts' 42 duplicate
pairs (``dup_of``, taken transitively) against their ~28.6k other pairs, unigram sets at 0.7 found 51
of 54 duplicate pairs (0.94) with no false merge; 0.65 found 53 but merged "Harga BBM naik jadi
Rp15.000…" with "Harga beras naik jadi Rp15.000…" (0.69); bigrams kept that pair apart more clearly but
found only 42 of 54 (0.78) at 0.7. A false merge hides a different claim inside another issue, so
precision wins over the last few copies.

The index persists as bytes (numpy ``.npz``, no pickle): :meth:`DedupIndex.to_bytes` /
:meth:`DedupIndex.from_bytes`, or ``save(path)`` / ``load(path)``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.7
NUM_PERM = 128
SCHEME = "affine32"  # datasketch's 32-bit hashing; stored so signatures are read back the same way
LSH_THRESHOLD = 0.5  # candidate recall: looser than the decision threshold, which is checked exactly
FORMAT_VERSION = 1
_WORD = re.compile(r"[^\W_]+")


def canonical_text(text: str) -> str:
    """Lower-cased words joined by single spaces (punctuation dropped): what "the same text" means."""
    return " ".join(_WORD.findall(text.lower()))


def content_hash(text: str) -> str:
    """SHA-256 of the canonical text (finds exact copies across sources and platforms)."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = 1) -> set[str]:
    """Word n-grams of the canonical text (a text shorter than ``size`` words is one shingle)."""
    words = canonical_text(text).split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set | frozenset, b: set | frozenset) -> float:
    """Jaccard similarity of two sets (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class ClusterAssignment:
    """Where one post went: its cluster, whether that cluster is new, and why."""

    key: str
    cluster_id: str
    is_new_cluster: bool
    method: str  # "new" | "exact" | "near" | "known" (the key was already in the index)
    matched_key: str | None = None
    similarity: float = 0.0


class DedupIndex:
    """Clusters of near-identical posts that survive runs (persist with ``to_bytes``/``save``)."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM, shingle_size: int = 1):
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self._lsh = MinHashLSH(threshold=min(LSH_THRESHOLD, threshold), num_perm=num_perm)
        self._keys: list[str] = []
        self._row: dict[str, int] = {}
        self._cluster: list[str] = []
        self._signatures: list[np.ndarray] = []
        self._word_hashes: list[frozenset[int]] = []
        self._by_content: dict[str, str] = {}
        self._content: list[str] = []
        self._members: dict[str, list[str]] = {}
        self._permutations = MinHash(num_perm=num_perm, scheme=SCHEME).permutations

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._row

    def cluster_of(self, key: str) -> str | None:
        """The cluster id of a key already in the index."""
        row = self._row.get(key)
        return self._cluster[row] if row is not None else None

    def members(self, cluster_id: str) -> list[str]:
        """The keys in a cluster, in the order they joined."""
        return list(self._members.get(cluster_id, []))

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster id with its member keys."""
        return {cid: list(keys) for cid, keys in self._members.items()}

    def _minhash(self, hashes: Iterable[int]) -> MinHash:
        # reusing the permutations saves most of MinHash's start-up cost
        minhash = MinHash(num_perm=self.num_perm, scheme=SCHEME, permutations=self._permutations)
        minhash.update_batch([h.to_bytes(8, "little") for h in hashes])
        return minhash

    def assign(self, key: str, text: str) -> ClusterAssignment:
        """Put one post (its normalised text) in a cluster; a key seen before keeps its cluster.

        A post with no words (e.g. URL-only) gets its own cluster unless its text matches exactly;
        pass the URLs as its text to cluster identical links.
        """
        key = str(key)
        if key in self._row:
            return ClusterAssignment(key, self._cluster[self._row[key]], False, "known")
        digest = content_hash(text)
        hashes = frozenset(_hash64(s) for s in shingles(text, self.shingle_size))
        minhash = self._minhash(hashes)
        match_key = self._by_content.get(digest) if hashes else None
        similarity, method = 1.0, "exact"
        if match_key is None and hashes:
            match_key, similarity = self._best_candidate(hashes, minhash)
            method = "near"
        if match_key is not None:
            cluster_id, is_new = self._cluster[self._row[match_key]], False
        else:
            cluster_id, is_new, method, similarity = key, True, "new", 0.0
        self._add(key, digest, hashes, minhash, cluster_id)
        return ClusterAssignment(key, cluster_id, is_new, method, match_key, round(similarity, 4))

    def _best_candidate(self, hashes: frozenset[int], minhash: MinHash) -> tuple[str | None, float]:
        best_key, best = None, 0.0
        for candidate in self._lsh.query(minhash):
            row = self._row[candidate]
            score = jaccard(hashes, self._word_hashes[row])
            if score > best or (score == best and best_key is not None and row < self._row[best_key]):
                best_key, best = candidate, score
        return (best_key, best) if best_key is not None and best >= self.threshold else (None, best)

    def _add(self, key: str, digest: str, hashes: frozenset[int], minhash: MinHash, cluster_id: str) -> None:
        self._row[key] = len(self._keys)
        self._keys.append(key)
        self._cluster.append(cluster_id)
        self._signatures.append(minhash.hashvalues.astype(np.uint32))
        self._word_hashes.append(hashes)
        self._content.append(digest)
        self._members.setdefault(cluster_id, []).append(key)
        if hashes:
            self._by_content.setdefault(digest, key)
            self._lsh.insert(key, minhash)

    def assign_many(self, posts: Iterable[tuple[str, str]]) -> list[ClusterAssignment]:
        """Assign (key, normalised text) pairs in order (pass them oldest first)."""
        return [self.assign(key, text) for key, text in posts]

    # --- persistence -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole index as ``.npz`` bytes (numpy arrays and JSON metadata, no pickle)."""
        meta = {
            "version": FORMAT_VERSION,
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "shingle_size": self.shingle_size,
            "scheme": SCHEME,
            "keys": self._keys,
            "clusters": self._cluster,
            "content": self._content,
        }
        lengths = np.array([len(h) for h in self._word_hashes], dtype=np.int64)
        flat = [h for hashes in self._word_hashes for h in sorted(hashes)]
        signatures = (
            np.stack(self._signatures) if self._signatures else np.zeros((0, self.num_perm), np.uint32)
        )
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            signatures=signatures,
            word_hashes=np.array(flat, dtype=np.uint64),
            word_lengths=lengths,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> DedupIndex:
        """Rebuild an index written by :meth:`to_bytes`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
            if meta.get("version") != FORMAT_VERSION:
                raise ValueError(f"unsupported dedup index version {meta.get('version')!r}")
            signatures = arrays["signatures"]
            flat = arrays["word_hashes"]
            lengths = arrays["word_lengths"]
        index = cls(meta["threshold"], meta["num_perm"], meta["shingle_size"])
        scheme = meta["scheme"]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        with index._lsh.insertion_session() as session:
            for row, key in enumerate(meta["keys"]):
                hashes = frozenset(flat[offsets[row] : offsets[row + 1]].tolist())
                cluster_id, digest = meta["clusters"][row], meta["content"][row]
                index._row[key] = row
                index._keys.append(key)
                index._cluster.append(cluster_id)
                index._signatures.append(signatures[row])
                index._word_hashes.append(hashes)
                index._content.append(digest)
                index._members.setdefault(cluster_id, []).append(key)
                if hashes:
                    index._by_content.setdefault(digest, key)
                    session.insert(
                        key,
                        MinHash(
                            num_perm=index.num_perm,
                            hashvalues=signatures[row],
                            scheme=scheme,
                            permutations=index._permutations,
                        ),
                    )
        return index

    def save(self, path: str | Path) -> None:
        """Write the index to a file (atomically: a temporary file, then a rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> DedupIndex:
        """Read an index saved with :meth:`save`; a missing file gives an empty index."""
        path = Path(path)
        return cls.from_bytes(path.read_bytes()) if path.exists() else cls()


def assign_clusters(
    new_posts: Sequence[tuple[str, str]], existing_index: DedupIndex | bytes | None = None
) -> tuple[list[ClusterAssignment], DedupIndex]:
    """Cluster (key, normalised text) pairs against an index (object, bytes or None for a new one).

    Returns the assignments, in input order, and the updated index (the same object when one was
    given). Pass posts oldest first so a cluster's id is its earliest post.
    """
    if existing_index is None:
        index = DedupIndex()
    elif isinstance(existing_index, bytes | bytearray):
        index = DedupIndex.from_bytes(bytes(existing_index))
    else:
        index = existing_index
    return index.assign_many(new_posts), index


# --- spread over time and platforms ------------------------------------------------------------------


@dataclass(slots=True)
class PlatformSpread:
    """One platform's part in a cluster: how many posts, when first and last, per time bucket."""

    platform: str
    count: int
    first_seen: datetime
    last_seen: datetime
    buckets: list[tuple[datetime, int]] = field(default_factory=list)


@dataclass(slots=True)
class SpreadTimeline:
    """How a cluster spread: per platform, in order of first appearance, with the hops between them."""

    total: int
    undated: int
    first_seen: datetime | None
    last_seen: datetime | None
    platforms: list[PlatformSpread]
    hops: list[tuple[str, str, timedelta]]  # (from, to, delay between their first posts)

    @property
    def order(self) -> list[str]:
        """Platforms in the order the cluster reached them."""
        return [p.platform for p in self.platforms]

    def to_dict(self) -> dict:
        """JSON-ready form (ISO datetimes, delays in seconds)."""
        data = asdict(self)
        data["order"] = self.order
        data["first_seen"] = self.first_seen.isoformat() if self.first_seen else None
        data["last_seen"] = self.last_seen.isoformat() if self.last_seen else None
        data["hops"] = [{"from": a, "to": b, "delay_s": d.total_seconds()} for a, b, d in self.hops]
        for platform in data["platforms"]:
            platform["first_seen"] = platform["first_seen"].isoformat()
            platform["last_seen"] = platform["last_seen"].isoformat()
            platform["buckets"] = [[start.isoformat(), count] for start, count in platform["buckets"]]
        return data


_BUCKETS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "15min": timedelta(minutes=15)}


def _floor(moment: datetime, size: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // size) * size


def spread_timeline(
    points: Iterable[tuple[str, datetime | None]], *, bucket: str | timedelta = "hour"
) -> SpreadTimeline:
    """Summarise a cluster's (platform, posted_at) pairs; naive datetimes are taken as UTC.

    bucket: "15min", "hour", "day" or a timedelta, aligned to UTC.
    """
    size = _BUCKETS[bucket] if isinstance(bucket, str) else bucket
    per_platform: dict[str, list[datetime]] = {}
    total = undated = 0
    for platform, posted_at in points:
        total += 1
        if posted_at is None:
            undated += 1
            continue
        moment = posted_at if posted_at.tzinfo else posted_at.replace(tzinfo=UTC)
        per_platform.setdefault(platform, []).append(moment.astimezone(UTC))
    spreads = []
    for platform, moments in per_platform.items():
        moments.sort()
        counts: dict[datetime, int] = {}
        for moment in moments:
            start = _floor(moment, size)
            counts[start] = counts.get(start, 0) + 1
        spreads.append(
            PlatformSpread(platform, len(moments), moments[0], moments[-1], sorted(counts.items()))
        )
    spreads.sort(key=lambda s: (s.first_seen, s.platform))
    hops = [
        (a.platform, b.platform, b.first_seen - a.first_seen)
        for a, b in zip(spreads, spreads[1:], strict=False)
    ]
    return SpreadTimeline(
        total=total,
        undated=undated,
        first_seen=spreads[0].first_seen if spreads else None,
        last_seen=max((s.last_seen for s in spreads), default=None),
        platforms=spreads,
        hops=hops,
    )
