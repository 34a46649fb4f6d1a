"""Where a report stands, as its reporter may see it (no personal data): received, in review, answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.services.decisions import VERDICTS
from saring.db.tables.comms import ClarificationVariant
from saring.db.tables.core import Clarification, Post, QueueItem, Verdict
from saring.db.tables.reports import CitizenReport

STAGES = {"diterima": "Diterima", "ditinjau": "Sedang ditinjau TRC", "dijawab": "Sudah dijawab"}
#: Verdicts that close a report; "perlu_investigasi" keeps it in review.
FINAL_VERDICTS = frozenset(v for v in VERDICTS if v != "perlu_investigasi")
HOAX_VERDICTS = frozenset({"hoaks", "disinformasi", "misinformasi"})


@dataclass(frozen=True, slots=True)
class Decision:
    verdict_id: int
    verdict: str
    decided_at: datetime
    queue_item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Tracking:
    """The public status of one report."""

    code: str
    stage: str
    received_at: datetime
    seen_platform: str
    verdict: str | None = None
    verdict_label: str | None = None
    clarification_title: str | None = None
    clarification_text: str | None = None

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


def cluster_queue_items(session: Session, post_id: int) -> list[int]:
    """Queue item ids of the report's issue cluster (its own post's item when it has no cluster)."""
    cluster_id = session.scalar(select(Post.cluster_id).where(Post.id == post_id))
    query = select(QueueItem.id).join(Post, Post.id == QueueItem.post_id)
    query = query.where(Post.cluster_id == cluster_id) if cluster_id else query.where(Post.id == post_id)
    return list(session.scalars(query))


def final_decision(session: Session, item_ids: list[int]) -> Decision | None:
    """The latest final verdict among the items (a verdict covers the whole cluster)."""
    if not item_ids:
        return None
    row = session.execute(
        select(Verdict.id, Verdict.verdict, Verdict.decided_at)
        .where(Verdict.queue_item_id.in_(item_ids), Verdict.verdict.in_(sorted(FINAL_VERDICTS)))
        .order_by(Verdict.decided_at.desc(), Verdict.id.desc())
        .limit(1)
    ).first()
    return Decision(row.id, row.verdict, row.decided_at, tuple(item_ids)) if row else None


def published_clarification(session: Session, item_ids: list[int]) -> tuple[str, str] | None:
    """(title, WhatsApp text or body) of a published clarification of the cluster, if any."""
    if not item_ids:
        return None
    clar = session.scalars(
        select(Clarification)
        .where(Clarification.queue_item_id.in_(item_ids), Clarification.status == "diterbitkan")
        .order_by(Clarification.updated_at.desc())
        .limit(1)
    ).first()
    if clar is None:
        return None
    variant = session.scalar(
        select(ClarificationVariant.text).where(
            ClarificationVariant.clarification_id == clar.id, ClarificationVariant.channel == "whatsapp"
        )
    )
    return clar.title, variant or clar.body


def tracking_of(session: Session, code: str) -> Tracking | None:
    """The status of the report with this tracking code (None for an unknown code)."""
    code = (code or "").strip().upper()
    if not code.startswith("LP-") or len(code) > 20:
        return None
    report = session.scalar(select(CitizenReport).where(CitizenReport.tracking_code == code))
    if report is None:
        return None
    scored = session.scalar(select(Post.scored_at).where(Post.id == report.post_id))
    items = cluster_queue_items(session, report.post_id)
    decision = final_decision(session, items)
    base = {"code": code, "received_at": report.created_at, "seen_platform": report.seen_platform}
    if decision is None:
        return Tracking(stage="ditinjau" if (scored or items) else "diterima", **base)
    clarification = published_clarification(session, items)
    return Tracking(
        stage="dijawab",
        verdict=decision.verdict,
        verdict_label=VERDICTS.get(decision.verdict, decision.verdict),
        clarification_title=clarification[0] if clarification else None,
        clarification_text=clarification[1] if clarification else None,
        **base,
    )
