"""Build a clarification draft from what is known: TRC verdict, matched fact check, SKPD, Pemda contacts.

Nothing is generated: every sentence comes from the knowledge base, the verdict or the officers, so a draft
cannot state a fact nobody checked. Comms edits the draft before the TRC lead approves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.comms.settings import CommsSettings
from desk.services.timefmt import as_utc
from desk.settings import DeskSettings
from factcheck_kb.importers._text import slugify, split_label
from saring.db.base import utcnow
from saring.db.tables.core import Clarification, KBItem, Post, QueueItem, Verdict
from saring.db.tables.desk import Assignment

HOAX_VERDICTS: dict[str, str] = {
    "hoaks": "HOAKS",
    "disinformasi": "DISINFORMASI",
    "misinformasi": "MISINFORMASI",
}
LABELS: dict[str, str] = {
    "HOAKS": "Hoaks",
    "DISINFORMASI": "Disinformasi",
    "MISINFORMASI": "Misinformasi",
    "PENIPUAN": "Penipuan",
}
SOURCE_NAMES = {
    "turnbackhoax": "TurnBackHoax (MAFINDO)",
    "mafindo": "MAFINDO",
    "komdigi": "Komdigi",
    "trc": "Tim Reaksi Cepat",
}
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
CLAIM_CHARS = 280
FACT_CHARS = 700
_URL = re.compile(
    r"(?:(?:https?://|www\.)|\b[\w-]+\.(?:ly|id|com|net|org|me|link|site|xyz)/)\S*?(?=[,.;:!?)\]]*(?:\s|$))",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class DraftRefused(ValueError):
    """The item cannot get a clarification (no hoax verdict yet); the message is for the officer."""


@dataclass(slots=True)
class ClarificationDraft:
    """The parts of a clarification before it is stored: label, claim, facts, source, who is responsible."""

    queue_item_id: int
    verdict: str
    label: str
    title: str
    claim: str
    facts: str
    source: str
    source_url: str | None
    kb_item_id: int | None
    skpd_name: str | None = None
    category: str | None = None
    hoax_urls: list[str] = field(default_factory=list)


def date_text(value: date | datetime) -> str:
    """``23 November 2026``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis when the text is longer than ``limit`` characters."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    ends_on_word = text[len(cut)] == " "
    if not ends_on_word and " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def clean_claim(text: str, limit: int = CLAIM_CHARS) -> str:
    """The claim as circulated, without its links (a clarification must not spread the hoax's link)."""
    without_links = _URL.sub("[tautan dihapus]", text or "")
    return shorten(without_links, limit)


def first_sentences(text: str, limit: int) -> str:
    """Whole sentences up to ``limit`` characters (at least the first one, shortened if it is longer)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(re.sub(r"\s+", " ", text or "").strip()) if s.strip()]
    out = ""
    for sentence in sentences:
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out or shorten(sentences[0] if sentences else "", limit)


def facts_from(kb: KBItem) -> str:
    """The fact check's conclusion, completed with the first sentences of its explanation when short."""
    conclusion = re.sub(r"\s+", " ", kb.conclusion or "").strip()
    explanation = re.sub(r"\s+", " ", kb.explanation or "").strip()
    if len(conclusion) >= 200 or not explanation or explanation == kb.claim_text:
        return first_sentences(conclusion or explanation, FACT_CHARS)
    extra = first_sentences(explanation, FACT_CHARS - len(conclusion) - 1) if conclusion else ""
    facts = f"{conclusion} {extra}".strip() if extra and extra not in conclusion else conclusion
    return facts or first_sentences(explanation, FACT_CHARS)


def source_from(kb: KBItem) -> str:
    """``Cek fakta TurnBackHoax (MAFINDO), 12 April 2026``."""
    name = kb.publisher or SOURCE_NAMES.get(kb.source, kb.source)
    text = f"Klarifikasi {name}" if kb.source == "pemda" else f"Cek fakta {name}"
    return f"{text}, {date_text(kb.published_date)}" if kb.published_date else text


def latest_verdict(session: Session, item_id: int) -> Verdict | None:
    return session.scalar(select(Verdict).where(Verdict.queue_item_id == item_id).order_by(Verdict.id.desc()))


def cluster_posts(session: Session, post: Post) -> list[Post]:
    """The posts of the item's issue (just the post itself when it has no cluster)."""
    if post.cluster_id is None:
        return [post]
    return list(session.scalars(select(Post).where(Post.cluster_id == post.cluster_id).order_by(Post.id)))


def skpd_name_for(session: Session, item_id: int | None) -> str | None:
    if item_id is None:
        return None
    assignment = session.scalar(select(Assignment).where(Assignment.queue_item_id == item_id))
    return assignment.skpd.name if assignment is not None and assignment.skpd is not None else None


def build_draft(session: Session, item_id: int, comms: CommsSettings) -> ClarificationDraft:
    """Assemble the draft of an item the TRC judged a hoax, from its verdict and matched fact check."""
    item = session.get(QueueItem, item_id)
    if item is None:
        raise DraftRefused(f"Item #{item_id} tidak ditemukan.")
    verdict = latest_verdict(session, item_id)
    if verdict is None or verdict.verdict not in HOAX_VERDICTS:
        raise DraftRefused(
            "Klarifikasi hanya untuk item yang sudah diputuskan TRC sebagai hoaks, "
            "disinformasi atau misinformasi."
        )
    kb_id = verdict.kb_item_id or item.best_kb_item_id
    kb = session.get(KBItem, kb_id) if kb_id is not None else None
    post = item.post
    skpd = skpd_name_for(session, item_id)
    if kb is not None:
        _, kb_title = split_label(kb.title or "")
        title = shorten(kb_title or kb.claim_text or post.text, 120)
        facts = facts_from(kb) or verdict.reason
        source, source_url = source_from(kb), kb.url
    else:
        title = shorten(first_sentences(clean_claim(post.text, 400), 120), 120)
        facts = verdict.reason
        source = f"Keterangan resmi {skpd}" if skpd else f"Tim Reaksi Cepat {comms.resolved_pemda_name()}"
        source_url = None
    urls = [p.url for p in cluster_posts(session, post) if p.url and p.platform != "whatsapp"]
    from desk.services.takedown import waspada_parts  # issue 13: a fake official account

    waspada = waspada_parts(session, item, comms.resolved_pemda_name())
    if waspada is not None:
        title, facts, source = waspada
        source_url = None
    return ClarificationDraft(
        queue_item_id=item.id,
        verdict=verdict.verdict,
        label=HOAX_VERDICTS[verdict.verdict],
        title=title,
        claim=clean_claim(post.text),
        facts=facts.strip(),
        source=source,
        source_url=source_url,
        kb_item_id=kb.id if kb is not None else None,
        skpd_name=skpd,
        category=item.category or (kb.category if kb is not None else None),
        hoax_urls=urls,
    )


def article_url(clarification: Clarification, comms: CommsSettings) -> str:
    """Where the article will live on the Pemda's site ('' when no base address is configured)."""
    if not comms.article_base_url:
        return ""
    slug = f"{clarification.id}-{slugify(clarification.title, 60)}"
    return f"{comms.article_base_url.rstrip('/')}/{slug}"


def clarification_date(clarification: Clarification) -> date:
    """The local (desk time zone) date of approval, or of drafting while not yet approved."""
    moment = as_utc(clarification.approved_at or clarification.created_at) or utcnow()
    return moment.astimezone(DeskSettings().tz).date()


def template_context(session: Session, clarification: Clarification, comms: CommsSettings) -> dict[str, Any]:
    """The variables the channel templates see (see desk.comms.templates.VARIABLES)."""
    return {
        "label": clarification.label,
        "judul": clarification.title,
        "klaim": clarification.claim_text,
        "fakta": clarification.body,
        "sumber": clarification.source_text,
        "tautan_sumber": clarification.source_url or "",
        "skpd": skpd_name_for(session, clarification.queue_item_id) or "",
        "pemda": comms.resolved_pemda_name(),
        "kabupaten": comms.resolved_kabupaten(),
        "dinas": comms.resolved_office_name(),
        "kontak": comms.contact_line(),
        "situs": comms.website,
        "tautan_artikel": article_url(clarification, comms),
        "tanggal": date_text(clarification_date(clarification)),
        "tagar": " ".join(comms.hashtag_list()),
    }
