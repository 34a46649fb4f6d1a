"""A small incremental BM25 index over int ids (sparse matrices), persisted as a folder.

bm25s builds a static index and cannot add or remove documents; this one keeps the per-document term
counts, so an update removes and appends rows, and the BM25 weights are recomputed from the counts (well
under a second for 20k documents).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


class BM25Index:
    """Okapi BM25 (Lucene idf) over documents given as token lists; ids are int64."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75):
        self.k1 = float(k1)
        self.b = float(b)
        self._vocab: dict[str, int] = {}
        self._ids = np.zeros(0, dtype=np.int64)
        self._counts = sp.csr_matrix((0, 0), dtype=np.float32)
        self._weights: sp.csr_matrix | None = None
        self._idf: np.ndarray | None = None
        self._avgdl = 1.0
        self._df: np.ndarray | None = None
        self._row_of: dict[int, int] | None = None
        self._terms: list[str] | None = None

    # ------------------------------------------------------------ contents

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    @property
    def ids(self) -> np.ndarray:
        return self._ids

    @property
    def vocab_size(self) -> int:
        return len(self._vocab)

    def add(self, ids: Sequence[int], docs: Sequence[Sequence[str]]) -> None:
        """Append documents (replacing any with the same id)."""
        if len(ids) != len(docs):
            raise ValueError("ids and docs differ in length")
        if not len(ids):
            return
        ids_arr = np.asarray(ids, dtype=np.int64)
        if len(np.unique(ids_arr)) != len(ids_arr):
            raise ValueError("duplicate ids in one add() call")
        self.remove(ids_arr)
        rows, cols, vals = [], [], []
        for row, doc in enumerate(docs):
            for token, count in Counter(doc).items():
                col = self._vocab.setdefault(token, len(self._vocab))
                rows.append(row)
                cols.append(col)
                vals.append(count)
        new = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (np.asarray(rows), np.asarray(cols))),
            shape=(len(docs), len(self._vocab)),
        )
        old = self._counts
        old.resize((old.shape[0], len(self._vocab)))
        self._counts = sp.vstack([old, new], format="csr")
        self._ids = np.concatenate([self._ids, ids_arr])
        self._weights = None
        self._row_of = self._terms = None

    def remove(self, ids: Sequence[int] | np.ndarray) -> int:
        """Drop documents by id; returns how many were present."""
        ids_arr = np.asarray(ids, dtype=np.int64)
        if not len(self._ids) or not len(ids_arr):
            return 0
        drop = np.isin(self._ids, ids_arr)
        n = int(drop.sum())
        if n:
            keep = ~drop
            self._counts = self._counts[keep]
            self._ids = self._ids[keep]
            self._weights = None
            self._row_of = None
        return n

    def doc_terms(self, doc_id: int) -> frozenset[str]:
        """The distinct tokens of one indexed document (empty for an unknown id)."""
        if self._row_of is None:
            self._row_of = {int(i): r for r, i in enumerate(self._ids)}
        if self._terms is None:
            self._terms = sorted(self._vocab, key=self._vocab.__getitem__)
        row = self._row_of.get(int(doc_id))
        if row is None:
            return frozenset()
        counts = self._counts
        cols = counts.indices[counts.indptr[row] : counts.indptr[row + 1]]
        return frozenset(self._terms[c] for c in cols)

    def idf(self, term: str) -> float:
        """The term's BM25 idf; a term no document has gets the idf of a term in none."""
        self._prepare()
        col = self._vocab.get(term)
        if col is None or self._idf is None or col >= len(self._idf):
            n = len(self._ids)
            return float(np.log1p((n + 0.5) / 0.5))
        return float(self._idf[col])

    def is_rare(self, term: str) -> bool:
        """True when at most 0.2% of the documents (and at most 2 of a small KB's) hold the term."""
        self._prepare()
        n = len(self._ids)
        limit = max(2.0, 0.002 * n)
        col = self._vocab.get(term)
        df = 0.0 if col is None or self._df is None or col >= len(self._df) else float(self._df[col])
        return df <= limit

    # ------------------------------------------------------------ scoring

    def _prepare(self) -> None:
        if self._weights is not None:
            return
        counts = self._counts.tocsr()
        n_docs = counts.shape[0]
        doc_len = np.asarray(counts.sum(axis=1)).ravel()
        self._avgdl = float(doc_len.mean()) if n_docs else 1.0
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        self._df = df
        self._idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = self.k1 * (1.0 - self.b + self.b * doc_len / max(self._avgdl, 1e-9))
        row_of = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        tf = counts.data
        data = self._idf[counts.indices] * tf * (self.k1 + 1.0) / (tf + norm[row_of])
        self._weights = sp.csr_matrix(
            (data.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape
        )

    def _query_matrix(self, queries: Sequence[Sequence[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Binary query-term matrix and each query's self-score (its BM25 against itself as a document)."""
        rows, cols = [], []
        self_scores = np.zeros(len(queries), dtype=np.float32)
        for row, query in enumerate(queries):
            terms = {self._vocab[t] for t in query if t in self._vocab}
            q_len = len(query)
            norm = self.k1 * (1.0 - self.b + self.b * q_len / max(self._avgdl, 1e-9))
            for col in terms:
                rows.append(row)
                cols.append(col)
            if terms:
                qtf = Counter(t for t in query if t in self._vocab)
                self_scores[row] = sum(
                    float(self._idf[self._vocab[t]]) * c * (self.k1 + 1.0) / (c + norm)
                    for t, c in qtf.items()
                )
        matrix = sp.csr_matrix(
            (
                np.ones(len(rows), dtype=np.float32),
                (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
            ),
            shape=(len(queries), len(self._vocab)),
        )
        return matrix, self_scores

    def score_matrix(self, queries: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Dense (n_queries, n_docs) BM25 scores in the order of :attr:`ids`, and each query's self-score."""
        self._prepare()
        if not len(self._ids) or not len(queries):
            return np.zeros((len(queries), len(self._ids)), dtype=np.float32), np.zeros(
                len(queries), np.float32
            )
        qm, self_scores = self._query_matrix(queries)
        scores = (qm @ self._weights.T).toarray().astype(np.float32)
        return scores, self_scores

    def search(
        self, queries: Sequence[Sequence[str]], k: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-k per query: (ids, raw BM25 scores, scores normalised by the query's self-score, clipped to 1).

        Missing places are id -1 with score 0.
        """
        scores, self_scores = self.score_matrix(queries)
        n_q, n_docs = scores.shape
        k_eff = min(k, n_docs)
        out_ids = np.full((n_q, k), -1, dtype=np.int64)
        out_raw = np.zeros((n_q, k), dtype=np.float32)
        if k_eff == 0:
            return out_ids, out_raw, out_raw.copy()
        part = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
        part_scores = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        top = np.take_along_axis(part, order, axis=1)
        top_scores = np.take_along_axis(part_scores, order, axis=1)
        valid = top_scores > 0
        out_ids[:, :k_eff] = np.where(valid, self._ids[top], -1)
        out_raw[:, :k_eff] = np.where(valid, top_scores, 0.0)
        return out_ids, out_raw, self.normalise(out_raw, self_scores)

    @staticmethod
    def normalise(raw: np.ndarray, self_scores: np.ndarray) -> np.ndarray:
        """BM25 as a share of the query's self-score, in [0, 1]: comparable across queries (for bands)."""
        denom = np.where(self_scores > 0, self_scores, 1.0)
        return np.clip(raw / denom.reshape(-1, *([1] * (raw.ndim - 1))), 0.0, 1.0).astype(np.float32)

    # ------------------------------------------------------------ persistence

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        counts = self._counts.tocsr()
        np.savez_compressed(
            folder / "bm25_counts.npz",
            data=counts.data,
            indices=counts.indices,
            indptr=counts.indptr,
            shape=np.asarray(counts.shape),
            ids=self._ids,
        )
        vocab = sorted(self._vocab, key=self._vocab.__getitem__)
        meta = {"format": FORMAT_VERSION, "k1": self.k1, "b": self.b, "vocab": vocab}
        (folder / "bm25_vocab.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        folder = Path(folder)
        meta = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported BM25 index format {meta.get('format')!r} in {folder}")
        index = cls(k1=meta["k1"], b=meta["b"])
        with np.load(folder / "bm25_counts.npz") as arrays:
            index._counts = sp.csr_matrix(
                (arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"])
            )
            index._ids = arrays["ids"].astype(np.int64)
        index._vocab = {token: i for i, token in enumerate(meta["vocab"])}
        return index

    @staticmethod
    def exists(folder: Path) -> bool:
        return (Path(folder) / "bm25_vocab.json").is_file() and (Path(folder) / "bm25_counts.npz").is_file()
