"""`SentenceEncoder`: one encode contract (prefixes, batches, progress, unit float32 rows) over any body."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from models.encoder.vector_cache import VectorCache, text_key

log = logging.getLogger(__name__)
_TORCH_NAMES = {"sentence-transformers": "torch"}

MANIFEST_FILE = "saring_encoder.json"
MANIFEST_FORMAT = 1
Kind = Literal["query", "passage"]


class EncoderBody(Protocol):
    """What a backend provides: raw embeddings of already-prefixed texts."""

    backend_name: str

    @property
    def dim(self) -> int: ...

    @property
    def max_seq_length(self) -> int | None: ...

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None: ...

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray: ...

    # optional: ``variant``, ``fingerprint``, ``choice``, ``batches_itself`` (embed takes on_batch=)

    def save(self, path: Path) -> None: ...


class SentenceEncoder:
    """A sentence encoder with a model id, a dimension and per-model query/passage prefixes."""

    def __init__(
        self,
        body: EncoderBody,
        model_id: str,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        max_seq_length: int | None = None,
    ) -> None:
        self.body = body
        self.model_id = model_id
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        if max_seq_length is not None:
            self.max_seq_length = max_seq_length
        #: the vector cache (models.encoder.vector_cache), attached by load_encoder; None: none
        self.cache: VectorCache | None = None
        #: how the variant was chosen (auto's measurement), recorded in index manifests
        self.choice: dict[str, Any] = dict(getattr(body, "choice", None) or {})
        self.encoded_texts = 0  # texts this encoder really sent to its model
        self.encode_seconds = 0.0

    def __repr__(self) -> str:
        return (
            f"SentenceEncoder(model_id={self.model_id!r}, dim={self.dim}, backend={self.backend!r}, "
            f"query_prefix={self.query_prefix!r}, passage_prefix={self.passage_prefix!r}, "
            f"max_seq_length={self.max_seq_length})"
        )

    @property
    def dim(self) -> int:
        return int(self.body.dim)

    @property
    def backend(self) -> str:
        return self.body.backend_name

    @property
    def max_seq_length(self) -> int | None:
        return self.body.max_seq_length

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None:
        self.body.max_seq_length = value

    def prefix(self, kind: Kind) -> str:
        if kind == "query":
            return self.query_prefix
        if kind == "passage":
            return self.passage_prefix
        raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")

    @property
    def variant(self) -> str:
        """How the vectors are computed: torch, onnx, onnx-int8 (or use): part of the vectors' identity."""
        return str(getattr(self.body, "variant", None) or _TORCH_NAMES.get(self.backend, self.backend))

    def cache_identity(self) -> dict[str, Any]:
        """What must be equal for a cached vector to be reused: model, variant, weights, limit, dim."""
        return {
            "model_id": self.model_id,
            "variant": self.variant,
            "dim": self.dim,
            "max_seq_length": self.max_seq_length,
            "weights": str(getattr(self.body, "fingerprint", "") or ""),
        }

    def encode(
        self,
        texts: Sequence[str] | str,
        *,
        kind: Kind = "query",
        batch_size: int = 32,
        show_progress: bool = False,
        use_cache: bool = True,
    ) -> np.ndarray:
        """Embed `texts` as float32 (n, dim) rows of unit length; the kind's prefix is added here.

        Each distinct text is encoded once per call; with a vector cache attached (`load_encoder` does,
        see models.encoder.vector_cache) a text seen before by this very model variant is not encoded again.
        """
        if isinstance(texts, str):
            texts = [texts]
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        prefix = self.prefix(kind)
        items = [prefix + ("" if t is None else str(t)).strip() for t in texts]
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            first.setdefault(item, i)
        distinct = list(first)
        cache = self.cache if use_cache else None
        keys = [text_key(t) for t in distinct] if cache is not None else []
        found = cache.get(keys) if cache is not None else {}
        todo = [j for j in range(len(distinct)) if not found or keys[j] not in found]
        vectors = np.zeros((len(distinct), self.dim), dtype=np.float32)
        for j, key in enumerate(keys):
            if key in found:
                vectors[j] = found[key]
        if todo:
            started = time.perf_counter()
            fresh = self._embed([distinct[j] for j in todo], batch_size, show_progress)
            self.encode_seconds += time.perf_counter() - started
            self.encoded_texts += len(todo)
            vectors[todo] = fresh
            if cache is not None:
                cache.put([keys[j] for j in todo], fresh)
        row_of = {text: j for j, text in enumerate(distinct)}
        out[:] = vectors[[row_of[item] for item in items]]
        return out

    def _embed(self, items: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
        """Unit vectors of already-prefixed, distinct texts (what the body is asked for)."""
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        with _progress(len(items), f"{self.model_id} {self.variant}", enabled=show_progress) as bar:
            if getattr(self.body, "batches_itself", False):  # sorts and cuts by a token budget itself
                out[:] = np.asarray(self.body.embed(items, batch_size, on_batch=bar.update), np.float32)
            else:
                order = sorted(range(len(items)), key=lambda i: -len(items[i]))  # similar lengths together
                for start in range(0, len(order), batch_size):
                    rows = order[start : start + batch_size]
                    vectors = np.asarray(self.body.embed([items[i] for i in rows], batch_size), np.float32)
                    out[rows] = vectors.reshape(len(rows), self.dim)
                    bar.update(len(rows))
        return l2_normalise(out)

    def manifest(self) -> dict[str, Any]:
        """Identity and settings to record next to any vectors this encoder made."""
        return {
            "format": MANIFEST_FORMAT,
            "model_id": self.model_id,
            "dim": self.dim,
            "backend": self.backend,
            "variant": self.variant,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "max_seq_length": self.max_seq_length,
        }

    def save_pretrained(self, path: Path | str) -> Path:
        """Write the body (a sentence-transformers folder for ST bodies) plus `saring_encoder.json`."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.body.save(folder)
        (folder / MANIFEST_FILE).write_text(json.dumps(self.manifest(), indent=2) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def from_pretrained(cls, path: Path | str, *, device: str | None = None) -> SentenceEncoder:
        """Load a folder written by `save_pretrained` (offline)."""
        from models.encoder.loading import load_saved_encoder

        return load_saved_encoder(Path(path), device=device)


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _NoBar:
    def update(self, n: int) -> None:  # noqa: D401 - matches tqdm
        return None

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int, model_id: str, *, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    # tqdm's bar shows the rate (texts/s) and the time left
    return tqdm(total=total, unit="text", desc=f"Encoding ({model_id})", leave=False, smoothing=0.1)
