"""An encoder wrapper that caches vectors on disk per model id (reruns of the benchmarks skip encoding)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CHUNK = 256  # vectors written per shard: an interrupted run keeps what it finished


def _slug(model_id: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", model_id).strip("_") or "model"


def _key(kind: str, text: str) -> bytes:
    return hashlib.sha1(f"{kind}\x00{text}".encode()).digest()


class CachedEncoder:
    """Same interface as models.encoder.SentenceEncoder; vectors are looked up by (kind, text) hash first."""

    def __init__(self, encoder, cache_root: Path):
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.dim = int(encoder.dim)
        self.folder = Path(cache_root) / _slug(self.model_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._vectors: dict[bytes, np.ndarray] = {}
        self.encoded = 0  # texts actually sent to the model in this process
        self.encode_seconds = 0.0
        self._load()

    def _load(self) -> None:
        for shard in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    keys, vecs = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                log.warning("skipping unreadable cache shard %s", shard)
                continue
            if vecs.shape[1] != self.dim:
                continue
            if keys.dtype == np.uint8:  # (n, 20) digests
                keys = [bytes(row) for row in keys]
            else:  # older shards: "S20" strips trailing NUL bytes, pad them back
                keys = [bytes(k).ljust(20, b"\x00") for k in keys]
            for k, v in zip(keys, vecs, strict=True):
                self._vectors[k] = v
        log.info("embedding cache %s: %d vectors", self.folder, len(self._vectors))

    def __len__(self) -> int:
        return len(self._vectors)

    def _save_shard(self, keys: list[bytes], vectors: np.ndarray) -> None:
        name = self.folder / f"shard-{time.time_ns()}.npz"
        tmp = name.with_suffix(".tmp.npz")
        digests = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20)
        np.savez(tmp, keys=digests, vectors=vectors.astype(np.float32))
        tmp.replace(name)

    def _record_timing(self, kind: str, n: int, seconds: float) -> None:
        """Accumulate real encoding time per kind (timing.json), for throughput reports."""
        path = self.folder / "timing.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        entry = data.setdefault(kind, {"texts": 0, "seconds": 0.0})
        entry["texts"] += n
        entry["seconds"] = round(entry["seconds"] + seconds, 3)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    def timing(self) -> dict:
        try:
            return json.loads((self.folder / "timing.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def missing(self, texts: Sequence[str], kind: str = "query") -> int:
        return sum(_key(kind, t) not in self._vectors for t in set(texts))

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        keys = [_key(kind, t) for t in texts]
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._vectors:
                todo[k] = t
        if todo:
            pending = list(todo.items())
            # longest first keeps batches of similar length together
            pending.sort(key=lambda kv: len(kv[1]), reverse=True)
            log.info("encoding %d new %s texts with %s", len(pending), kind, self.model_id)
            for start in range(0, len(pending), CHUNK):
                part = pending[start : start + CHUNK]
                t0 = time.perf_counter()
                vecs = np.asarray(
                    self.encoder.encode(
                        [t for _, t in part], kind=kind, batch_size=batch_size, show_progress=False
                    ),
                    dtype=np.float32,
                )
                self.encode_seconds += time.perf_counter() - t0
                self.encoded += len(part)
                self._save_shard([k for k, _ in part], vecs)
                self._record_timing(kind, len(part), time.perf_counter() - t0)
                for (k, _), v in zip(part, vecs, strict=True):
                    self._vectors[k] = v
                if show_progress or len(pending) > CHUNK:
                    log.info(
                        "  %d/%d encoded (%.1f texts/s)",
                        min(start + CHUNK, len(pending)),
                        len(pending),
                        self.encoded / max(self.encode_seconds, 1e-9),
                    )
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)
