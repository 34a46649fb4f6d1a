"""Decisions on queue items: verdicts (applied to the whole issue cluster) and comments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desk.services import audit
from desk.services.access import Viewer, load_item, require
from desk.services.validation import (
    MAX_COMMENT_CHARS,
    MAX_REASON_CHARS,
    InputError,
    clean_text,
    clean_url,
    parse_int,
)
from saring.config import get_settings
from saring.db.base import utcnow
from saring.db.tables.core import AuditLog, KBItem, Post, QueueItem, Verdict
from saring.db.tables.desk import Comment

VERDICTS: dict[str, str] = {
    "hoaks": "Hoaks",
    "disinformasi": "Disinformasi",
    "misinformasi": "Misinformasi",
    "bukan_hoaks": "Bukan hoaks",
    "perlu_investigasi": "Perlu investigasi",
}
OPEN_STATUSES = ("baru", "investigasi")
STATUS_LABELS = {"baru": "Baru", "investigasi": "Perlu investigasi", "selesai": "Sudah diputuskan"}
KB_VERDICT = {"hoaks": "SALAH", "disinformasi": "SALAH", "misinformasi": "SALAH", "bukan_hoaks": "BENAR"}


@dataclass(frozen=True, slots=True)
class Change:
    """Who last changed an item, and how (plain values, usable after the session closed)."""

    actor: str
    action: str
    at: datetime


class StaleItemError(RuntimeError):
    """Someone changed the item since this officer loaded it; nothing was saved."""

    def __init__(self, item_id: int, current_version: int, last_change: Change | None):
        super().__init__(f"queue item {item_id} changed (now version {current_version})")
        self.item_id = item_id
        self.current_version = current_version
        self.last_change = last_change


@dataclass(slots=True)
class VerdictInput:
    """A verdict as an officer submits it (raw strings from a form or JSON)."""

    verdict: str
    reason: str
    version: int | str | None
    kb_item_id: int | str | None = None
    new_factcheck_url: str | None = None
    new_factcheck_title: str | None = None


@dataclass(slots=True)
class DecisionResult:
    """What a verdict changed: the items decided and the cluster items left alone (already decided)."""

    verdict: str
    item_ids: list[int] = field(default_factory=list)
    skipped_item_ids: list[int] = field(default_factory=list)
    kb_item_id: int | None = None


def check_version(session: Session, item: QueueItem, version: int | str | None) -> None:
    """Refuse when the submitted version is not the item's current one (optimistic locking)."""
    errors: dict[str, str] = {}
    expected = parse_int(version, field="version", label="Versi item", errors=errors, required=True)
    if errors:
        raise InputError(errors)
    if expected != item.version_id:
        last = session.scalar(
            select(AuditLog)
            .where(AuditLog.entity_type == "queue_item", AuditLog.entity_id == str(item.id))
            .order_by(AuditLog.id.desc())
            .limit(1)
        )
        change = Change(last.actor, last.action, last.at) if last is not None else None
        raise StaleItemError(item.id, item.version_id, change)


def cluster_items(session: Session, item: QueueItem) -> list[QueueItem]:
    """The other queue items of the same issue cluster (empty when the post has no cluster)."""
    cluster_id = session.scalar(select(Post.cluster_id).where(Post.id == item.post_id))
    if cluster_id is None:
        return []
    query = (
        select(QueueItem)
        .join(Post, Post.id == QueueItem.post_id)
        .where(Post.cluster_id == cluster_id, QueueItem.id != item.id)
        .order_by(QueueItem.id)
    )
    return list(session.scalars(query))


def _validate_verdict(data: VerdictInput) -> tuple[str, str, int | None, str | None, str]:
    errors: dict[str, str] = {}
    verdict = (data.verdict or "").strip()
    if verdict not in VERDICTS:
        errors["verdict"] = "Pilih salah satu putusan: " + ", ".join(VERDICTS.values()) + "."
    reason = clean_text(
        data.reason, field="reason", label="Alasan", max_chars=MAX_REASON_CHARS, required=True, errors=errors
    )
    kb_item_id = parse_int(data.kb_item_id, field="kb_item_id", label="Cek fakta", errors=errors)
    url = clean_url(
        data.new_factcheck_url, field="new_factcheck_url", label="Tautan cek fakta baru", errors=errors
    )
    title = clean_text(
        data.new_factcheck_title,
        field="new_factcheck_title",
        label="Judul cek fakta baru",
        max_chars=500,
        required=False,
        errors=errors,
    )
    if kb_item_id is not None and url:
        errors["new_factcheck_url"] = "Pilih cek fakta yang ada atau isi tautan baru, bukan keduanya."
    if errors:
        raise InputError(errors)
    return verdict, reason, kb_item_id, url, title


def _factcheck_for(
    session: Session,
    kb_item_id: int | None,
    url: str | None,
    title: str,
    verdict: str,
    post: Post,
    actor: str,
) -> KBItem | None:
    """The chosen KB item, or a new TRC fact check for a new link (reused when the link is known)."""
    if kb_item_id is not None:
        kb_item = session.get(KBItem, kb_item_id)
        if kb_item is None:
            raise InputError({"kb_item_id": f"Cek fakta #{kb_item_id} tidak ditemukan."})
        return kb_item
    if not url:
        return None
    existing = session.scalar(select(KBItem).where(KBItem.url == url).limit(1))
    if existing is not None:
        return existing
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    kb_item = KBItem(
        kb_id=f"trc:{digest[:24]}",
        source="trc",
        url=url,
        publisher=f"TRC {get_settings().kabupaten}",
        published_date=utcnow().date(),
        verdict=KB_VERDICT.get(verdict),
        title=title or f"[{VERDICTS[verdict].upper()}] {post.text[:120]}",
        claim_text=post.text[:4000],
        references=[url],
        content_hash=hashlib.sha256(f"{url}\n{title}\n{post.text}".encode()).hexdigest(),
    )
    session.add(kb_item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="kb.add_from_verdict",
        entity_type="kb_item",
        entity_id=kb_item.id,
        after={"kb_id": kb_item.kb_id, "url": url, "title": kb_item.title},
    )
    return kb_item


def decide(session: Session, item_id: int, data: VerdictInput, viewer: Viewer) -> DecisionResult:
    """Record a verdict on an item and every still-open item of its cluster; refuse stale versions."""
    require(viewer, "item.decide")
    verdict, reason, kb_item_id, url, title = _validate_verdict(data)
    item = load_item(session, item_id, viewer)
    check_version(session, item, data.version)
    kb_item = _factcheck_for(session, kb_item_id, url, title, verdict, item.post, viewer.username)
    status = "investigasi" if verdict == "perlu_investigasi" else "selesai"
    now = utcnow()
    result = DecisionResult(verdict=verdict, kb_item_id=kb_item.id if kb_item else None)
    siblings = cluster_items(session, item)
    for target in [item, *siblings]:
        if target is not item and target.status not in OPEN_STATUSES:
            result.skipped_item_ids.append(target.id)
            continue
        before = {"status": target.status, "version": target.version_id}
        session.add(
            Verdict(
                queue_item_id=target.id,
                post_id=target.post_id,
                verdict=verdict,
                reason=reason,
                kb_item_id=result.kb_item_id,
                decided_by=viewer.username,
                decided_at=now,
            )
        )
        target.status = status
        target.updated_at = now
        audit.record(
            session,
            actor=viewer.username,
            action="item.verdict",
            entity_type="queue_item",
            entity_id=target.id,
            item=target,
            before=before,
            after={"status": status, "verdict": verdict, "reason": reason, "kb_item_id": result.kb_item_id},
            via_item=None if target is item else item.id,
        )
        result.item_ids.append(target.id)
    flush_or_stale(session, item)
    return result


def flush_or_stale(session: Session, item: QueueItem) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        current = session.get(QueueItem, item.id)
        raise StaleItemError(item.id, current.version_id if current else -1, None) from exc


def add_comment(session: Session, item_id: int, body: str, viewer: Viewer) -> Comment:
    """Add an officer's note to an item (any role that can see it)."""
    require(viewer, "item.comment")
    errors: dict[str, str] = {}
    text = clean_text(
        body, field="body", label="Komentar", max_chars=MAX_COMMENT_CHARS, required=True, errors=errors
    )
    if errors:
        raise InputError(errors)
    item = load_item(session, item_id, viewer)
    comment = Comment(queue_item_id=item.id, author=viewer.username, body=text)
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor=viewer.username,
        action="item.comment",
        entity_type="queue_item",
        entity_id=item.id,
        item=item,
        after={"comment_id": comment.id, "body": text},
    )
    return comment


def verdict_history(session: Session, item_id: int) -> list[Verdict]:
    return list(session.scalars(select(Verdict).where(Verdict.queue_item_id == item_id).order_by(Verdict.id)))


def latest_verdict(session: Session, item_id: int) -> Verdict | None:
    return session.scalar(
        select(Verdict).where(Verdict.queue_item_id == item_id).order_by(Verdict.id.desc()).limit(1)
    )


def comments(session: Session, item_id: int) -> list[Comment]:
    return list(session.scalars(select(Comment).where(Comment.queue_item_id == item_id).order_by(Comment.id)))
