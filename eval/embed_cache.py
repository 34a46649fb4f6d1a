"""An encoder wrapper for the benchmarks: the product's vector cache (models.encoder.vector_cache) under a
given root, plus a record of the real encoding time per kind (timing.json), for throughput reports.

Vectors are kept per encoder identity (model id, variant, weights, sequence limit), so benchmarks of the
torch, ONNX and int8 variants of one model never read each other's vectors.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.encoder.vector_cache import cache_for, cached_encode, identity_of, text_key

log = logging.getLogger(__name__)


class CachedEncoder:
    """Same interface as models.encoder.SentenceEncoder; a text is encoded once per encoder identity."""

    def __init__(self, encoder, cache_root: Path):
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.dim = int(encoder.dim)
        self.variant = getattr(encoder, "variant", None)
        self.choice = getattr(encoder, "choice", None)
        self.root = Path(cache_root)
        self.cache = cache_for(identity_of(encoder), self.root)
        self.folder = self.cache.folder
        if hasattr(encoder, "cache_identity"):
            encoder.cache = self.cache
        self.encoded = 0  # texts actually sent to the model in this process
        self.encode_seconds = 0.0

    def __len__(self) -> int:
        return len(self.cache)

    def _key(self, text: str, kind: str) -> bytes:
        prefix = getattr(self.encoder, "prefix", None)
        if callable(prefix):  # the text as the model sees it (what SentenceEncoder caches by)
            return text_key(prefix(kind) + str(text).strip())
        return text_key(f"{kind}\x00{text}")

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
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    def timing(self) -> dict:
        try:
            return json.loads((self.folder / "timing.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def missing(self, texts: Sequence[str], kind: str = "query") -> int:
        keys = {self._key(t, kind) for t in texts}
        return len(keys) - len(self.cache.get(list(keys)))

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        texts = list(texts)
        todo = self.missing(texts, kind) if texts else 0
        started = time.perf_counter()
        out = cached_encode(
            self.encoder, texts, kind=kind, batch_size=batch_size, root=self.root, show_progress=show_progress
        )
        if todo:
            seconds = time.perf_counter() - started
            self.encoded += todo
            self.encode_seconds += seconds
            self._record_timing(kind, todo, seconds)
            rate = todo / seconds
            log.info("encoded %d new %s texts with %s (%.1f texts/s)", todo, kind, self.model_id, rate)
        return out
