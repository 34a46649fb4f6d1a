"""Sentence-transformers body: an ST folder as saved, or mean pooling stacked on a plain BERT folder."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Hide transformers' own progress bars ("Loading weights", "Writing model shards") for a moment."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


class SentenceTransformerBody:
    """Wraps a `SentenceTransformer`; texts arrive already prefixed."""

    backend_name = "sentence-transformers"
    variant = "torch"

    def __init__(self, model, folder: Path | None = None) -> None:
        self.model = model
        self.folder = Path(folder) if folder is not None else None
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """A hash of the source folder's files (see onnx_export.source_fingerprint); "" when unknown."""
        if self._fingerprint is None:
            from models.encoder.onnx_export import source_fingerprint

            self._fingerprint = source_fingerprint(self.folder) if self.folder is not None else ""
        return self._fingerprint

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_seq_length(self) -> int | None:
        return self.model.max_seq_length

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None:
        if value is not None:
            self.model.max_seq_length = int(value)

    @property
    def prompts(self) -> dict[str, str]:
        return dict(getattr(self.model, "prompts", None) or {})

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )

    def save(self, path: Path) -> None:
        with quiet_transformers():
            self.model.save(str(path))


def load_sentence_transformers_folder(folder: Path, *, device: str) -> SentenceTransformerBody:
    """A folder with `modules.json`: load it as saved, fully offline."""
    from sentence_transformers import SentenceTransformer

    with quiet_transformers():
        model = SentenceTransformer(str(folder), local_files_only=True, device=device)
    return SentenceTransformerBody(model, folder)


def load_plain_transformer_folder(
    folder: Path, *, device: str, max_seq_length: int | None = None
) -> SentenceTransformerBody:
    """A plain Hugging Face folder (e.g. IndoBERT): Transformer + mean Pooling + Normalize."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    hub = {"local_files_only": True}
    with quiet_transformers():
        transformer = Transformer(
            str(folder),
            max_seq_length=max_seq_length,
            model_kwargs=dict(hub),
            processor_kwargs=dict(hub),
            config_kwargs=dict(hub),
        )
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device=device)
    log.info("built mean-pooling sentence encoder on plain model folder %s", folder)
    return SentenceTransformerBody(model, folder)
