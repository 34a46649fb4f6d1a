"""`saring demo` end to end: demo KB in, index calibrated, a classifier, the watch flow, flagged items out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.demo_data import demo_path
from pipelines.store import QuarantineRow, QueueRow
from saring.config import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DemoReport:
    """What the demo did and what it flagged (the lead's `saring demo` prints it)."""

    database_url: str
    sources_file: str
    encoder: str
    kb: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None
    classifier_version: str | None = None
    classifier_trained: bool = False
    collected: dict[str, Any] = field(default_factory=dict)
    scored: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    quarantined: list[QuarantineRow] = field(default_factory=list)
    items: list[QueueRow] = field(default_factory=list)
    accounts: dict[str, int] = field(default_factory=dict)  # registry import: added/updated/unchanged
    impersonation: list[dict[str, Any]] = field(default_factory=list)  # flagged posts (issue 13)
    seconds: float = 0.0
    #: Tesseract's version and languages, or why the text in the demo's images is not read
    ocr: str = ""
    #: the demo's image posts: post id -> (expected fact check, queued and linked to it?)
    image_posts: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_demo(
    settings: Settings | None = None,
    *,
    limit: int = 15,
    train_classifier: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    """Import the demo KB (idempotent), index and calibrate it, make sure a classifier is active, run the
    watch flow over the demo sources, and return the top flagged queue items with their reasons."""
    from factcheck_kb.operations import calibrate_index, import_path
    from models.registry import ModelRegistry
    from pipelines import store
    from pipelines.demo_data.media_kit import write_media_kit
    from pipelines.flows.watch import watch_flow
    from pipelines.runtime import _encoder
    from saring.db import init_db, session_scope

    say = progress or (lambda message: log.info(message))
    started = time.perf_counter()
    settings = settings or get_settings()
    settings.ensure_dirs()
    url = settings.resolved_database_url
    init_db(url)
    sources = demo_path("sources.yaml")
    encoder = _encoder(settings.encoder_model)
    report = DemoReport(database_url=url, sources_file=str(sources), encoder=str(encoder.model_id))

    say("rendering the demo's images (posters, chat screenshots, a letter, a photo) and their re-posts")
    report.ocr = ocr_status(settings)
    media_posts, media_kb = write_media_kit(settings.home / "demo-media")
    sources = demo_sources_file(sources, media_posts)

    say("importing the demo knowledge base and updating the index")
    import_path(media_kb, db_url=url, index_dir=settings.index_dir, encoder=encoder, update_index=False)
    imported = import_path(
        demo_path("kb_clarifications.jsonl"), db_url=url, index_dir=settings.index_dir, encoder=encoder
    )
    report.kb = {
        "records": imported.records,
        "inserted": imported.inserted,
        "updated": imported.updated,
        "unchanged": imported.unchanged,
        "index": imported.index.to_dict() if imported.index else None,
    }
    if imported.index is None or imported.index.added or imported.index.updated:
        say("calibrating match bands on the demo's labelled pairs")
        thresholds, _errors, n_pairs = calibrate_index(
            demo_path("labelled_pairs.jsonl"), index_dir=settings.index_dir, encoder=encoder
        )
        report.calibration = {"pairs": n_pairs, "thresholds": _as_dict(thresholds)}

    registry = ModelRegistry(db_url=url)
    active = registry.active()
    if active is None and train_classifier:
        from models.classifier.demo import train_demo_model

        say("training the default classifier on the demo's self-written posts")
        train_demo_model(encoder=encoder, db_url=url)
        report.classifier_trained = True
        active = registry.active()
    report.classifier_version = active.version if active else None

    say("importing the demo registry of official accounts")
    from desk.services.accounts import import_accounts
    from pipelines.accounts import read_registry

    with session_scope(url) as session:
        result = import_accounts(session, read_registry(demo_path("accounts_kotabaru.yaml")), actor="demo")
    report.accounts = {"added": result.added, "updated": result.updated, "unchanged": result.unchanged}

    say("running the watch flow (collect every demo source, then score)")
    stats = watch_flow(sources_file=str(sources))
    report.collected, report.scored = stats["collected"], stats["scored"]
    with session_scope(url) as session:
        report.counts = store.counts(session)
        report.quarantined = store.list_quarantined(session, limit=20)
        report.items = store.list_queue(session, limit=limit)
        report.impersonation = flagged_impersonation(session)
        report.image_posts = image_post_outcomes(session)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def flagged_impersonation(session: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The posts flagged as impersonation, most likely first, as plain data for the CLI."""
    from sqlalchemy import select

    from saring.db.tables.accounts import ImpersonationFlag
    from saring.db.tables.core import Post

    rows = session.execute(
        select(ImpersonationFlag, Post.platform, Post.author_handle, Post.text)
        .join(Post, Post.id == ImpersonationFlag.post_id)
        .order_by(ImpersonationFlag.probability.desc(), ImpersonationFlag.id)
        .limit(limit)
    ).all()
    return [
        {
            "probability": round(flag.probability, 3),
            "platform": platform,
            "author": handle,
            "imitates": flag.imitates_label,
            "signals": [s["reason"] for s in flag.signals],
            "text": text,
        }
        for flag, platform, handle, text in rows
    ]


def ocr_status(settings: Settings) -> str:
    """Tesseract's version and languages, or the install hint (the demo's image text needs it)."""
    from saring.media.ocr import OcrUnavailable, require_tesseract, tesseract_version

    if not settings.ocr_enabled:
        return "off (SARING_OCR_ENABLED=false)"
    try:
        require_tesseract(settings.ocr_languages)
    except OcrUnavailable as exc:
        log.warning("%s", exc)
        return f"NOT AVAILABLE: {exc}"
    return f"tesseract {tesseract_version()} ({settings.ocr_languages})"


def demo_sources_file(sources: Path, media_posts: Path) -> Path:
    """The demo's sources plus the drop folder of its image posts, as a sources file beside those posts."""
    import yaml

    from pipelines.sources.config import load_sources_config

    config = load_sources_config(sources)
    entries = [entry.model_dump(exclude_defaults=True) for entry in config.sources]
    entries.append(
        {
            "name": "demo-media-posts",
            "kind": "jsonl_drop",
            "location": str(media_posts),
            "schedule": "*/15 * * * *",
            "region_tags": ["kotabaru", "kalsel"],
        }
    )
    target = media_posts.parent / "sources.yaml"
    text = yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False)
    target.write_text(text, encoding="utf-8")
    return target


def image_post_outcomes(session: Any) -> dict[str, dict[str, Any]]:
    """For each demo image post: the fact check it should land on, whether it is queued, and its links."""
    from sqlalchemy import select

    from pipelines.demo_data.media_kit import POSTS
    from saring.db.tables.core import KBItem, Match, Post, QueueItem

    out: dict[str, dict[str, Any]] = {}
    for post in POSTS:
        row = session.execute(select(Post.id, Post.ocr_text).where(Post.external_id == post.id)).first()
        if row is None:
            out[post.id] = {"expected": post.expected_kb, "queued": False, "linked": [], "ok": False}
            continue
        linked = list(
            session.scalars(
                select(KBItem.kb_id)
                .join(Match, Match.kb_item_id == KBItem.id)
                .where(Match.post_id == row.id, Match.band != "none")
                .order_by(Match.rank)
            )
        )
        queued = session.scalar(select(QueueItem.id).where(QueueItem.post_id == row.id)) is not None
        out[post.id] = {
            "expected": post.expected_kb,
            "queued": queued,
            "linked": linked,
            "ok": queued and post.expected_kb in linked,
            "ocr_chars": len(row.ocr_text or ""),
        }
    return out


def _as_dict(value: Any) -> dict[str, Any]:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return dict(value) if isinstance(value, dict) else {"value": str(value)}
