"""Everything comms needs to post a clarification by hand: texts per channel, the card, the article page."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from desk.comms.article import article_page, claimreview_for
from desk.comms.card import CardData, render_card
from desk.comms.drafting import article_url, clarification_date, date_text
from desk.comms.queries import get_clarification, hoax_posts, publications_of, variants_of
from desk.comms.settings import CommsSettings
from desk.comms.templates import CHANNELS
from desk.comms.workflow import STATUSES, knowledge_record
from desk.services.timefmt import as_utc
from factcheck_kb.importers._text import slugify
from saring.db.tables.core import Clarification

THREAD_SEPARATOR = "\n\n---\n\n"
PRIVATE_PLATFORMS = frozenset({"whatsapp", "tipline", "telegram"})  # never listed as public appearances


@dataclass(slots=True)
class ExportBundle:
    """Files of one clarification, by file name."""

    clarification_id: int
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def zip_name(self) -> str:
        return f"klarifikasi-{self.clarification_id}.zip"

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(self.files.items()):
                archive.writestr(name, data)
        return buffer.getvalue()


def card_data(clarification: Clarification) -> CardData:
    return CardData(
        label=clarification.label,
        title=clarification.title,
        claim=clarification.claim_text,
        facts=clarification.body,
        source=clarification.source_text,
        date_text=date_text(clarification_date(clarification)),
    )


def card_png(clarification: Clarification, comms: CommsSettings) -> bytes:
    """The 1080×1080 card of a clarification."""
    return render_card(card_data(clarification), comms)


def claimreview(session: Session, clarification: Clarification, comms: CommsSettings) -> dict:
    """The ClaimReview JSON-LD of the clarification (as the Pemda's fact check)."""
    record = knowledge_record(session, clarification, comms)
    return claimreview_for(
        record,
        comms,
        [p.url for p in hoax_posts(session, clarification) if p.url and p.platform not in PRIVATE_PLATFORMS],
    )


def article_html(session: Session, clarification: Clarification, comms: CommsSettings) -> str:
    """The full web page: the 'web' channel's article body with the ClaimReview JSON-LD."""
    body = variants_of(session, clarification.id).get("web")
    text = body.text if body is not None else ""
    return article_page(
        text,
        title=f"[{clarification.label}] {clarification.title}",
        comms=comms,
        claimreview=claimreview(session, clarification, comms),
    )


def summary(session: Session, clarification: Clarification, comms: CommsSettings) -> dict:
    """Status, approval, knowledge-base entry and publications, for the export's ringkasan.json."""
    publications = publications_of(session, clarification.id)
    return {
        "id": clarification.id,
        "status": clarification.status,
        "status_label": STATUSES.get(clarification.status, clarification.status),
        "label": clarification.label,
        "title": clarification.title,
        "queue_item_id": clarification.queue_item_id,
        "created_by": clarification.created_by,
        "approved_by": clarification.approved_by,
        "approved_at": as_utc(clarification.approved_at).isoformat() if clarification.approved_at else None,
        "kb_id": clarification.kb_id,
        "index_status": clarification.index_status,
        "article_url": article_url(clarification, comms) or None,
        "publications": {
            channel: {
                "url": p.url,
                "published_at": as_utc(p.published_at).isoformat(),
                "reach": p.reach,
                "engagement": p.engagement,
            }
            for channel, p in publications.items()
        },
    }


def export_bundle(session: Session, clarification_id: int, comms: CommsSettings) -> ExportBundle:
    """Texts per channel (X as a numbered thread), the card PNG, the article page and its ClaimReview."""
    clarification = get_clarification(session, clarification_id)
    bundle = ExportBundle(clarification_id=clarification.id)
    stem = f"{clarification.id}-{slugify(clarification.title, 40)}"
    for channel, variant in variants_of(session, clarification.id).items():
        if channel == "web":
            continue
        text = THREAD_SEPARATOR.join(variant.parts) if channel == "x" and variant.parts else variant.text
        bundle.files[f"{channel}.txt"] = (text + "\n").encode("utf-8")
    bundle.files["artikel.html"] = article_html(session, clarification, comms).encode("utf-8")
    bundle.files["claimreview.json"] = json.dumps(
        claimreview(session, clarification, comms), ensure_ascii=False, indent=2
    ).encode("utf-8")
    bundle.files[f"kartu-{stem}.png"] = card_png(clarification, comms)
    bundle.files["ringkasan.json"] = json.dumps(
        summary(session, clarification, comms), ensure_ascii=False, indent=2
    ).encode("utf-8")
    channels = ", ".join(CHANNELS[c] for c in variants_of(session, clarification.id))
    readme = (
        f"Klarifikasi #{clarification.id}: [{clarification.label}] {clarification.title}\n"
        f"Status: {STATUSES.get(clarification.status, clarification.status)}\n"
        f"Kanal: {channels}\n\n"
        "x.txt berisi utas X; setiap unggahan dipisahkan baris '---'.\n"
        "artikel.html siap diunggah ke situs (berisi markah ClaimReview).\n"
        "Setelah diunggah, catat tautan dan waktu terbit tiap kanal di Meja TRC.\n"
    )
    bundle.files["BACA-SAYA.txt"] = readme.encode("utf-8")
    return bundle
