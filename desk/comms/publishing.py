"""Publishing is done by hand on the platforms; here comms records where and when, and the reach it got.

Once published, the clarification's card (the 1080×1080 PNG that goes out with it) is stored under the
media folder and linked to the clarification's KB item as one of its images (kb_media), so a re-post of the
card, cropped or screenshotted, is matched to the clarification by image (saring.media.phash / local).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.comms.queries import get_clarification, publications_of
from desk.comms.settings import CommsSettings
from desk.comms.templates import CHANNELS
from desk.comms.workflow import WorkflowError, audit_step, require_status
from desk.services.access import Viewer, require
from desk.services.validation import InputError, clean_url, parse_local_datetime
from saring.db.base import utcnow
from saring.db.tables.comms import Publication
from saring.db.tables.core import Clarification

log = logging.getLogger(__name__)
PUBLISHABLE = ("disetujui", "diterbitkan")
ENGAGEMENT_KEYS = ("likes", "shares", "comments", "views")


@dataclass(slots=True)
class PublicationInput:
    """A channel post as recorded by comms: where and when, and optionally its reach and engagement."""

    channel: str
    url: str
    published_at: str
    reach: str = ""
    likes: str = ""
    shares: str = ""
    comments: str = ""
    views: str = ""


def _count(value: str, field: str, label: str, errors: dict[str, str]) -> int | None:
    text = (value or "").strip().replace(".", "").replace(",", "")
    if not text:
        return None
    if not text.isdigit() or len(text) > 12:
        errors[field] = f"{label} harus bilangan bulat tidak negatif."
        return None
    return int(text)


def link_card_image(session: Session, clarification: Clarification, comms: CommsSettings) -> int | None:
    """Store the clarification's card and link it to its KB item as an image (once); the media row's id,
    None when the clarification has no KB item yet."""
    from PIL import Image
    from sqlalchemy import select

    from desk.comms.export import card_png
    from saring.config import get_settings
    from saring.db.tables.core import KBItem
    from saring.db.tables.media import KBMedia
    from saring.media.rows import ensure_media_files
    from saring.media.storage import store_image

    kb_item_id = (
        session.scalar(select(KBItem.id).where(KBItem.kb_id == clarification.kb_id))
        if clarification.kb_id
        else None
    )
    if kb_item_id is None:
        log.warning("clarification %s has no KB item: its card is not linked as an image", clarification.id)
        return None
    data = card_png(clarification, comms)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        stored = store_image(
            data, image, get_settings().media_dir, source_ref=f"kartu klarifikasi {clarification.id}"
        )
    media_id = ensure_media_files(session, [stored])[stored.sha256]
    linked = session.scalar(
        select(KBMedia.id).where(KBMedia.kb_item_id == kb_item_id, KBMedia.media_id == media_id)
    )
    if linked is None:
        session.add(
            KBMedia(
                kb_item_id=kb_item_id, media_id=media_id, source_ref=stored.source_ref, captured_at=utcnow()
            )
        )
    return media_id


def record_publication(
    session: Session,
    clarification_id: int,
    data: PublicationInput,
    viewer: Viewer,
    tz: ZoneInfo,
    comms: CommsSettings | None = None,
) -> Publication:
    """Mark the clarification as posted on one channel (URL and time; reach when known), and link its card
    (in ``comms``' colours, the defaults when None) to its KB item as an image."""
    require(viewer, "clar.publish")
    errors: dict[str, str] = {}
    if data.channel not in CHANNELS:
        errors["channel"] = "Kanal tidak dikenal."
    url = clean_url(data.url, field="url", label="Tautan unggahan", errors=errors)
    if url is None and "url" not in errors and data.channel != "whatsapp":
        errors["url"] = "Tautan unggahan wajib diisi (kecuali siaran WhatsApp)."
    published_at = parse_local_datetime(
        data.published_at, tz, field="published_at", label="Waktu terbit", errors=errors
    )
    if published_at is not None and published_at > utcnow() + timedelta(minutes=5):
        errors["published_at"] = "Waktu terbit tidak boleh di masa depan."
    reach = _count(data.reach, "reach", "Jangkauan", errors)
    engagement = {
        key: n
        for key in ENGAGEMENT_KEYS
        if (n := _count(getattr(data, key), key, key.capitalize(), errors)) is not None
    }
    if errors:
        raise InputError(errors)
    clarification = get_clarification(session, clarification_id)
    require_status(clarification, *PUBLISHABLE, doing="mencatat penerbitan")
    row = publications_of(session, clarification.id).get(data.channel)
    before = None
    if row is None:
        row = Publication(clarification_id=clarification.id, channel=data.channel, engagement={})
        session.add(row)
    else:
        before = {"url": row.url, "published_at": row.published_at, "reach": row.reach}
    row.url, row.published_at, row.recorded_by, row.recorded_at = url, published_at, viewer.username, utcnow()
    if reach is not None or engagement:
        row.reach, row.engagement, row.measured_at = reach, engagement, utcnow()
    previous = clarification.status
    clarification.status = "diterbitkan"
    clarification.revision += 1
    card_media_id = link_card_image(session, clarification, comms or CommsSettings())
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.publish",
        channel=data.channel,
        before=before,
        after={
            "url": url,
            "published_at": published_at,
            "reach": reach,
            "engagement": engagement,
            "status": "diterbitkan",
        },
        previous_status=previous,
        card_media_id=card_media_id,
    )
    session.flush()
    return row


def update_reach(
    session: Session,
    clarification_id: int,
    channel: str,
    reach: str,
    engagement: dict[str, str],
    viewer: Viewer,
) -> Publication:
    """A new reach/engagement snapshot of a published channel post."""
    require(viewer, "clar.publish")
    errors: dict[str, str] = {}
    value = _count(reach, "reach", "Jangkauan", errors)
    counts = {
        k: n
        for k in ENGAGEMENT_KEYS
        if (n := _count(engagement.get(k, ""), k, k.capitalize(), errors)) is not None
    }
    if errors:
        raise InputError(errors)
    clarification = get_clarification(session, clarification_id)
    row = publications_of(session, clarification.id).get(channel)
    if row is None:
        raise WorkflowError("Kanal ini belum dicatat terbit.")
    before = {"reach": row.reach, "engagement": dict(row.engagement or {})}
    row.reach, row.engagement, row.measured_at = value, counts, utcnow()
    audit_step(
        session,
        clarification,
        viewer,
        "clarification.reach",
        channel=channel,
        before=before,
        after={"reach": value, "engagement": counts},
    )
    session.flush()
    return row
