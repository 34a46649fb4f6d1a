"""A post's images against the images fact checks carry: a re-circulating debunked picture is linked to its
fact check whatever its new caption says.

An image match (within the calibrated pHash distance, or verified by local features: a crop off one corner,
a caption bar, a screenshot of the post) is an auto-link to the fact check. Where the text
matcher already found that fact check, its row is kept (with the judge's stance) and marked as matched by
image too; else a new row is put first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from pipelines.scoring import KBInfo, MatchRow, PostToScore, is_known_hoax
from saring.media.phash import BITS, DEFAULT_MAX_DISTANCE, HashHit, HashIndex

#: P(same claim) an image match stands for: the same picture is the same claim (the judge keeps the stance)
IMAGE_PROBABILITY = 0.99


def image_hits(
    posts: Sequence[PostToScore], index: HashIndex | None, max_distance: int = DEFAULT_MAX_DISTANCE
) -> list[list[HashHit]]:
    """KB items whose images are near-duplicates of each post's images, nearest first."""
    if index is None or not len(index):
        return [[] for _ in posts]
    return [
        index.nearest(p.image_hashes, max_distance, p.image_files) if p.image_hashes else [] for p in posts
    ]


def image_reason(row: MatchRow) -> str:
    """The reviewer's line for a match found by image."""
    evidence = row.evidence or {}
    distance = evidence.get("image_distance")
    if evidence.get("image_method") == "local":
        inliers, agreement = evidence.get("image_inliers"), float(evidence.get("image_agreement") or 0.0)
        return (
            f"gambar sama dengan gambar cek fakta {row.kb_id} (fitur lokal: {inliers} titik cocok, "
            f"{agreement:.0%} bagian gambar sama)"
        )
    return f"gambar sama dengan gambar cek fakta {row.kb_id} (jarak pHash {distance} dari {BITS} bit)"


def merge_image_matches(
    rows: Sequence[MatchRow], hits: Sequence[HashHit], kb: Mapping[str, KBInfo], top_k: int
) -> list[MatchRow]:
    """The post's match rows with its image matches merged in (image-linked rows first), ranks renumbered."""
    if not hits:
        return list(rows)
    by_kb = {r.kb_id: r for r in rows}
    linked: list[MatchRow] = []
    for hit in hits:
        evidence_extra = {
            "image_distance": hit.distance,
            "image_method": hit.method,
            "image_inliers": hit.inliers,
        }
        if hit.agreement is not None:
            evidence_extra["image_agreement"] = hit.agreement
        existing = by_kb.pop(hit.key, None)
        if existing is not None:
            linked.append(
                replace(
                    existing,
                    band="auto",
                    probability=None
                    if existing.probability is None
                    else max(existing.probability, IMAGE_PROBABILITY),
                    evidence={**(existing.evidence or {}), **evidence_extra},
                )
            )
            continue
        info = kb.get(hit.key)
        linked.append(
            MatchRow(
                kb_id=hit.key,
                rank=0,
                score=round(hit.agreement if hit.method == "local" else 1.0 - hit.distance / BITS, 4),
                band="auto",
                known_hoax=is_known_hoax(info.verdict if info else None),
                evidence=evidence_extra,
            )
        )
    rest = [r for r in rows if r.kb_id in by_kb]
    merged = (linked + rest)[: max(top_k, len(linked))]
    return [replace(r, rank=i) for i, r in enumerate(merged, start=1)]
