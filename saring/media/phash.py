"""Perceptual hashes of images (256-bit pHash from ``imagehash``) and a Hamming-distance index.

pHash alone does not survive a crop or an added caption bar, so an image is hashed in four views: the
whole image, its *content box* (flat bars of one colour cut off), its *inner picture* (cut at the sharpest
horizontal and vertical boundaries near the edges: a caption bar, a screenshot's status and app bars)
and its centre 90%. Two images are near-duplicates when any pair of their views is within the calibrated
distance (``eval/image_dedup.py`` measures recall per transform against unrelated images).

Views do not cover every re-post (a crop off one corner, a screenshot with app bars), so an index entry may
also name its stored file: :meth:`HashIndex.nearest` then verifies local features
(:mod:`saring.media.local`) of the query's files against the entries pHash did not find, and a verified
pair is a hit too (``method="local"``, with its RANSAC ``inliers`` and pixel ``agreement``; ``distance``
stays the pair's pHash distance, above the threshold).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

HASH_SIZE = 16  # 16 x 16 DCT coefficients: 256 bits
BITS = HASH_SIZE * HASH_SIZE
WORDS = BITS // 64
#: Hamming distance (of 256 bits) at or below which two views are the same picture; calibrated in
#: eval/image_dedup.py as the largest distance with at most 0.1% false positives on unrelated images
DEFAULT_MAX_DISTANCE = 28
WORKING_SIZE = 384  # views are cut from a copy this large (the hash reads 64 x 64 pixels)
_BAR_TOLERANCE = 12  # grey levels a flat bar may vary by
_EDGE_BAND = 0.35  # how far in from each side a boundary is looked for
_EDGE_JUMP = 18.0  # the smallest jump of mean grey level between rows that counts as a boundary


def _bits(image: Image.Image) -> str:
    import imagehash

    return str(imagehash.phash(image, hash_size=HASH_SIZE))


def content_box(image: Image.Image) -> Image.Image:
    """The image without flat rows/columns at its edges (bars of one colour added around a picture)."""
    gray = np.asarray(ImageOps.grayscale(image), dtype=np.int16)

    def trim(profile_rows: np.ndarray) -> tuple[int, int]:
        flat = (profile_rows.max(axis=1) - profile_rows.min(axis=1)) <= _BAR_TOLERANCE
        start, end = 0, len(flat)
        while start < end and flat[start]:
            start += 1
        while end > start and flat[end - 1]:
            end -= 1
        return start, end

    top, bottom = trim(gray)
    left, right = trim(gray.T)
    if bottom - top < 16 or right - left < 16:
        return image
    return image.crop((left, top, right, bottom))


def inner_picture(image: Image.Image) -> Image.Image:
    """The image cut at the sharpest boundary near each side (a caption bar, app bars around a picture)."""
    gray = np.asarray(ImageOps.grayscale(image), dtype=np.float32)
    height, width = gray.shape

    def cut(profile: np.ndarray, limit: int) -> int:
        if limit < 2:
            return 0
        jumps = np.abs(np.diff(profile[: limit + 1]))
        at = int(np.argmax(jumps))
        return at + 1 if jumps[at] >= _EDGE_JUMP else 0

    rows, cols = gray.mean(axis=1), gray.mean(axis=0)
    top = cut(rows, int(height * _EDGE_BAND))
    bottom = height - cut(rows[::-1], int(height * _EDGE_BAND))
    left = cut(cols, int(width * _EDGE_BAND))
    right = width - cut(cols[::-1], int(width * _EDGE_BAND))
    if bottom - top < 16 or right - left < 16:
        return image
    return image.crop((left, top, right, bottom))


def _centre(image: Image.Image, fraction: float = 0.9) -> Image.Image:
    w, h = image.size
    cw, ch = int(w * fraction), int(h * fraction)
    return image.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch))


def image_hashes(image: Image.Image) -> tuple[str, ...]:
    """The views' hashes (whole, content box, inner picture, centre 90%) as 64-character hex strings."""
    rgb = image.convert("RGB")
    if max(rgb.size) > WORKING_SIZE:
        rgb.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BILINEAR)
    views = (rgb, content_box(rgb), inner_picture(rgb), _centre(rgb))
    return tuple(_bits(view) for view in views)


def image_hash(image: Image.Image) -> str:
    """All views' hashes of an image in one string, joined by ``:``."""
    return ":".join(image_hashes(image))


def split_hash(value: str) -> np.ndarray:
    """The views of a stored hash string as an array of shape (views, WORDS) of uint64."""
    parts = [p for p in (value or "").split(":") if p]
    out = np.zeros((len(parts), WORDS), dtype=np.uint64)
    for i, part in enumerate(parts):
        number = int(part, 16)
        for w in range(WORDS):
            out[i, WORDS - 1 - w] = np.uint64((number >> (64 * w)) & 0xFFFFFFFFFFFFFFFF)
    return out


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a) x len(b)) Hamming distances between two arrays of views."""
    return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=2)


def distance(a: str, b: str) -> int:
    """The smallest Hamming distance between any view of ``a`` and any view of ``b`` (BITS when empty)."""
    va, vb = split_hash(a), split_hash(b)
    if not len(va) or not len(vb):
        return BITS
    return int(_pairwise(va, vb).min())


@dataclass(frozen=True, slots=True)
class HashHit:
    """An index key near a query: by pHash (``distance`` within the threshold) or by verified local
    features (``method="local"``: ``inliers`` of the RANSAC fit, ``agreement`` of the aligned pixels)."""

    key: str
    distance: int
    inliers: int = 0
    method: str = "phash"
    agreement: float | None = None


def _sorted_hits(hits: Iterable[HashHit]) -> list[HashHit]:
    """pHash hits nearest first, then local hits best agreement first."""
    return sorted(hits, key=lambda h: (h.method != "phash", h.distance, -(h.agreement or 0.0), h.key))


class HashIndex:
    """Image hashes with keys (a KB id, a cluster …), searched by brute-force Hamming distance, and the
    stored files of the entries that have one, verified by local features where pHash finds nothing.

    Brute force over a numpy array of views: millions of comparisons a second on one core, enough for a
    Pemda's KB images and weeks of posts. ``min_agreement`` None switches local features off."""

    def __init__(self, items: Iterable[tuple[str, str]] = (), *, min_agreement: float | None = None) -> None:
        from saring.media.local import DEFAULT_MIN_AGREEMENT

        self.min_agreement = DEFAULT_MIN_AGREEMENT if min_agreement is None else min_agreement
        self.local_enabled = min_agreement is None or min_agreement <= 1.0
        self._keys: list[str] = []
        self._parts: list[np.ndarray] = []
        self._array: np.ndarray | None = None
        self._files: list[tuple[str, str]] = []  # (key, path) not yet in the local index
        self._local = None
        for item in items:
            self.add(*item)

    def __len__(self) -> int:
        return len(set(self._keys))

    def add(self, key: str, value: str, path: str | Path | None = None) -> None:
        views = split_hash(value)
        for view in views:
            self._keys.append(key)
            self._parts.append(view)
        self._array = None
        if path:
            self._files.append((key, str(path)))

    def _views(self) -> np.ndarray:
        if self._array is None:
            self._array = np.stack(self._parts)
        return self._array

    def search(self, value: str, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[HashHit]:
        """Keys with a view within ``max_distance`` of any view of ``value``, nearest first, one per key
        (pHash only)."""
        views = split_hash(value)
        if not self._parts or not len(views):
            return []
        nearest = _pairwise(views, self._views()).min(axis=0)
        best: dict[str, int] = {}
        for index in np.flatnonzero(nearest <= max_distance):
            key, d = self._keys[int(index)], int(nearest[index])
            if d < best.get(key, BITS + 1):
                best[key] = d
        return [HashHit(k, d) for k, d in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]

    def _local_index(self):  # noqa: ANN202 - saring.media.local.LocalIndex, imported lazily
        from saring.media import local

        if self._local is None:
            self._local = local.LocalIndex()
        for key, path in self._files:
            features = local.features_of_file(path)
            if features is not None:
                self._local.add(key, features)
        self._files = []
        return self._local

    def _distance_to(self, values: Sequence[str], key: str) -> int:
        """The smallest pHash distance between the query's views and one key's."""
        rows = [i for i, k in enumerate(self._keys) if k == key]
        views = [split_hash(v) for v in values if v]
        if not rows or not views:
            return BITS
        query = np.concatenate(views)
        return int(_pairwise(query, self._views()[rows]).min()) if len(query) else BITS

    def nearest(
        self,
        values: Sequence[str],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        paths: Sequence[str | Path] = (),
    ) -> list[HashHit]:
        """:meth:`search` over several images (a post's), one per key, and, for the query's stored
        ``paths``, the keys verified by local features among those pHash did not find."""
        best: dict[str, int] = {}
        for value in values:
            for hit in self.search(value, max_distance):
                best[hit.key] = min(hit.distance, best.get(hit.key, BITS + 1))
        hits = [HashHit(k, d) for k, d in best.items()]
        if paths and self.local_enabled and (self._files or self._local is not None):
            hits += self._local_hits(values, paths, skip=set(best))
        return _sorted_hits(hits)

    def _local_hits(
        self, values: Sequence[str], paths: Sequence[str | Path], skip: set[str]
    ) -> list[HashHit]:
        from saring.media import local

        if not local.available():
            return []
        index = self._local_index()
        if not len(index):
            return []
        found: dict[str, local.LocalHit] = {}
        for path in paths:
            features = local.features_of_file(path) if path else None
            if features is None:
                continue
            for hit in index.search(features, self.min_agreement, skip=tuple(skip)):
                if hit.key not in found or hit.agreement > found[hit.key].agreement:
                    found[hit.key] = hit
        return [
            HashHit(k, self._distance_to(values, k), h.inliers, "local", h.agreement)
            for k, h in found.items()
        ]
