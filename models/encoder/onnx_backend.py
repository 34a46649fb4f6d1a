"""ONNX Runtime body: an exported folder (models.encoder.onnx_export) run with onnxruntime, no torch needed.

Short social posts vary in length; this body tokenises a whole call at once, sorts by token count and cuts
batches by a token budget (padded tokens per batch), so a batch of tweets is not padded to a long article.

Batches run one per core, each single-threaded, on one pool per process. Measured in
eval/encoder_backends.py (``--threads`` times both layouts): single-threaded runs side by side beat one run
spread over the cores by intra-op threads (5-13% on 2 cores), and the flow's concurrent chunk tasks share
the pool instead of each starting its own intra-op threads on the same cores (which cost the flow 12%).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from models.encoder.onnx_export import EXPORT_MANIFEST, VARIANT_FILES

log = logging.getLogger(__name__)

#: Padded tokens per batch (rows x longest row). Measured in eval/encoder_backends.py (--budgets).
DEFAULT_TOKEN_BUDGET = 2048
MAX_BATCH_ROWS = 64


def default_threads() -> int:
    """Intra-op threads: the cores this process may use (set once, at session creation)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def batch_pool(workers: int) -> ThreadPoolExecutor:
    """The process's pool of ``workers`` batch runners (shared by every body and caller)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            pool = _POOLS[workers] = ThreadPoolExecutor(workers, thread_name_prefix="onnx-batch")
        return pool


def token_batches(lengths: list[int], budget: int, max_rows: int = MAX_BATCH_ROWS) -> list[list[int]]:
    """Row indices grouped shortest first so that rows x longest row stays within ``budget`` tokens."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[i]  # sorted ascending: the newest row is the longest
        if current and ((len(current) + 1) * longest > budget or len(current) >= max_rows):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


class OnnxBody:
    """Runs ``model.onnx`` or ``model-int8.onnx``; the graph returns pooled (not yet normalised) vectors."""

    batches_itself = True

    def __init__(
        self,
        folder: Path,
        variant: str = "onnx",
        *,
        threads: int | None = None,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
        side_by_side: bool = True,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if variant not in VARIANT_FILES:
            raise ValueError(f"variant must be one of {sorted(VARIANT_FILES)}, not {variant!r}")
        self.folder = Path(folder)
        self.variant = variant
        self.backend_name = variant
        self.manifest = json.loads((self.folder / EXPORT_MANIFEST).read_text(encoding="utf-8"))
        self.threads = threads or default_threads()
        self.token_budget = int(token_budget)
        options = ort.SessionOptions()
        # one thread per run and ``threads`` runs side by side (module docstring); else one run at a
        # time over ``threads`` intra-op threads
        self.side_by_side = side_by_side
        options.intra_op_num_threads = 1 if side_by_side else self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(self.folder / VARIANT_FILES[variant]), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = list(self.manifest["inputs"])
        self.pad_id = int(self.manifest.get("pad_token_id", 0))
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self._max_seq_length: int | None = None
        self.max_seq_length = self.manifest.get("max_seq_length")

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    @property
    def fingerprint(self) -> str:
        """The source model's fingerprint and when it was exported (an export made anew is new vectors)."""
        return f"{self.manifest.get('source_fingerprint', '')}@{self.manifest.get('created_at', '')}"

    @property
    def max_seq_length(self) -> int | None:
        return self._max_seq_length

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None:
        if value is None:
            return
        self._max_seq_length = int(value)
        self.tokenizer.enable_truncation(self._max_seq_length)

    def embed(
        self, texts: list[str], batch_size: int, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Pooled vectors of ``texts`` in their order; ``batch_size`` caps the rows of one batch."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        rows_cap = max(1, min(int(batch_size), MAX_BATCH_ROWS)) if batch_size else MAX_BATCH_ROWS

        def run(rows: list[int]) -> np.ndarray:
            width = max(lengths[i] for i in rows)
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                ids[j, : lengths[i]] = encodings[i].ids
                mask[j, : lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            return self.session.run(None, feed)[0]

        batches = token_batches(lengths, self.token_budget, rows_cap)
        parallel = self.side_by_side and self.threads > 1
        results = batch_pool(self.threads).map(run, batches) if parallel else map(run, batches)
        for rows, vectors in zip(batches, results, strict=True):
            out[rows] = vectors
            if on_batch is not None:
                on_batch(len(rows))
        return out

    def save(self, path: Path) -> None:
        """Copy the exported files (both variants, tokenizer, manifest) into ``path``."""
        import shutil

        for item in self.folder.iterdir():
            if item.is_file():
                shutil.copy2(item, Path(path) / item.name)
