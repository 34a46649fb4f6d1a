"""A bounded on-disk cache of sentence vectors by content hash, one folder per encoder *identity*.

The identity is the model id, the variant (torch, onnx, onnx-int8, use), the dimension, the sequence limit
and a fingerprint of the weights: a vector is only ever returned to an encoder with the very same identity,
so a torch vector never reaches an int8 encoder, nor a fine-tuned model's vector its base model. Keys are
hashes of the exact text the model saw (with its query/passage prefix), so a kind needs no separate key.

    <root>/<model>-<variant>-<identity hash>/identity.json   what the folder holds
    <root>/<model>-<variant>-<identity hash>/shard-*.npz     (keys, vectors), written atomically

The bound (``max_bytes``) is on all shards under ``root`` together; the oldest shards go first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

IDENTITY_FILE = "identity.json"
KEY_BYTES = 20


def identity_of(encoder: Any) -> dict[str, Any]:
    """An encoder's cache identity: its own ``cache_identity()`` when it has one, else model id and dim."""
    own = getattr(encoder, "cache_identity", None)
    if callable(own):
        return own()
    return {
        "model_id": str(encoder.model_id),
        "dim": int(encoder.dim),
        "variant": str(getattr(encoder, "variant", "unknown")),
    }


def identity_hash(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def folder_name(identity: dict[str, Any]) -> str:
    slug = re.sub(r"[^0-9A-Za-z._-]+", "_", Path(str(identity.get("model_id", "model"))).name).strip("_")
    variant = re.sub(r"[^0-9A-Za-z-]+", "_", str(identity.get("variant", "")))
    return f"{slug[-50:] or 'model'}-{variant}-{identity_hash(identity)[:12]}"


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class VectorCache:
    """(text hash -> vector) for one encoder identity; shared by every encode call of a process."""

    def __init__(self, root: Path, identity: dict[str, Any], *, max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.identity = dict(identity)
        self.dim = int(identity["dim"])
        self.folder = self.root / folder_name(self.identity)
        self.max_bytes = max_bytes
        self._vectors: dict[bytes, np.ndarray] = {}
        self._shards: dict[str, list[bytes]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        self._refresh()
        return len(self._vectors)

    def _refresh(self) -> None:
        """Read shards this process has not seen (another process may have written some)."""
        if not self.folder.is_dir():
            return
        for shard in sorted(self.folder.glob("shard-*.npz")):
            if shard.name in self._shards:
                continue
            try:
                with np.load(shard) as data:
                    keys, vectors = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError) as exc:
                log.warning("ignoring unreadable vector cache shard %s: %s", shard, exc)
                self._shards[shard.name] = []
                continue
            if vectors.ndim != 2 or vectors.shape[1] != self.dim:
                self._shards[shard.name] = []
                continue
            digests = [bytes(row) for row in np.asarray(keys, dtype=np.uint8).reshape(-1, KEY_BYTES)]
            self._shards[shard.name] = digests
            for key, vector in zip(digests, vectors, strict=True):
                self._vectors[key] = vector

    def get(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        with self._lock:
            self._refresh()
            return {k: self._vectors[k] for k in keys if k in self._vectors}

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        if not len(keys):
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker = self.folder / IDENTITY_FILE
            if not marker.is_file():
                marker.write_text(json.dumps(self.identity, indent=1, default=str), encoding="utf-8")
            name = f"shard-{uuid.uuid4().hex}.npz"
            tmp = self.folder / f".{name}.tmp.npz"
            digests = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
            np.savez(tmp, keys=digests, vectors=vectors)
            os.replace(tmp, self.folder / name)
            self._shards[name] = list(keys)
            for key, vector in zip(keys, vectors, strict=True):
                self._vectors[key] = vector
            if self.max_bytes is not None:
                self._enforce_bound()

    def _enforce_bound(self) -> None:
        """Delete the oldest shards under ``root`` (any identity) until the total fits ``max_bytes``."""
        shards = []
        for path in self.root.glob("*/shard-*.npz"):
            try:
                stat = path.stat()
            except OSError:
                continue
            shards.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in shards)
        for _, size, path in sorted(shards):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            if path.parent == self.folder:
                for key in self._shards.pop(path.name, []):
                    self._vectors.pop(key, None)
                self._shards[path.name] = []  # seen and gone: not re-read


_CACHES: dict[tuple[str, str], VectorCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(identity: dict[str, Any], root: Path, *, max_bytes: int | None = None) -> VectorCache:
    """The process-wide cache of one identity under ``root`` (one object, so one in-memory table)."""
    key = (str(Path(root).resolve()), identity_hash(identity))
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = VectorCache(root, identity, max_bytes=max_bytes)
        elif max_bytes is not None:
            cache.max_bytes = max_bytes if cache.max_bytes is None else min(cache.max_bytes, max_bytes)
        return cache


def cached_encode(
    encoder: Any,
    texts: Sequence[str],
    *,
    kind: str = "query",
    batch_size: int = 32,
    root: Path | None = None,
    show_progress: bool = False,
) -> np.ndarray:
    """Encode through the cache under ``root`` (default: the encoder's own): each distinct text once.

    A `SentenceEncoder` caches by itself (it is handed the cache of its identity under ``root``); any other
    object with ``model_id``, ``dim`` and ``encode`` is cached from here, keyed by kind and text.
    """
    texts = list(texts)
    if hasattr(encoder, "cache_identity") and hasattr(encoder, "cache"):
        if root is not None:
            encoder.cache = cache_for(
                encoder.cache_identity(), root, max_bytes=getattr(encoder.cache, "max_bytes", None)
            )
        return encoder.encode(texts, kind=kind, batch_size=batch_size, show_progress=show_progress)
    dim = int(encoder.dim)
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    if root is None:
        from saring.config import get_settings

        root = get_settings().home / "cache" / "embeddings"
    cache = cache_for(identity_of(encoder), root)
    keys = [text_key(f"{kind}\x00{t}") for t in texts]
    found = cache.get(keys)
    first: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        if key not in found:
            first.setdefault(key, i)
    todo = list(first.values())
    if todo:
        fresh = np.asarray(
            encoder.encode([texts[i] for i in todo], kind=kind, batch_size=batch_size), dtype=np.float32
        )
        cache.put([keys[i] for i in todo], fresh)
        found.update({keys[i]: v for i, v in zip(todo, fresh, strict=True)})
    return np.stack([found[k] for k in keys]).astype(np.float32)
