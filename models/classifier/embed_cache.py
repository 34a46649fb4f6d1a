"""Embedding cache on disk, per encoder model id and text hash (embedding the pool once takes minutes)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from saring.config import get_settings

log = logging.getLogger(__name__)


class Encoder(Protocol):
    """What the classifier needs from a sentence encoder (models.encoder.SentenceEncoder fits)."""

    model_id: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


def default_cache_root() -> Path:
    return get_settings().home / "cache" / "embeddings"


def _folder_name(model_id: str, dim: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)[-60:].strip("_") or "model"
    return f"{slug}-{dim}-{hashlib.sha1(model_id.encode()).hexdigest()[:10]}"


def text_hash(text: str, kind: str) -> str:
    return hashlib.sha256(f"{kind}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Append-only shards of (text hash, vector) under one folder per encoder."""

    def __init__(self, model_id: str, dim: int, root: Path | None = None):
        self.folder = (root or default_cache_root()) / _folder_name(model_id, dim)
        self.dim = dim
        self._store: dict[str, np.ndarray] = {}
        self._loaded: set[str] = set()

    def _refresh(self) -> None:
        if not self.folder.is_dir():
            return
        for shard in sorted(self.folder.glob("shard-*.npz")):
            if shard.name in self._loaded:
                continue
            try:
                with np.load(shard) as data:
                    for key, vector in zip(data["keys"], data["vectors"], strict=True):
                        self._store[str(key)] = vector
            except (OSError, ValueError, KeyError) as exc:
                log.warning("ignoring unreadable embedding cache shard %s: %s", shard, exc)
            self._loaded.add(shard.name)

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        self._refresh()
        return {k: self._store[k] for k in keys if k in self._store}

    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        if not len(keys):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"shard-{uuid.uuid4().hex}.npz"
        tmp = self.folder / f".{name}.tmp.npz"
        np.savez(tmp, keys=np.asarray(keys), vectors=np.asarray(vectors, dtype=np.float32))
        os.replace(tmp, self.folder / name)
        self._loaded.add(name)
        for key, vector in zip(keys, vectors, strict=True):
            self._store[key] = np.asarray(vector, dtype=np.float32)


_CACHES: dict[tuple[str, int, str], EmbeddingCache] = {}


def cached_encode(
    encoder: Encoder,
    texts: Sequence[str],
    *,
    kind: str = "query",
    batch_size: int = 32,
    root: Path | None = None,
    chunk: int = 512,
) -> np.ndarray:
    """Encode texts, reusing vectors cached for this encoder; new vectors are saved as they are made."""
    root = root or default_cache_root()
    cache_id = (encoder.model_id, encoder.dim, str(root))
    cache = _CACHES.setdefault(cache_id, EmbeddingCache(encoder.model_id, encoder.dim, root))
    keys = [text_hash(t, kind) for t in texts]
    found = cache.get(keys)
    missing = sorted({k: i for i, k in enumerate(keys) if k not in found}.items(), key=lambda kv: kv[1])
    if missing:
        log.info("embedding %d new text(s) with %s (%d cached)", len(missing), encoder.model_id, len(found))
    for start in range(0, len(missing), chunk):
        part = missing[start : start + chunk]
        vectors = encoder.encode([texts[i] for _, i in part], kind=kind, batch_size=batch_size)
        cache.put([k for k, _ in part], vectors)
        found.update({k: v for (k, _), v in zip(part, vectors, strict=True)})
        if len(missing) > chunk:
            log.info("embedded %d/%d", min(start + chunk, len(missing)), len(missing))
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32)
