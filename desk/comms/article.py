"""The clarification as the Pemda's own fact check: a FactCheck record, its ClaimReview JSON-LD, web page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from markupsafe import escape

from desk.comms.drafting import first_sentences
from desk.comms.settings import CommsSettings
from factcheck_kb.importers.claimreview import to_claimreview
from factcheck_kb.importers.pemda import pemda_clarification
from factcheck_kb.records import FactCheck
from saring.db.tables.core import Clarification

ARTICLE_CSS = """
body{margin:0;background:#f4f6f8;color:#1d2430;
font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.pemda{background:%(primary)s;color:#fff;padding:14px 20px;font-weight:700}
main{max-width:720px;margin:0 auto;padding:20px;background:#fff;min-height:60vh}
.label{display:inline-block;background:%(alert)s;color:#fff;font-weight:800;padding:2px 12px;
border-radius:4px;
letter-spacing:.05em;margin:0}
h1{font-size:1.6rem;line-height:1.25;margin:.4em 0}
h2{font-size:1.1rem;margin:1.4em 0 .3em;color:%(primary)s}
blockquote{margin:0;padding:10px 14px;background:#fff8e6;border-left:4px solid %(secondary)s}
.meta{color:#5b6675;font-size:.9rem}
.ajakan{margin-top:1.6em;padding:12px;border:2px solid %(alert)s;border-radius:6px}
a{color:%(primary)s;overflow-wrap:anywhere}
"""


def kb_key(clarification: Clarification) -> str:
    """The id part of the clarification's KB entry (pemda_clarification adds 'pemda-')."""
    return f"klarifikasi-{clarification.id}"


def as_factcheck(
    clarification: Clarification,
    comms: CommsSettings,
    *,
    published: date | None,
    url: str | None,
    category: str | None = None,
) -> FactCheck:
    """The clarification as a Pemda FactCheck: what goes into the knowledge base and the ClaimReview."""
    references = [clarification.source_url] if clarification.source_url else []
    return pemda_clarification(
        f"[{clarification.label}] {clarification.title}",
        clarification.claim_text,
        clarification.body,
        conclusion=first_sentences(clarification.body, 300),
        verdict=clarification.label,
        published_date=published,
        url=url or None,
        references=references,
        category=category,
        kabupaten=comms.resolved_kabupaten(),
        kb_id=f"{comms.resolved_kabupaten()}-{kb_key(clarification)}",
    )


def claimreview_for(record: FactCheck, comms: CommsSettings, appearances: Sequence[str] = ()) -> dict:
    """schema.org ClaimReview for the article: the record's fields plus the Pemda as author and where the
    claim appeared."""
    review = to_claimreview(record)
    author = {"@type": "Organization", "name": comms.resolved_pemda_name()}
    if comms.website:
        author["url"] = comms.website
    review["author"] = author
    if record.claim_text:  # what is rated is the claim itself, not the clarification's headline
        review["claimReviewed"] = record.claim_text
    links = [u for u in appearances if u.startswith(("http://", "https://"))]
    if links:
        review["itemReviewed"]["appearance"] = [{"@type": "CreativeWork", "url": u} for u in links]
    return review


def json_ld(document: dict) -> str:
    """JSON for a <script type="application/ld+json"> block ('</' escaped so it cannot close the script)."""
    return json.dumps(document, ensure_ascii=False, indent=2).replace("</", "<\\/")


def article_page(body_html: str, *, title: str, comms: CommsSettings, claimreview: dict) -> str:
    """A complete, self-contained HTML page around the article body, with the ClaimReview JSON-LD."""
    pemda = comms.resolved_pemda_name()
    css = ARTICLE_CSS % {
        "primary": comms.colour_primary,
        "secondary": comms.colour_secondary,
        "alert": comms.colour_alert,
    }
    return (
        '<!doctype html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · {escape(pemda)}</title>\n"
        f"<style>{css}</style>\n"
        f'<script type="application/ld+json">\n{json_ld(claimreview)}\n</script>\n'
        "</head>\n<body>\n"
        f'<header class="pemda">{escape(pemda)}</header>\n<main>\n{body_html}\n</main>\n</body>\n</html>\n'
    )
