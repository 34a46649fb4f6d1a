"""The clarification workflow: comms drafts and edits -> submits -> the TRC lead approves (or returns it);
then it is published per channel (desk.comms.publishing). Approval adds the clarification to the knowledge
base as the Pemda's own fact check. Every step is audited."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desk.comms.article import as_factcheck
from desk.comms.channels import ChannelVariant, VariantInvalid, check_variant, render_variants
from desk.comms.drafting import LABELS, build_draft, template_context
from desk.comms.queries import clarification_for_item, get_clarification, variants_of
from desk.comms.settings import CommsSettings
from desk.comms.templates import active_templates
from desk.services import audit
from desk.services.access import Viewer, load_item, require
from desk.services.validation import InputError, clean_text, clean_url
from factcheck_kb.records import FactCheck
from factcheck_kb.store import upsert_factchecks
from saring.db.base import utcnow
from saring.db.tables.comms import ClarificationVariant
from saring.db.tables.core import Clarification, QueueItem

log = logging.getLogger(__name__)

STATUSES: dict[str, str] = {
    "draft": "Draf",
    "diajukan": "Menunggu persetujuan",
    "disetujui": "Disetujui",
    "diterbitkan": "Diterbitkan",
}
IndexUpdater = Callable[[Sequence[FactCheck]], None]


class WorkflowError(ValueError):
    """A step that is not allowed in the clarification's current state; the message is for the officer."""


class StaleClarification(WorkflowError):
    """Someone changed the clarification since this officer opened it; nothing was saved."""


@dataclass(slots=True)
class FieldsInput:
    """The shared parts of a clarification as an officer edits them (raw form values)."""

    label: str
    title: str
    claim: str
    facts: str
    source: str
    source_url: str
    revision: str | int | None


def _item_of(session: Session, clarification: Clarification) -> QueueItem | None:
    return session.get(QueueItem, clarification.queue_item_id) if clarification.queue_item_id else None


def audit_step(
    session: Session, clarification: Clarification, viewer: Viewer | str, action: str, **details
) -> None:
    actor = viewer if isinstance(viewer, str) else viewer.username
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="clarification",
        entity_id=clarification.id,
        item=_item_of(session, clarification),
        queue_item_id=clarification.queue_item_id,
        **details,
    )


def _check_revision(clarification: Clarification, revision: str | int | None) -> None:
    try:
        given = int(revision) if revision is not None and str(revision).strip() else None
    except ValueError:
        given = None
    if given != clarification.revision:
        raise StaleClarification(
            "Klarifikasi ini baru saja diubah oleh petugas lain; perubahan Anda tidak "
            "disimpan. Muat ulang halaman lalu ulangi."
        )


def require_status(clarification: Clarification, *allowed: str, doing: str) -> None:
    if clarification.status not in allowed:
        raise WorkflowError(
            f"Tidak dapat {doing}: klarifikasi berstatus "
            f"{STATUSES.get(clarification.status, clarification.status)}."
        )


def _fields_view(c: Clarification) -> dict:
    return {
        "label": c.label,
        "title": c.title,
        "claim": c.claim_text,
        "facts": c.body,
        "source": c.source_text,
        "source_url": c.source_url,
        "status": c.status,
        "revision": c.revision,
    }


# ---------------------------------------------------------------- variants


def _store_variants(
    session: Session,
    clarification: Clarification,
    variants: dict[str, ChannelVariant],
    actor: str,
    *,
    keep_edited: bool,
) -> list[str]:
    """Write rendered channel texts; officers' manual edits survive unless ``keep_edited`` is False."""
    existing = variants_of(session, clarification.id)
    kept: list[str] = []
    for channel, variant in variants.items():
        row = existing.get(channel)
        if row is not None and row.edited and keep_edited:
            kept.append(channel)
            continue
        if row is None:
            row = ClarificationVariant(clarification_id=clarification.id, channel=channel)
            session.add(row)
        row.text, row.parts = variant.text, list(variant.parts)
        row.template_version, row.edited, row.updated_by, row.updated_at = (
            variant.template_version,
            False,
            actor,
            utcnow(),
        )
    session.flush()
    return kept


def render_for(
    session: Session, clarification: Clarification, comms: CommsSettings
) -> dict[str, ChannelVariant]:
    """Every channel's text from the active templates and the clarification's current fields."""
    return render_variants(active_templates(session), template_context(session, clarification, comms))


# ---------------------------------------------------------------- steps


def create_clarification(
    session: Session, item_id: int, viewer: Viewer, comms: CommsSettings
) -> Clarification:
    """Draft the clarification of a verified hoax (one per issue: the existing one is returned)."""
    require(viewer, "clar.draft")
    load_item(session, item_id, viewer)
    existing = clarification_for_item(session, item_id)
    if existing is not None:
        return existing
    draft = build_draft(session, item_id, comms)
    clarification = Clarification(
        queue_item_id=draft.queue_item_id,
        kb_item_id=draft.kb_item_id,
        label=draft.label,
        title=draft.title,
        body=draft.facts,
        claim_text=draft.claim,
        source_text=draft.source,
        source_url=draft.source_url,
        verdict=draft.verdict,
        status="draft",
        created_by=viewer.username,
        revision=1,
        review_note="",
    )
    session.add(clarification)
    session.flush()
    _store_variants(
        session, clarification, render_for(session, clarification, comms), viewer.username, keep_edited=False
    )
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.create",
        after=_fields_view(clarification),
        kb_item_id=draft.kb_item_id,
    )
    return clarification


def _validate_fields(data: FieldsInput) -> dict:
    errors: dict[str, str] = {}
    label = (data.label or "").strip().upper()
    if label not in LABELS:
        errors["label"] = "Pilih label: " + ", ".join(LABELS) + "."
    values = {
        "label": label,
        "title": clean_text(
            data.title, field="title", label="Judul", max_chars=200, required=True, errors=errors
        ),
        "claim": clean_text(
            data.claim,
            field="claim",
            label="Klaim yang beredar",
            max_chars=1000,
            required=True,
            errors=errors,
        ),
        "facts": clean_text(
            data.facts, field="facts", label="Fakta", max_chars=3000, required=True, errors=errors
        ),
        "source": clean_text(
            data.source, field="source", label="Sumber", max_chars=500, required=True, errors=errors
        ),
        "source_url": clean_url(data.source_url, field="source_url", label="Tautan sumber", errors=errors),
    }
    if errors:
        raise InputError(errors)
    return values


def update_fields(
    session: Session, clarification_id: int, data: FieldsInput, viewer: Viewer, comms: CommsSettings
) -> list[str]:
    """Change the shared parts; channel texts not edited by hand follow. Returns channels kept as edited."""
    require(viewer, "clar.draft")
    values = _validate_fields(data)
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "draft", doing="mengubah")
    _check_revision(clarification, data.revision)
    before = _fields_view(clarification)
    clarification.label, clarification.title = values["label"], values["title"]
    clarification.claim_text, clarification.body = values["claim"], values["facts"]
    clarification.source_text, clarification.source_url = values["source"], values["source_url"]
    clarification.revision += 1
    clarification.updated_at = utcnow()
    kept = _store_variants(
        session, clarification, render_for(session, clarification, comms), viewer.username, keep_edited=True
    )
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.edit",
        before=before,
        after=_fields_view(clarification),
        kept_edited=kept,
    )
    return kept


def update_variant(
    session: Session,
    clarification_id: int,
    channel: str,
    text: str,
    revision: str | int | None,
    viewer: Viewer,
) -> ClarificationVariant:
    """Save an officer's own wording for one channel (checked against the channel's limits)."""
    require(viewer, "clar.draft")
    try:
        variant = check_variant(channel, text)
    except VariantInvalid as exc:
        raise InputError({f"variant_{channel}": str(exc)}) from exc
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "draft", doing="mengubah")
    _check_revision(clarification, revision)
    row = variants_of(session, clarification.id).get(channel)
    before = row.text if row is not None else None
    if row is None:
        row = ClarificationVariant(clarification_id=clarification.id, channel=channel, template_version=None)
        session.add(row)
    row.text, row.parts, row.edited, row.updated_by, row.updated_at = (
        variant.text,
        list(variant.parts),
        True,
        viewer.username,
        utcnow(),
    )
    clarification.revision += 1
    clarification.updated_at = utcnow()
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.edit_variant",
        channel=channel,
        before={"text": before},
        after={"text": variant.text, "parts": len(variant.parts)},
    )
    session.flush()
    return row


def reset_variants(
    session: Session, clarification_id: int, revision: str | int | None, viewer: Viewer, comms: CommsSettings
) -> None:
    """Render every channel again from the active templates, dropping manual edits."""
    require(viewer, "clar.draft")
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "draft", doing="membuat ulang teks")
    _check_revision(clarification, revision)
    variants = render_for(session, clarification, comms)
    _store_variants(session, clarification, variants, viewer.username, keep_edited=False)
    clarification.revision += 1
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.rerender",
        template_versions={c: v.template_version for c, v in variants.items()},
    )


def submit(
    session: Session, clarification_id: int, revision: str | int | None, viewer: Viewer
) -> Clarification:
    """Comms hands the draft to the TRC lead for approval."""
    require(viewer, "clar.draft")
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "draft", doing="mengajukan")
    _check_revision(clarification, revision)
    clarification.status, clarification.review_note = "diajukan", ""
    clarification.revision += 1
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.submit",
        before={"status": "draft"},
        after={"status": "diajukan"},
    )
    session.flush()
    return clarification


def return_to_draft(
    session: Session, clarification_id: int, note: str, revision: str | int | None, viewer: Viewer
) -> Clarification:
    """The TRC lead sends the draft back to comms with a note of what to change."""
    require(viewer, "clar.approve")
    errors: dict[str, str] = {}
    text = clean_text(note, field="note", label="Catatan", max_chars=2000, required=True, errors=errors)
    if errors:
        raise InputError(errors)
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "diajukan", doing="mengembalikan")
    _check_revision(clarification, revision)
    clarification.status, clarification.review_note = "draft", text
    clarification.revision += 1
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.return",
        before={"status": "diajukan"},
        after={"status": "draft"},
        note=text,
    )
    session.flush()
    return clarification


def knowledge_record(session: Session, clarification: Clarification, comms: CommsSettings) -> FactCheck:
    """The approved clarification as the Pemda's FactCheck (kb_id 'pemda-<kabupaten>-klarifikasi-<id>')."""
    from desk.comms.drafting import article_url, clarification_date

    item = _item_of(session, clarification)
    return as_factcheck(
        clarification,
        comms,
        published=clarification_date(clarification),
        url=article_url(clarification, comms) or None,
        category=item.category if item else None,
    )


def approve(
    session: Session,
    clarification_id: int,
    revision: str | int | None,
    viewer: Viewer,
    comms: CommsSettings,
    index_updater: IndexUpdater | None = None,
) -> Clarification:
    """The TRC lead approves: texts are locked, and the clarification joins the knowledge base.

    ``index_updater`` (e.g. :func:`index_updater_for`) adds it to the search index at once; without one, or if
    it fails, the clarification is marked as waiting for a reindex (``saring kb reindex``).
    """
    require(viewer, "clar.approve")
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, "diajukan", doing="menyetujui")
    _check_revision(clarification, revision)
    now = utcnow()
    clarification.status, clarification.approved_by, clarification.approved_at = (
        "disetujui",
        viewer.username,
        now,
    )
    clarification.revision += 1
    # the texts are final now: render the date of approval into those not edited by hand
    _store_variants(
        session, clarification, render_for(session, clarification, comms), viewer.username, keep_edited=True
    )
    record = knowledge_record(session, clarification, comms)
    stats = upsert_factchecks(session, [record])
    clarification.kb_id = record.kb_id
    clarification.index_status = "perlu_reindeks"
    if index_updater is not None:
        try:
            index_updater([record])
            clarification.index_status = "terindeks"
        except Exception:  # the KB row is stored; only the index lags, and a reindex catches up
            log.exception("index update after approving clarification %s failed", clarification.id)
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.approve",
        before={"status": "diajukan"},
        after={"status": "disetujui", "kb_id": record.kb_id, "index_status": clarification.index_status},
        kb_upsert={"inserted": stats.inserted, "updated": stats.updated},
    )
    session.flush()
    return clarification
