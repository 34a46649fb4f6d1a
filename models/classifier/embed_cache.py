"""Embedding cache for the classifier: models.encoder.vector_cache by encoder identity and text hash."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from saring.config import get_settings


class Encoder(Protocol):
    """What the classifier needs from a sentence encoder (models.encoder.SentenceEncoder fits)."""

    model_id: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


def default_cache_root() -> Path:
    return get_settings().home / "cache" / "embeddings"


def cached_encode(
    encoder: Encoder,
    texts: Sequence[str],
    *,
    kind: str = "query",
    batch_size: int = 32,
    root: Path | None = None,
) -> np.ndarray:
    """Encode texts, reusing vectors cached for this encoder's identity (model, variant, weights)."""
    from models.encoder.vector_cache import cached_encode as encode_through_cache

    return encode_through_cache(
        encoder, texts, kind=kind, batch_size=batch_size, root=root or default_cache_root()
    )
