"""Perceptual hashes of images (64-bit pHash, ``imagehash``) and a small Hamming-distance index.

An image gets its hash, plus the hash of its *content box*: the image with flat bars at the edges (a
caption bar, a screenshot's status bar, letterboxing) cut off. Two images are near-duplicates when any
pair of their hashes is within the calibrated distance (``eval/image_dedup.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

#: Hamming distance (of 64 bits) at or below which two hashes are the same picture; calibrated in
#: eval/image_dedup.py (recall of transformed copies at <= 0.1% false positives on unrelated images)
DEFAULT_MAX_DISTANCE = 8
_BAR_TOLERANCE = 12  # grey levels a flat bar may vary by


def _phash(image: Image.Image) -> int:
    import imagehash

    bits = imagehash.phash(image, hash_size=8).hash.flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def content_box(image: Image.Image) -> Image.Image:
    """The image without flat rows/columns at its edges (bars of one colour added around a picture)."""
    gray = np.asarray(ImageOps.grayscale(image), dtype=np.int16)
    if gray.size == 0:
        return image

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


def image_hashes(image: Image.Image) -> tuple[str, str]:
    """(pHash of the whole image, pHash of its content box) as 16-character hex strings."""
    rgb = image.convert("RGB")
    return f"{_phash(rgb):016x}", f"{_phash(content_box(rgb)):016x}"


def image_hash(image: Image.Image) -> str:
    """Both hashes of an image in one string: ``<whole>:<content box>``."""
    return ":".join(image_hashes(image))


def split_hash(value: str) -> list[int]:
    """The 64-bit integers of a stored hash string (one or more hex parts joined by ``:``)."""
    return [int(part, 16) for part in (value or "").split(":") if part]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def distance(a: str, b: str) -> int:
    """The smallest Hamming distance between any hash of ``a`` and any hash of ``b`` (64 when empty)."""
    return min((hamming(x, y) for x in split_hash(a) for y in split_hash(b)), default=64)


@dataclass(frozen=True, slots=True)
class HashHit:
    key: str
    distance: int


class HashIndex:
    """Hashes with keys (an image's SHA-256, a KB id …), searched by brute-force Hamming distance.

    Brute force over a numpy array: about 10 million comparisons a second on one core, enough for the
    images of a Pemda's KB and of weeks of posts."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._keys: list[str] = []
        self._values: list[int] = []
        self._array: np.ndarray | None = None
        for key, value in items:
            self.add(key, value)

    def __len__(self) -> int:
        return len(set(self._keys))

    def add(self, key: str, value: str) -> None:
        for part in split_hash(value):
            self._keys.append(key)
            self._values.append(part)
        self._array = None

    def search(self, value: str, max_distance: int = DEFAULT_MAX_DISTANCE) -> list[HashHit]:
        """Keys with a hash within ``max_distance`` of any hash of ``value``, nearest first, one per key."""
        if not self._values:
            return []
        if self._array is None:
            self._array = np.array(self._values, dtype=np.uint64)
        best: dict[str, int] = {}
        for part in split_hash(value):
            distances = np.bitwise_count(self._array ^ np.uint64(part))
            for index in np.flatnonzero(distances <= max_distance):
                key, d = self._keys[int(index)], int(distances[index])
                if d < best.get(key, 65):
                    best[key] = d
        return [HashHit(k, d) for k, d in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]

    def nearest(self, values: Sequence[str], max_distance: int = DEFAULT_MAX_DISTANCE) -> list[HashHit]:
        """:meth:`search` over several hashes (a post's images), nearest first, one per key."""
        best: dict[str, int] = {}
        for value in values:
            for hit in self.search(value, max_distance):
                best[hit.key] = min(hit.distance, best.get(hit.key, 65))
        return [HashHit(k, d) for k, d in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]
