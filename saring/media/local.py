"""Local-feature near-duplicates: ORB keypoints, FAISS candidate voting, geometric and pixel verification.

pHash compares whole views, so a re-post that moves the picture inside a new frame (an off-centre crop, a
caption bar, a screenshot of the post) can land far from the original. Local features survive that:

1. **Features.** ORB keypoints and 256-bit descriptors of the image in grey, scaled to at most
   :data:`WORKING_SIZE` pixels on its longer side.
2. **Candidates.** Every descriptor of the query votes for the image owning its nearest descriptor in a
   FAISS binary index (:class:`faiss.IndexBinaryFlat`, or :class:`faiss.IndexBinaryIVF` once the index
   holds many descriptors); the :data:`CANDIDATES` images with most votes are verified.
3. **Geometry.** Cross-checked descriptor matches fit a similarity transform (scale, small rotation,
   shift) with RANSAC (:func:`cv2.estimateAffinePartial2D`); at least :data:`MIN_INLIERS` inliers.
4. **Pixels.** The images are aligned by that transform and the overlap is cut into 32-pixel cells; the
   *agreement* is the share of the cells with detail in either image whose detail correlates (normalised
   cross-correlation of the horizontal high-pass above :data:`CELL_NCC`).

Step 4 is what keeps the hard negatives out: two posters or chat screenshots of one template share a
header, logos and a status bar, which give RANSAC many consistent inliers, but the rest of the overlap
(other words) does not correlate, so their agreement stays low while a true copy agrees almost everywhere.
:data:`DEFAULT_MIN_AGREEMENT` is calibrated in ``eval/image_dedup.py`` with pHash: the product's decision
is *pHash distance within the threshold OR verified local agreement at or above this*.

Features are recomputed from the stored image file (content-addressed by SHA-256 under the media folder,
so never stale) and cached per process by path: the pixel check needs the pixels anyway, and existing
media get local matching without a migration or a backfill.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

WORKING_SIZE = 640  # the longer side images are scaled down to before features are taken
FEATURES = 500  # ORB keypoints an image
FAST_THRESHOLD = 12  # lower than ORB's 20: text on flat backgrounds still gives enough corners
MAX_DESCRIPTOR_DISTANCE = 64  # of 256 bits: a descriptor match or a vote
CANDIDATES = 5  # images verified a query (the ones with most votes)
MIN_VOTES = 8
MIN_INLIERS = 12
RANSAC_PIXELS = 4.0
SCALE_RANGE = (0.25, 4.0)  # a re-post is scaled, not shrunk to a thumbnail of a thumbnail
MAX_ROTATION_DEGREES = 10.0
CELL = 32  # pixels of the lower-resolution image a cell of the pixel check covers
CELL_DETAIL = 4.0  # grey-level deviation (high-pass) above which a cell has detail
CELL_NCC = 0.4  # correlation at which a cell with detail agrees
#: share of agreeing cells at or above which a geometrically verified pair is the same picture; in
#: eval/image_dedup.py (200 originals x 7 transforms, 1,000 template look-alikes) the unrelated pairs that
#: verified reached at most 0.69, so 0.75 keeps a margin: with pHash <= 28 recall 0.986 at FPR 0.074%
DEFAULT_MIN_AGREEMENT = 0.75
FLAT_INDEX_LIMIT = 200_000  # descriptors kept in a flat index; more go into an IVF index
_CACHE_SIZE = 2048
_CACHE: OrderedDict[str, LocalFeatures | None] = OrderedDict()
_LOCK = threading.Lock()
_WARNED: set[str] = set()


def available() -> bool:
    """Whether OpenCV is installed (without it only pHash matches images)."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        if "cv2" not in _WARNED:
            _WARNED.add("cv2")
            log.warning("opencv-python-headless is not installed; images are matched by pHash only")
        return False
    return True


@dataclass(frozen=True, slots=True)
class LocalFeatures:
    """ORB keypoints (x, y in the working image), their descriptors and the working grey image."""

    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray  # (n, 32) uint8
    grey: np.ndarray  # (h, w) uint8

    def __len__(self) -> int:
        return len(self.descriptors)


@dataclass(frozen=True, slots=True)
class Verification:
    inliers: int
    agreement: float  # 0 when the geometry did not verify


def _working_grey(image: Image.Image) -> np.ndarray:
    import cv2

    grey = np.asarray(image.convert("L"))
    height, width = grey.shape
    scale = WORKING_SIZE / max(height, width)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(grey)


def local_features(image: Image.Image) -> LocalFeatures:
    """The ORB features of an image."""
    import cv2

    grey = _working_grey(image)
    orb = cv2.ORB_create(nfeatures=FEATURES, fastThreshold=FAST_THRESHOLD)
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    if descriptors is None or not keypoints:
        return LocalFeatures(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), grey)
    points = np.array([k.pt for k in keypoints], dtype=np.float32)
    return LocalFeatures(points, np.ascontiguousarray(descriptors, dtype=np.uint8), grey)


def features_of_file(path: str | Path) -> LocalFeatures | None:
    """The features of a stored image file (cached by path: stored files are named by their SHA-256);
    None when the file cannot be read."""
    key = str(path)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    try:
        with Image.open(key) as image:
            image.load()
            features: LocalFeatures | None = local_features(image)
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s for local image features: %s", key, exc)
        features = None
    with _LOCK:
        _CACHE[key] = features
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return features


def _high_pass(grey: np.ndarray) -> np.ndarray:
    import cv2

    values = grey.astype(np.float32)
    return values - cv2.blur(values, (9, 3))


def agreement(a: LocalFeatures, b: LocalFeatures, transform: np.ndarray) -> float:
    """Share of the overlap's detailed cells where ``a`` mapped by ``transform`` (a→b) correlates with ``b``.

    The image with more pixels is mapped into the frame of the other, so no image is upsampled."""
    import cv2

    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    if scale > 1.0:  # a is the smaller one: map b into a instead
        transform = cv2.invertAffineTransform(transform)
        a, b = b, a
    small, big = b.grey, a.grey
    height, width = small.shape
    corners = np.array([[0, 0], [big.shape[1], 0], [0, big.shape[0]], [big.shape[1], big.shape[0]]])
    projected = corners @ transform[:, :2].T + transform[:, 2]
    x0 = int(max(0.0, np.ceil(projected[:, 0].min())))
    y0 = int(max(0.0, np.ceil(projected[:, 1].min())))
    x1 = int(min(width, projected[:, 0].max()))
    y1 = int(min(height, projected[:, 1].max()))
    cols, rows = (x1 - x0) // CELL, (y1 - y0) // CELL
    if cols < 2 or rows < 2:
        return 0.0
    warped = cv2.warpAffine(big, transform, (width, height), flags=cv2.INTER_AREA)
    box = (slice(y0, y0 + rows * CELL), slice(x0, x0 + cols * CELL))

    def cells(grey: np.ndarray) -> np.ndarray:
        values = _high_pass(grey[box]).reshape(rows, CELL, cols, CELL).transpose(0, 2, 1, 3)
        values = values.reshape(rows * cols, CELL * CELL)
        return values - values.mean(axis=1, keepdims=True)

    ca, cb = cells(warped), cells(small)
    sa, sb = np.sqrt((ca * ca).mean(axis=1)), np.sqrt((cb * cb).mean(axis=1))
    detailed = (sa > CELL_DETAIL) | (sb > CELL_DETAIL)
    if not detailed.any():
        return 0.0
    ncc = (ca * cb).mean(axis=1) / (np.maximum(sa, 1.0) * np.maximum(sb, 1.0))
    return float((ncc[detailed] > CELL_NCC).mean())


def verify(a: LocalFeatures, b: LocalFeatures) -> Verification:
    """Geometric (RANSAC similarity) and pixel verification of two images' features."""
    import cv2

    if len(a) < MIN_INLIERS or len(b) < MIN_INLIERS:
        return Verification(0, 0.0)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
    matches = matcher.match(a.descriptors, b.descriptors)
    matches = [m for m in matches if m.distance <= MAX_DESCRIPTOR_DISTANCE]
    if len(matches) < MIN_INLIERS:
        return Verification(0, 0.0)
    source = a.points[[m.queryIdx for m in matches]]
    target = b.points[[m.trainIdx for m in matches]]
    transform, mask = cv2.estimateAffinePartial2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PIXELS, maxIters=2000
    )
    if transform is None or mask is None:
        return Verification(0, 0.0)
    inliers = int(mask.sum())
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    rotation = abs(float(np.degrees(np.arctan2(transform[1, 0], transform[0, 0]))))
    if inliers < MIN_INLIERS or not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        return Verification(inliers, 0.0)
    if rotation > MAX_ROTATION_DEGREES:
        return Verification(inliers, 0.0)
    return Verification(inliers, agreement(a, b, transform))


@dataclass(frozen=True, slots=True)
class LocalHit:
    key: str
    inliers: int
    agreement: float


class LocalIndex:
    """Images' local features with keys, searched by descriptor votes in FAISS and verified pairwise."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._features: list[LocalFeatures] = []
        self._index: Any = None
        self._owner: np.ndarray = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._features)

    def add(self, key: str, features: LocalFeatures) -> None:
        if len(features) < MIN_INLIERS:
            return
        self._keys.append(key)
        self._features.append(features)
        self._index = None

    def features(self, position: int) -> LocalFeatures:
        return self._features[position]

    def _build(self) -> Any:
        import faiss

        descriptors = np.concatenate([f.descriptors for f in self._features])
        owners = [np.full(len(f), i, dtype=np.int64) for i, f in enumerate(self._features)]
        self._owner = np.concatenate(owners)
        if len(descriptors) <= FLAT_INDEX_LIMIT:
            index = faiss.IndexBinaryFlat(256)
        else:
            lists = int(4 * np.sqrt(len(descriptors)))
            index = faiss.IndexBinaryIVF(faiss.IndexBinaryFlat(256), 256, lists)
            index.train(descriptors)
            index.nprobe = 16
        index.add(descriptors)
        return index

    def candidates(self, query: LocalFeatures, top: int = CANDIDATES) -> list[int]:
        """Positions of the images with most descriptor votes (at least :data:`MIN_VOTES`)."""
        if not self._features or len(query) < MIN_INLIERS:
            return []
        if self._index is None:
            self._index = self._build()
        import faiss

        # one query's few hundred descriptors: OpenMP threads cost more than they give (measured 25x slower
        # with 2 threads on a loaded 2-core machine), so the search runs on one thread
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            distances, labels = self._index.search(query.descriptors, 1)
        finally:
            faiss.omp_set_num_threads(threads)
        near = (distances[:, 0] <= MAX_DESCRIPTOR_DISTANCE) & (labels[:, 0] >= 0)
        votes = np.bincount(self._owner[labels[near, 0]], minlength=len(self._features))
        order = np.argsort(-votes, kind="stable")[:top]
        return [int(i) for i in order if votes[i] >= MIN_VOTES]

    def search(
        self,
        query: LocalFeatures,
        min_agreement: float = DEFAULT_MIN_AGREEMENT,
        *,
        skip: Sequence[str] = (),
    ) -> list[LocalHit]:
        """Keys whose images verify against ``query`` at ``min_agreement`` or more, best first, one a key."""
        best: dict[str, LocalHit] = {}
        for position in self.candidates(query):
            key = self._keys[position]
            if key in skip:
                continue
            result = verify(query, self.features(position))
            if result.agreement >= min_agreement and (
                key not in best or result.agreement > best[key].agreement
            ):
                best[key] = LocalHit(key, result.inliers, round(result.agreement, 4))
        return sorted(best.values(), key=lambda h: (-h.agreement, h.key))
