"""KB operations behind the CLI: import, add a clarification, reindex, calibrate (bands, fusion), stats.

Each keeps the database (the source of truth) and the index folder in step: the index is updated from the
stored KB items, so `saring kb reindex` and an import leave the same index.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck_kb.bands import BandThresholds, LabelledPair, calibrate
from factcheck_kb.finetune_pairs import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS
from factcheck_kb.fusion import MIN_FIT_QUERIES, FusionConfig
from factcheck_kb.index import Encoder, KBIndex, UpdateStats, build_or_update
from factcheck_kb.records import FactCheck, RowError

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
Embedded = Callable[[int, int], None]


@dataclass(slots=True)
class ImportReport:
    """What `saring kb import` did: rows read, rows refused, database upsert and index update."""

    path: str
    records: int = 0
    errors: list[RowError] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    index: UpdateStats | None = None
    images: int = 0  # images stored and linked to KB items (issue 12)


def _settings():
    from saring.config import get_settings

    return get_settings()


def _encoder(encoder: Encoder | None) -> Encoder:
    if encoder is not None:
        return encoder
    from models.encoder import load_encoder

    return load_encoder(_settings().encoder_model)


def _index_dir(index_dir: Path | None) -> Path:
    return Path(index_dir) if index_dir is not None else _settings().index_dir


def _db_url(db_url: str | None) -> str:
    from saring.db.session import init_db

    url = db_url or _settings().resolved_database_url
    init_db(url)
    return url


def sync_index(
    *,
    db_url: str | None = None,
    index_dir: Path | None = None,
    encoder: Encoder | None = None,
    rebuild: bool = False,
    show_progress: bool = False,
    progress: Progress | None = None,
    on_embedded: Embedded | None = None,
) -> UpdateStats:
    """Bring the index in line with every KB item in the database (only new/changed items are embedded)."""
    from factcheck_kb.store import load_factchecks
    from saring.db.session import session_scope

    url = _db_url(db_url)
    with session_scope(url) as session:
        factchecks = load_factchecks(session)
    return build_or_update(
        _index_dir(index_dir),
        factchecks,
        _encoder(encoder),
        show_progress=show_progress,
        remove_missing=True,
        rebuild=rebuild,
        progress=progress,
        on_embedded=on_embedded,
    )


def import_path(
    path: Path,
    fmt: str | None = None,
    *,
    db_url: str | None = None,
    index_dir: Path | None = None,
    encoder: Encoder | None = None,
    update_index: bool = True,
    show_progress: bool = False,
    progress: Progress | None = None,
    on_embedded: Embedded | None = None,
    fetch_images: bool = False,
) -> ImportReport:
    """Read a KB file (format detected when not given), upsert it into the database, update the index.

    Images the records carry are stored and linked (a path relative to the file; an URL only with
    ``fetch_images``)."""
    from factcheck_kb.importers import read
    from factcheck_kb.store import upsert_factchecks
    from saring.db.session import session_scope

    result = read(Path(path), fmt)
    report = ImportReport(path=str(path), records=len(result.records), errors=list(result.errors))
    url = _db_url(db_url)
    if progress:
        progress(f"storing {len(result.records)} records")
    with session_scope(url) as session:
        stats = upsert_factchecks(session, result.records)
        if any(r.images for r in result.records):
            from factcheck_kb.images import attach_images
            from saring.media.ingest import MediaOptions

            images = attach_images(
                session,
                result.records,
                MediaOptions.from_settings(_settings()),
                base_dir=Path(path).parent,
                fetch=fetch_images,
                source_file=str(path),
            )
            report.images = images.attached
            report.errors.extend(images.errors)
    report.inserted, report.updated, report.unchanged = stats.inserted, stats.updated, stats.unchanged
    if update_index:
        report.index = sync_index(
            db_url=url,
            index_dir=index_dir,
            encoder=encoder,
            show_progress=show_progress,
            progress=progress,
            on_embedded=on_embedded,
        )
    return report


def add_clarification(
    title: str,
    claim: str,
    facts: str,
    *,
    category: str | None = None,
    url: str | None = None,
    conclusion: str = "",
    db_url: str | None = None,
    index_dir: Path | None = None,
    encoder: Encoder | None = None,
) -> tuple[FactCheck, UpdateStats]:
    """Store the Pemda's own clarification and index it at once."""
    from factcheck_kb.importers.pemda import pemda_clarification
    from factcheck_kb.store import upsert_factchecks
    from saring.db.session import session_scope

    record = pemda_clarification(title, claim, facts, conclusion=conclusion, category=category, url=url)
    dburl = _db_url(db_url)
    with session_scope(dburl) as session:
        upsert_factchecks(session, [record])
    stats = build_or_update(_index_dir(index_dir), [record], _encoder(encoder), remove_missing=False)
    return record, stats


def read_labelled_pairs(path: Path) -> tuple[list[LabelledPair], list[RowError]]:
    """JSONL lines {"text", "kb_id", "label"} (label 1/0 or true/false); bad lines are reported, not fatal."""
    pairs: list[LabelledPair] = []
    errors: list[RowError] = []
    with Path(path).open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
                text, kb_id, label = obj["text"], obj["kb_id"], obj["label"]
                if not isinstance(text, str) or not text.strip() or not isinstance(kb_id, str) or not kb_id:
                    raise ValueError("text and kb_id must be non-empty strings")
                if isinstance(label, str):
                    label = label.strip().lower() in ("1", "true", "yes", "ya")
                pairs.append(LabelledPair(text=text, kb_id=kb_id, label=1 if label else 0))
            except (ValueError, KeyError, TypeError) as exc:
                errors.append(RowError(str(path), line_no, f"{type(exc).__name__}: {exc}"))
    return pairs, errors


def fit_fusion_index(
    pairs_path: Path,
    *,
    index_dir: Path | None = None,
    encoder: Encoder | None = None,
    min_queries: int = MIN_FIT_QUERIES,
) -> tuple[FusionConfig, list[RowError], int]:
    """Fit the dense/lexical fusion weights on the positive labelled pairs and write them into the manifest.

    Each distinct text with a positive pair is a query whose right answers are its positive kb_ids; the
    weights with the best MRR among the matcher's candidates win. Band thresholds depend on the fused score:
    run :func:`calibrate_index` afterwards (``saring kb calibrate --fusion`` does both). Returns (fusion,
    errors, labelled queries); too few queries leave the manifest's fusion as it was.
    """
    from factcheck_kb.matcher import Matcher

    pairs, errors = read_labelled_pairs(pairs_path)
    golds: dict[str, set[str]] = {}
    for pair in pairs:
        if pair.label:
            golds.setdefault(pair.text, set()).add(pair.kb_id)
    if not golds:
        raise ValueError(f"no positive labelled pairs in {pairs_path}")
    enc = _encoder(encoder)
    index = KBIndex.open(_index_dir(index_dir), enc)
    matcher = Matcher(index, enc)
    fusion, _grid = matcher.fit_fusion(list(golds), list(golds.values()), min_queries=min_queries)
    if fusion.source == "fitted":
        index.fusion = fusion
        index.save()
    return fusion, errors, len(golds)


def calibrate_index(
    pairs_path: Path,
    *,
    index_dir: Path | None = None,
    encoder: Encoder | None = None,
    auto_precision: float = 0.95,
    suggest_precision: float = 0.60,
) -> tuple[BandThresholds, list[RowError], int]:
    """Score labelled pairs with the matcher, choose thresholds, write them into the index manifest."""
    from factcheck_kb.matcher import Matcher

    pairs, errors = read_labelled_pairs(pairs_path)
    if not pairs:
        raise ValueError(f"no usable labelled pairs in {pairs_path}")
    enc = _encoder(encoder)
    index = KBIndex.open(_index_dir(index_dir), enc)
    matcher = Matcher(index, enc)
    scores = matcher.score_pairs([p.text for p in pairs], [p.kb_id for p in pairs])
    thresholds = calibrate(
        pairs,
        scores,
        base=index.thresholds,
        auto_precision=auto_precision,
        suggest_precision=suggest_precision,
    )
    index.thresholds = thresholds
    index.save()
    return thresholds, errors, len(pairs)


def index_stats(*, index_dir: Path | None = None, db_url: str | None = None) -> dict[str, Any]:
    """Index summary plus database counts (no encoder needed)."""
    from factcheck_kb.store import kb_stats
    from saring.db.session import session_scope

    out: dict[str, Any] = {}
    folder = _index_dir(index_dir)
    out["index"] = KBIndex.open(folder).stats() if KBIndex.exists(folder) else None
    url = _db_url(db_url)
    with session_scope(url) as session:
        stats = kb_stats(session)
    out["database"] = {
        "total": stats.total,
        "by_source": stats.by_source,
        "by_verdict": stats.by_verdict,
        "by_text_quality": stats.by_text_quality,
        "first_date": stats.first_date.isoformat() if stats.first_date else None,
        "last_date": stats.last_date.isoformat() if stats.last_date else None,
        "undated": stats.undated,
    }
    return out


def finetune_from_kb(
    out_dir: Path,
    *,
    before=None,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    db_url: str | None = None,
) -> tuple[Path, int]:
    """Fine-tune the E5 encoder on the stored KB's (claim -> fact check) pairs; returns (folder, pairs)."""
    from factcheck_kb.finetune_pairs import finetune_encoder, training_pairs
    from factcheck_kb.store import load_factchecks
    from saring.db.session import session_scope

    with session_scope(_db_url(db_url)) as session:
        factchecks = load_factchecks(session)
    pairs = training_pairs(factchecks, before=before)
    if not pairs:
        raise ValueError("no KB item has both a claim and a title/article to train on")
    return finetune_encoder(pairs, Path(out_dir), epochs=epochs, batch_size=batch_size), len(pairs)
