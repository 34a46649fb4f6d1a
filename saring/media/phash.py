"""Perceptual hashes of images (256-bit pHash from ``imagehash``) and a Hamming-distance index.

pHash alone does not survive a crop or an added caption bar, so an image is hashed in four views: the
whole image, its *content box* (flat bars of one colour cut off), its *inner picture* (cut at the sharpest
horizontal and vertical boundaries near the edges: a caption bar, a screenshot's status and app bars)
and its centre 90%. Two images are near-duplicates when any pair of their views is within the calibrated
distance (``eval/image_dedup.py`` measures recall per transform against unrelated images).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

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
    key: str
    distance: int


class HashIndex:
    """Image hashes with keys (a KB id, a cluster …), searched by brute-force Hamming distance.

    Brute force over a numpy array of views: millions of comparisons a second on one core, enough for a
    Pemda's KB images and weeks of posts."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._keys: list[str] = []
        self._parts: list[np.ndarray] = []
        self._array: np.ndarray | None = None
        for key, value in items:
            self.add(key, value)

    def __len__(self) -> int:
        return len(set(self._keys))

    def add(self, key: str, value: str) -> None:
        views = split_hash(value)
        for view in views:
            self._keys.append(key)
            self._parts.append(view)
        self._array = None

    def search(self, value: str, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[HashHit]:
        """Keys with a view within ``max_distance`` of any view of ``value``, nearest first, one per key."""
        views = split_hash(value)
        if not self._parts or not len(views):
            return []
        if self._array is None:
            self._array = np.stack(self._parts)
        nearest = _pairwise(views, self._array).min(axis=0)
        best: dict[str, int] = {}
        for index in np.flatnonzero(nearest <= max_distance):
            key, d = self._keys[int(index)], int(nearest[index])
            if d < best.get(key, BITS + 1):
                best[key] = d
        return [HashHit(k, d) for k, d in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]

    def nearest(self, values: Sequence[str], max_distance: int = DEFAULT_MAX_DISTANCE) -> list[HashHit]:
        """:meth:`search` over several images (a post's), nearest first, one per key."""
        best: dict[str, int] = {}
        for value in values:
            for hit in self.search(value, max_distance):
                best[hit.key] = min(hit.distance, best.get(hit.key, BITS + 1))
        return [HashHit(k, d) for k, d in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]
