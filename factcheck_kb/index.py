"""The knowledge-base index: a folder with FAISS vectors, a BM25 index, an item table and a manifest.

    index_dir/manifest.json   model id, dimension, view scheme, counts, build time, bands and fusion settings
    index_dir/items.json      kb_id <-> int item id, content hash, number of views, published date, title
    index_dir/dense.faiss     view vectors (ids = item_id * 64 + view number)
    index_dir/lexical/        BM25 term counts and vocabulary
    index_dir/stems.json      Sastrawi stem cache (speeds up later updates)

Updates are incremental: only new or changed items (by content hash) are embedded; a changed item's old
vectors and BM25 row are removed first.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from factcheck_kb.bands import BandThresholds, default_thresholds
from factcheck_kb.dense import ANN_THRESHOLD, DenseStore, view_ids
from factcheck_kb.fusion import FusionConfig, default_fusion
from factcheck_kb.lexical import BM25Index
from factcheck_kb.records import FactCheck
from factcheck_kb.tokens import IndonesianAnalyzer
from factcheck_kb.views import DEFAULT_SCHEME, ViewScheme, item_views, lexical_text

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ITEMS = "items.json"
DENSE = "dense.faiss"
LEXICAL = "lexical"
STEMS = "stems.json"
# Lexical tokens: stems and surface forms together measured best at R@5 on both periods (eval/retrieval.py).
DEFAULT_ANALYZER_MODE = "both"
EMBED_CHUNK = 256


class Encoder(Protocol):
    """What the index needs of models.encoder.SentenceEncoder."""

    model_id: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


class IndexError_(ValueError):
    """The index folder is missing, broken, or was built for something else."""


class IndexModelMismatch(IndexError_):
    """The index was built with another encoder (model id or dimension)."""


@dataclass(slots=True)
class ItemEntry:
    """One KB item in the index."""

    kb_id: str
    item_id: int
    content_hash: str
    n_views: int
    published: str | None = None
    #: the fact check's title, for the match verifier's title coverage (None in indexes built before it)
    title: str | None = None


@dataclass(slots=True)
class UpdateStats:
    """What build_or_update did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    vectors_embedded: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    items_total: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Manifest:
    """Everything needed to reopen, check and query the index."""

    model_id: str
    dim: int
    view_scheme: dict
    item_count: int = 0
    vector_count: int = 0
    created_at: str = ""
    updated_at: str = ""
    last_build_seconds: float = 0.0
    dense: dict = field(default_factory=dict)
    analyzer: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    fusion: dict = field(default_factory=dict)
    #: how the vectors were computed: variant (torch | onnx | onnx-int8 | use), its probe agreement with
    #: torch, and the ``auto`` choice with the measurement behind it (models.encoder.variant_record)
    encoder: dict = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_encoder(manifest: Manifest, encoder: Encoder, path: Path) -> None:
    """Refuse an encoder whose model id or dimension differs from the one the index was built with, or
    whose variant's vectors measurably differ (models.encoder.assert_same_vectors states the rule)."""
    try:
        from models.encoder import EncoderMismatchError, assert_compatible, assert_same_vectors
    except ImportError:  # the encoder package is optional for the index itself
        assert_compatible = None
    if assert_compatible is not None:
        try:
            assert_compatible(manifest.model_id, manifest.dim, encoder)
            assert_same_vectors(manifest.encoder, encoder, f"the index at {path}")
        except EncoderMismatchError as exc:
            raise IndexModelMismatch(f"index at {path}: {exc}") from exc
    if manifest.model_id != encoder.model_id or int(manifest.dim) != int(encoder.dim):
        raise IndexModelMismatch(
            f"the index at {path} was built with model {manifest.model_id!r} ({manifest.dim}-d) but the "
            f"encoder is {encoder.model_id!r} ({encoder.dim}-d); rebuild it with `saring kb reindex --full` "
            "or configure that model"
        )


def _variant_record(encoder: Encoder) -> dict:
    try:
        from models.encoder import variant_record
    except ImportError:
        return {}
    record = variant_record(encoder)
    return record if record["variant"] else {}


class KBIndex:
    """An open index folder; use :meth:`open` or :meth:`create`, then :meth:`update` / :meth:`save`."""

    def __init__(
        self,
        path: Path,
        manifest: Manifest,
        items: dict[str, ItemEntry],
        dense: DenseStore,
        lexical: BM25Index,
        analyzer: IndonesianAnalyzer,
    ):
        self.path = Path(path)
        self.manifest = manifest
        self.items = items
        self.dense = dense
        self.lexical = lexical
        self.analyzer = analyzer
        self._by_item_id: dict[int, ItemEntry] | None = None

    # ------------------------------------------------------------ opening

    @staticmethod
    def exists(path: Path) -> bool:
        return (Path(path) / MANIFEST).is_file()

    @classmethod
    def create(
        cls,
        path: Path,
        encoder: Encoder,
        *,
        scheme: ViewScheme = DEFAULT_SCHEME,
        thresholds: BandThresholds | None = None,
        fusion: FusionConfig | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        analyzer_mode: str = DEFAULT_ANALYZER_MODE,
    ) -> KBIndex:
        """A new, empty index for this encoder (nothing is written until :meth:`save`)."""
        analyzer = IndonesianAnalyzer(mode=analyzer_mode)
        manifest = Manifest(
            model_id=encoder.model_id,
            dim=int(encoder.dim),
            view_scheme=scheme.to_dict(),
            created_at=_now(),
            analyzer=analyzer.config,
            thresholds=(thresholds or default_thresholds(encoder.model_id)).to_dict(),
            fusion=(fusion or default_fusion(encoder.model_id)).to_dict(),
            encoder=_variant_record(encoder),
        )
        dense = DenseStore(encoder.dim, ann_threshold=ann_threshold)
        return cls(Path(path), manifest, {}, dense, BM25Index(), analyzer)

    @classmethod
    def open(cls, path: Path, encoder: Encoder | None = None) -> KBIndex:
        """Open an index folder; refuses an encoder with another model id or dimension."""
        path = Path(path)
        if not cls.exists(path):
            raise IndexError_(
                f"no KB index at {path} (build one with `saring kb import` or `saring kb reindex`)"
            )
        try:
            manifest = Manifest.from_dict(json.loads((path / MANIFEST).read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise IndexError_(f"broken manifest in {path}: {exc}") from exc
        if manifest.format != FORMAT_VERSION:
            raise IndexError_(
                f"index format {manifest.format} in {path}; this version reads {FORMAT_VERSION}"
            )
        if encoder is not None:
            check_encoder(manifest, encoder, path)
        rows = json.loads((path / ITEMS).read_text(encoding="utf-8")) if (path / ITEMS).is_file() else []
        items = {
            r[0]: ItemEntry(
                r[0],
                int(r[1]),
                r[2],
                int(r[3]),
                r[4] if len(r) > 4 else None,
                r[5] if len(r) > 5 else None,
            )
            for r in rows
        }
        ann_threshold = int(manifest.dense.get("ann_threshold", ANN_THRESHOLD))
        if (path / DENSE).is_file():
            dense = DenseStore.load(path / DENSE, int(manifest.dim), ann_threshold=ann_threshold)
        else:
            dense = DenseStore(int(manifest.dim), ann_threshold=ann_threshold)
        lexical = BM25Index.load(path / LEXICAL) if BM25Index.exists(path / LEXICAL) else BM25Index()
        analyzer = IndonesianAnalyzer(mode=manifest.analyzer.get("mode", DEFAULT_ANALYZER_MODE))
        analyzer.load_cache(path / STEMS)
        return cls(path, manifest, items, dense, lexical, analyzer)

    # ------------------------------------------------------------ properties

    @property
    def scheme(self) -> ViewScheme:
        return ViewScheme.from_dict(self.manifest.view_scheme)

    @property
    def thresholds(self) -> BandThresholds:
        return (
            BandThresholds.from_dict(self.manifest.thresholds)
            if self.manifest.thresholds
            else (default_thresholds(self.manifest.model_id))
        )

    @thresholds.setter
    def thresholds(self, value: BandThresholds) -> None:
        self.manifest.thresholds = value.to_dict()

    @property
    def fusion(self) -> FusionConfig:
        """The manifest's fusion; weights fitted for another model id give way to this model's default."""
        if not self.manifest.fusion:
            return default_fusion(self.manifest.model_id)
        config = FusionConfig.from_dict(self.manifest.fusion)
        if config.fitted_for is not None and config.fitted_for != self.manifest.model_id:
            log.warning(
                "index %s: fusion was fitted for %r, not %r; using the default",
                self.path,
                config.fitted_for,
                self.manifest.model_id,
            )
            return default_fusion(self.manifest.model_id)
        return config

    @fusion.setter
    def fusion(self, value: FusionConfig) -> None:
        self.manifest.fusion = value.to_dict()

    def __len__(self) -> int:
        return len(self.items)

    def entry_for_item_id(self, item_id: int) -> ItemEntry | None:
        if self._by_item_id is None:
            self._by_item_id = {e.item_id: e for e in self.items.values()}
        return self._by_item_id.get(int(item_id))

    def kb_id_of(self, item_id: int) -> str | None:
        entry = self.entry_for_item_id(item_id)
        return entry.kb_id if entry else None

    def stats(self) -> dict[str, Any]:
        """A summary for `saring kb stats`."""
        m = self.manifest
        return {
            "path": str(self.path),
            "model_id": m.model_id,
            "dim": m.dim,
            "items": len(self.items),
            "vectors": self.dense.ntotal,
            "lexical_docs": len(self.lexical),
            "vocabulary": self.lexical.vocab_size,
            "dense_index": self.dense.describe(),
            "view_scheme": m.view_scheme,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "last_build_seconds": m.last_build_seconds,
            "thresholds": m.thresholds,
            "fusion": m.fusion,
            "encoder": {k: v for k, v in m.encoder.items() if k != "choice"},
            "encoder_choice": (m.encoder.get("choice") or {}).get("variant"),
        }

    # ------------------------------------------------------------ updating

    def update(
        self,
        factchecks: Iterable[FactCheck],
        encoder: Encoder,
        *,
        remove_missing: bool = True,
        show_progress: bool = False,
        batch_size: int = 32,
        progress: Callable[[str], None] | None = None,
        on_embedded: Callable[[int, int], None] | None = None,
    ) -> UpdateStats:
        """Bring the index in line with ``factchecks``: embed only new and changed items.

        ``on_embedded(done, total)`` (for progress bars) makes the encoding go in chunks of EMBED_CHUNK texts.
        """
        check_encoder(self.manifest, encoder, self.path)
        start = time.perf_counter()
        stats = UpdateStats()
        scheme = self.scheme
        wanted: dict[str, FactCheck] = {}
        for fc in factchecks:
            if fc.has_text:
                wanted[fc.kb_id] = fc
        to_embed: list[tuple[FactCheck, ItemEntry | None]] = []
        for kb_id, fc in wanted.items():
            entry = self.items.get(kb_id)
            if entry is not None and entry.content_hash == fc.content_hash():
                stats.unchanged += 1
                if entry.title is None:  # an index from before titles were kept: no re-embedding needed
                    entry.title = fc.title or ""
            else:
                to_embed.append((fc, entry))
        gone = [e for k, e in self.items.items() if k not in wanted] if remove_missing else []

        # removals first (changed items lose their old vectors and BM25 row)
        drop_items = [e for _, e in to_embed if e is not None] + gone
        if drop_items:
            self.dense.remove(np.concatenate([view_ids(e.item_id, e.n_views) for e in drop_items]))
            self.lexical.remove([e.item_id for e in drop_items])
        for entry in gone:
            del self.items[entry.kb_id]
        stats.removed = len(gone)

        next_id = max((e.item_id for e in self.items.values()), default=-1) + 1
        texts: list[str] = []
        ids: list[np.ndarray] = []
        lexical_ids: list[int] = []
        lexical_docs: list[list[str]] = []
        new_entries: list[ItemEntry] = []
        if progress and to_embed:
            progress(f"tokenising {len(to_embed)} items")
        for fc, old in to_embed:
            views = item_views(fc, scheme) or [fc.title or fc.kb_id]
            item_id = old.item_id if old is not None else next_id
            if old is None:
                next_id += 1
                stats.added += 1
            else:
                stats.updated += 1
            texts.extend(views)
            ids.append(view_ids(item_id, len(views)))
            lexical_ids.append(item_id)
            lexical_docs.append(self.analyzer(lexical_text(fc, scheme)))
            published = fc.published_date.isoformat() if fc.published_date else None
            new_entries.append(
                ItemEntry(fc.kb_id, item_id, fc.content_hash(), len(views), published, fc.title or "")
            )

        if texts:
            if progress:
                progress(f"embedding {len(texts)} views of {len(to_embed)} items")
            t0 = time.perf_counter()
            if on_embedded is None:
                vectors = encoder.encode(
                    texts, kind="passage", batch_size=batch_size, show_progress=show_progress
                )
            else:
                # chunks of similar length (shortest first) pad little and show progress early
                order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
                vectors = np.zeros((len(texts), int(encoder.dim)), dtype=np.float32)
                on_embedded(0, len(texts))
                for first in range(0, len(texts), EMBED_CHUNK):
                    rows = order[first : first + EMBED_CHUNK]
                    vectors[rows] = encoder.encode(
                        [texts[i] for i in rows], kind="passage", batch_size=batch_size
                    )
                    on_embedded(min(first + EMBED_CHUNK, len(texts)), len(texts))
            stats.embed_seconds = time.perf_counter() - t0
            stats.vectors_embedded = len(texts)
            self.dense.add(np.concatenate(ids), np.asarray(vectors, dtype=np.float32))
            self.lexical.add(lexical_ids, lexical_docs)
        for entry in new_entries:
            self.items[entry.kb_id] = entry
        self._by_item_id = None
        if self.dense.maybe_convert() and progress:
            progress(f"dense index is now {self.dense.kind}")
        stats.items_total = len(self.items)
        stats.seconds = time.perf_counter() - start
        self.manifest.last_build_seconds = round(stats.seconds, 3)
        return stats

    def save(self) -> None:
        """Write every part; the manifest goes last so a crash leaves the old manifest in charge."""
        self.path.mkdir(parents=True, exist_ok=True)
        self.dense.save(self.path / DENSE)
        self.lexical.save(self.path / LEXICAL)
        rows = sorted(
            (
                [e.kb_id, e.item_id, e.content_hash, e.n_views, e.published, e.title]
                for e in self.items.values()
            ),
            key=lambda r: r[1],
        )
        tmp = self.path / (ITEMS + ".tmp")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path / ITEMS)
        self.analyzer.save_cache(self.path / STEMS)
        m = self.manifest
        m.item_count = len(self.items)
        m.vector_count = self.dense.ntotal
        m.dense = self.dense.describe()
        m.updated_at = _now()
        tmp = self.path / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(m.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path / MANIFEST)


def build_or_update(
    index_dir: Path,
    factchecks: Iterable[FactCheck],
    encoder: Encoder,
    *,
    show_progress: bool = False,
    remove_missing: bool = True,
    scheme: ViewScheme | None = None,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
    on_embedded: Callable[[int, int], None] | None = None,
) -> UpdateStats:
    """Open (or create) the index at ``index_dir``, apply ``factchecks`` incrementally and save it.

    ``remove_missing`` drops indexed items absent from ``factchecks`` (pass the whole KB); ``rebuild`` starts
    from an empty index (also needed after a model or view-scheme change).
    """
    index_dir = Path(index_dir)
    index = None
    if KBIndex.exists(index_dir) and not rebuild:
        index = KBIndex.open(index_dir, encoder)
        if scheme is not None and scheme.to_dict() != index.manifest.view_scheme:
            raise IndexError_(f"the index at {index_dir} uses another view scheme; pass rebuild=True")
    if index is None:
        old_thresholds = old_fusion = None
        if KBIndex.exists(index_dir):
            try:
                old = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
                if old.get("model_id") == encoder.model_id:
                    old_thresholds = (
                        BandThresholds.from_dict(old["thresholds"]) if old.get("thresholds") else None
                    )
                    old_fusion = FusionConfig.from_dict(old["fusion"]) if old.get("fusion") else None
            except (OSError, ValueError, KeyError, TypeError):
                pass
        index = KBIndex.create(
            index_dir, encoder, scheme=scheme or DEFAULT_SCHEME, thresholds=old_thresholds, fusion=old_fusion
        )
        for stale in (DENSE, ITEMS):
            (index_dir / stale).unlink(missing_ok=True)
    stats = index.update(
        factchecks,
        encoder,
        remove_missing=remove_missing,
        show_progress=show_progress,
        progress=progress,
        on_embedded=on_embedded,
    )
    index.save()
    log.info("KB index %s: %s", index_dir, stats.to_dict())
    return stats
