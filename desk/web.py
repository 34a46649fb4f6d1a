"""Page rendering: the Jinja2 environment, Indonesian labels and filters, flash messages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from desk.services.assignments import FOLLOWUP_STATUSES
from desk.services.categories import CATEGORIES, category_label
from desk.services.decisions import STATUS_LABELS, VERDICTS
from desk.services.queue import BANDS, STANCES
from desk.services.routing import TIER_LABELS
from desk.services.timefmt import age_text, input_value, local_text, until_text
from desk.services.users import ROLES
from desk.settings import DeskSettings
from saring.config import get_settings
from saring.db.base import utcnow

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

MESSAGES = {
    "putusan": "Putusan disimpan.",
    "putusan-isu": "Putusan disimpan dan diterapkan ke item lain dalam isu yang sama.",
    "tugas": "Penugasan disimpan.",
    "tindak-lanjut": "Status tindak lanjut disimpan.",
    "komentar": "Komentar ditambahkan.",
    "rute": "Aturan rute disimpan.",
    "rute-hapus": "Aturan rute dihapus.",
    "skpd": "SKPD ditambahkan.",
    "akun": "Akun resmi disimpan.",
    "akun-hapus": "Akun resmi dihapus dari daftar.",
    "keluar": "Anda telah keluar.",
}
ACTIONS = {
    "item.verdict": "Putusan",
    "item.assign": "Penugasan",
    "item.route": "Dirutekan otomatis",
    "item.comment": "Komentar",
    "item.followup": "Tindak lanjut",
    "item.evidence_export": "Paket bukti diekspor",
    "item.takedown_pack": "Paket laporan akun palsu dibuat",
}
PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "twitter": "X (Twitter)",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "whatsapp": "WhatsApp",
    "web": "Situs web",
    "telegram": "Telegram",
    "tipline": "Aduan warga",
    "aduan": "Laporan warga (/lapor)",
}


ENGAGEMENT = {
    "likes": "suka",
    "shares": "dibagikan",
    "comments": "komentar",
    "views": "ditonton",
    "forwards": "diteruskan",
    "reactions": "reaksi",
    "retweets": "repost",
    "replies": "balasan",
    "quotes": "kutipan",
    "saves": "disimpan",
}


def engagement_label(key: str) -> str:
    return ENGAGEMENT.get(key, key)


def iso_local(value: str | None, tz) -> str:  # noqa: ANN001
    """An ISO timestamp string (as kept in audit details) in local Indonesian wording."""
    if not value:
        return "—"
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return local_text(parsed, tz)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def number(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,.0f}".replace(",", ".")


def make_templates(desk: DeskSettings) -> Jinja2Templates:
    """The page templates with the desk's filters and labels."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    tz = desk.tz
    env.filters.update(
        local=lambda v: local_text(v, tz),
        iso_local=lambda v: iso_local(v, tz),
        engagement=engagement_label,
        age=lambda v: age_text(v, utcnow()),
        until=lambda v: until_text(v, utcnow()),
        input_dt=lambda v: input_value(v, tz),
        percent=percent,
        score=score,
        number=number,
        category=category_label,
        platform=lambda v: PLATFORMS.get((v or "").lower(), v or "—"),
    )
    env.globals.update(
        VERDICTS=VERDICTS,
        STATUS_LABELS=STATUS_LABELS,
        BANDS=BANDS,
        STANCES=STANCES,
        ROLES=ROLES,
        CATEGORIES=CATEGORIES,
        TIER_LABELS=TIER_LABELS,
        ACTIONS=ACTIONS,
        FOLLOWUP_STATUSES=FOLLOWUP_STATUSES,
        kabupaten=get_settings().kabupaten,
    )
    return templates


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with the officer, CSRF token and flash message filled in."""
    officer = getattr(request.state, "officer", None)
    base = {
        "officer": officer,
        "csrf_token": officer.csrf_token if officer else "",
        "message": MESSAGES.get(request.query_params.get("pesan", "")),
    }
    base.update(context)
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, name, base, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
