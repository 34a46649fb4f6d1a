"""FAISS vector store for KB views: exact inner product while small, IVF past a measured size.

Vector ids are ``item_id * VIEW_STRIDE + view_number`` so an item's vectors can be removed and its views
mapped back to the item without a lookup table.

Switch-over size, measured with eval/ann_bench.py (E5-like synthetic vectors, 384-d, k=200, batches of 300
queries on the shared 2-core machine): exact search costs 5.7 ms/query at 17k vectors, 31 ms at 100k and
87 ms at 250k; IVF (nlist = sqrt(n), nprobe = 32) costs 2.2 / 10.4 / 16.4 ms with recall@10 against exact
of 0.944 / 0.997 / 0.996. Below 100k vectors exact search is cheap and IVF loses recall, so
``ANN_THRESHOLD`` = 100,000 vectors: under it the exact index is used (no training, perfect recall).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import faiss
import numpy as np

log = logging.getLogger(__name__)

VIEW_STRIDE = 64
ANN_THRESHOLD = 100_000
IVF_NPROBE = 32


def item_of(vector_ids: np.ndarray) -> np.ndarray:
    """Item ids of vector ids (-1 stays -1)."""
    vector_ids = np.asarray(vector_ids, dtype=np.int64)
    return np.where(vector_ids >= 0, vector_ids // VIEW_STRIDE, -1)


def view_ids(item_id: int, n_views: int) -> np.ndarray:
    if n_views > VIEW_STRIDE:
        raise ValueError(f"an item may have at most {VIEW_STRIDE} views, got {n_views}")
    return np.arange(n_views, dtype=np.int64) + int(item_id) * VIEW_STRIDE


class DenseStore:
    """Vectors with int64 ids: exact search, or IVF once there are more than ``ann_threshold`` vectors."""

    def __init__(self, dim: int, *, ann_threshold: int = ANN_THRESHOLD, index: faiss.Index | None = None):
        self.dim = int(dim)
        self.ann_threshold = int(ann_threshold)
        self.index = index if index is not None else self._flat()

    def _flat(self) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(faiss.downcast_index(self.index), faiss.IndexIVF) else "flat"

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def describe(self) -> dict:
        out = {"type": self.kind, "vectors": self.ntotal, "ann_threshold": self.ann_threshold}
        if self.kind == "ivf":
            ivf = faiss.downcast_index(self.index)
            out.update(nlist=int(ivf.nlist), nprobe=int(ivf.nprobe))
        return out

    # ------------------------------------------------------------ contents

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, the index {self.dim}")
        self.index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> int:
        if not len(ids) or not self.ntotal:
            return 0
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind == "ivf":  # the IVF hashtable direct map removes by IDSelectorArray only
            selector = faiss.IDSelectorArray(len(ids), faiss.swig_ptr(ids))
            return int(self.index.remove_ids(selector))
        return int(self.index.remove_ids(ids))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored (for re-indexing into another structure)."""
        n = self.ntotal
        if self.kind == "flat":
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            vectors = self.index.index.reconstruct_n(0, n) if n else np.zeros((0, self.dim), np.float32)
            return ids, vectors
        ivf = faiss.downcast_index(self.index)
        invlists = ivf.invlists
        id_parts, vec_parts = [], []
        for list_no in range(ivf.nlist):
            size = invlists.list_size(list_no)
            if not size:
                continue
            ids = faiss.rev_swig_ptr(invlists.get_ids(list_no), size).copy()
            codes = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * invlists.code_size).copy()
            id_parts.append(ids.astype(np.int64))
            vec_parts.append(codes.view(np.float32).reshape(size, self.dim))
        if not id_parts:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        return np.concatenate(id_parts), np.concatenate(vec_parts)

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors for the given ids (ids must exist)."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for row, vid in enumerate(ids):
            out[row] = self.index.reconstruct(int(vid))
        return out

    def maybe_convert(self) -> bool:
        """Switch flat -> IVF past the threshold, or retrain IVF when it has grown 4x; True when rebuilt."""
        n = self.ntotal
        if self.kind == "flat" and n <= self.ann_threshold:
            return False
        if self.kind == "ivf":
            ivf = faiss.downcast_index(self.index)
            trained_for = int(ivf.nlist) ** 2
            if n < self.ann_threshold // 2:
                ids, vectors = self.all_vectors()
                self.index = self._flat()
                self.add(ids, vectors)
                return True
            if n <= 4 * trained_for:
                return False
        ids, vectors = self.all_vectors()
        self.index = build_ivf(ids, vectors)
        log.info("dense index rebuilt as IVF over %d vectors", n)
        return True

    # ------------------------------------------------------------ search

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product top-k: (scores, vector ids), -1 where fewer than k vectors exist."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if not self.ntotal or not len(queries):
            return (np.zeros((len(queries), k), np.float32), np.full((len(queries), k), -1, np.int64))
        return self.index.search(queries, min(k, self.ntotal))

    # ------------------------------------------------------------ persistence

    def save(self, path: Path) -> None:
        tmp = Path(str(path) + ".tmp")
        faiss.write_index(self.index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, dim: int, *, ann_threshold: int = ANN_THRESHOLD) -> DenseStore:
        index = faiss.read_index(str(path))
        if index.d != dim:
            raise ValueError(f"{path} holds {index.d}-d vectors, expected {dim}")
        # (keep `index` itself: the downcast wrapper does not own the C++ object)
        return cls(dim, ann_threshold=ann_threshold, index=index)


def ivf_nlist(n: int) -> int:
    """IVF lists for n vectors: sqrt(n), at least 16 (cheap k-means on 2 cores; nprobe 32 keeps recall)."""
    return max(16, int(math.sqrt(max(n, 1))))


def build_ivf(ids: np.ndarray, vectors: np.ndarray, *, nprobe: int = IVF_NPROBE) -> faiss.Index:
    """An IVF-Flat inner-product index trained on (a sample of) the vectors, with removable ids."""
    dim = vectors.shape[1]
    nlist = ivf_nlist(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = (
        vectors
        if len(vectors) <= 40 * nlist
        else vectors[rng.choice(len(vectors), 40 * nlist, replace=False)]
    )
    ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
    ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
    ivf.nprobe = min(nprobe, nlist)
    ivf.add_with_ids(
        np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64)
    )
    return ivf  # the faiss wrapper keeps a reference to the quantizer
