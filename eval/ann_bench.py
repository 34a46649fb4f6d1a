"""Exact (IndexFlatIP) vs IVF for the KB's dense index: build time, search time, recall against exact.

    python -m eval.ann_bench [--sizes 17000,100000] [--queries 500]

Vectors: real E5 vectors from the embedding cache when there are enough (else random unit vectors),
multiplied to the wanted size by adding noise around randomly chosen real ones (cosine ~0.9 to the parent),
which keeps E5's narrow cone and clustering. Writes eval/results/ann_bench.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np

from factcheck_kb.dense import IVF_NPROBE, build_ivf

RESULTS = Path(__file__).resolve().parent / "results" / "ann_bench.json"


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def base_vectors(cache_root: Path, dim: int = 384, limit: int = 20000) -> np.ndarray:
    parts = []
    for shard in sorted(cache_root.glob("*/shard-*.npz")):
        with np.load(shard) as data:
            if data["vectors"].shape[1] == dim:
                parts.append(data["vectors"])
        if sum(len(p) for p in parts) >= limit:
            break
    if not parts:
        return _unit(np.random.default_rng(0).normal(size=(2000, dim)))
    return np.concatenate(parts)[:limit].astype(np.float32)


def synthesise(base: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.025) -> np.ndarray:
    parents = base[rng.integers(0, len(base), n)]
    return _unit(parents + rng.normal(scale=noise, size=parents.shape).astype(np.float32))


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f[f >= 0]) & set(t)) for f, t in zip(found, truth, strict=True))
    return hits / truth.size


def bench(vectors: np.ndarray, queries: np.ndarray, k: int = 200) -> dict:
    n, dim = vectors.shape
    ids = np.arange(n, dtype=np.int64)
    out: dict = {"n": n}
    t0 = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    flat.add_with_ids(vectors, ids)
    out["flat_build_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    _, truth = flat.search(queries, k)
    out["flat_batch_ms_per_query"] = round(1000 * (time.perf_counter() - t0) / len(queries), 3)
    t0 = time.perf_counter()
    for q in queries[:50]:
        flat.search(q[None, :], k)
    out["flat_single_query_ms"] = round(1000 * (time.perf_counter() - t0) / 50, 3)
    t0 = time.perf_counter()
    ivf = build_ivf(ids, vectors)
    out["ivf_build_s"] = round(time.perf_counter() - t0, 3)
    out["ivf_nlist"] = int(ivf.nlist)
    for nprobe in (8, 16, IVF_NPROBE, 64):
        ivf.nprobe = nprobe
        t0 = time.perf_counter()
        _, found = ivf.search(queries, k)
        ms = 1000 * (time.perf_counter() - t0) / len(queries)
        out[f"ivf_nprobe{nprobe}"] = {
            "batch_ms_per_query": round(ms, 3),
            "recall@10": round(recall(found[:, :10], truth[:, :10]), 4),
            f"recall@{k}": round(recall(found, truth), 4),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    from saring.config import get_settings

    parser = argparse.ArgumentParser(prog="python -m eval.ann_bench")
    parser.add_argument("--sizes", default="17000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(0)
    base = base_vectors(get_settings().home / "cache" / "embeddings")
    queries = synthesise(base, args.queries, rng)
    results = {"base_vectors": len(base), "dim": int(base.shape[1]), "k": 200, "runs": []}
    for size in (int(s) for s in args.sizes.split(",")):
        run = bench(synthesise(base, size, rng), queries)
        print(json.dumps(run))
        results["runs"].append(run)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
