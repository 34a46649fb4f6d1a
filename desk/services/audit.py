"""Append-only audit trail: every change records who, when, what, and the models and thresholds in force."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saring.config import get_settings
from saring.db.tables.core import AuditLog, Match, QueueItem
from saring.db.tables.registry import ModelVersion

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _manifest_thresholds(path: str, mtime: float) -> dict[str, Any]:
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("cannot read index manifest %s: %s", path, exc)
        return {}
    return {
        "matcher_model": manifest.get("model_id"),
        "band_thresholds": manifest.get("thresholds"),
        "fusion": manifest.get("fusion"),
        "index_updated_at": manifest.get("updated_at") or manifest.get("created_at"),
    }


def index_thresholds() -> dict[str, Any]:
    """Band thresholds from the search index manifest (empty when no index is built)."""
    index_dir = get_settings().index_dir
    path = index_dir / "manifest.json"  # factcheck_kb.index.MANIFEST
    if path.is_file():
        return _manifest_thresholds(str(path), path.stat().st_mtime)
    return {}


def models_in_force(session: Session, item: QueueItem | None) -> dict[str, Any]:
    """The classifier version, matcher model and thresholds that produced this item's scores."""
    context: dict[str, Any] = {
        "model_version": None,
        "classifier_threshold": None,
        "matcher_model": None,
        "band_thresholds": None,
    }
    context.update({k: v for k, v in index_thresholds().items() if v is not None})
    if item is not None:
        context["model_version"] = item.model_version
        if item.model_version:
            threshold = session.scalar(
                select(ModelVersion.threshold).where(ModelVersion.version == item.model_version)
            )
            context["classifier_threshold"] = threshold
        matcher = session.scalar(
            select(Match.model_id).where(Match.post_id == item.post_id).order_by(Match.rank).limit(1)
        )
        if matcher:
            context["matcher_model"] = matcher
    return context


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    item: QueueItem | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **extra: Any,
) -> AuditLog:
    """Add one audit row (flushed with the change it describes, in the same transaction)."""
    details: dict[str, Any] = {"in_force": models_in_force(session, item)}
    if before is not None:
        details["before"] = before
    if after is not None:
        details["after"] = after
    details.update(extra)
    row = AuditLog(
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        details=json.loads(json.dumps(details, default=str)),
    )
    session.add(row)
    return row


def trail(session: Session, queue_item_id: int) -> list[AuditLog]:
    """Every audit row about one queue item, oldest first."""
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.entity_type == "queue_item", AuditLog.entity_id == str(queue_item_id))
            .order_by(AuditLog.at, AuditLog.id)
        )
    )
