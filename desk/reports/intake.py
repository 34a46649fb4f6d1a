"""The /lapor form checked field by field: a clean report or an Indonesian message per field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from desk.reports.images import CheckedImage, ImageRefused, check_image
from desk.reports.settings import ReportSettings
from desk.services.validation import InputError, clean_text, clean_url

#: Platforms a reporter can pick, in the order shown.
SEEN_PLATFORMS: dict[str, str] = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "x": "X (Twitter)",
    "youtube": "YouTube",
    "telegram": "Telegram",
    "web": "Situs web / berita",
    "sms": "SMS",
    "lainnya": "Lainnya / dari mulut ke mulut",
}
ANSWER_CHANNELS: dict[str, str] = {
    "": "Tidak perlu dijawab",
    "whatsapp": "WhatsApp",
    "sms": "SMS",
    "email": "E-mail",
}
_WORD = re.compile(r"[^\W_]{2,}")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,185}\.[A-Za-z]{2,24}$")
_PHONE_CHARS = re.compile(r"[\s().-]")


@dataclass(frozen=True, slots=True)
class ReportForm:
    """The raw form fields (strings as submitted) and the uploaded file's bytes, if any."""

    text: str = ""
    platform: str = ""
    link: str = ""
    seen_on: str = ""
    kecamatan: str = ""
    desa: str = ""
    answer_channel: str = ""
    contact: str = ""
    consent: str = ""
    website: str = ""  # the honeypot: hidden from people, filled by bots
    screenshot: bytes = b""
    screenshot_name: str = ""


@dataclass(frozen=True, slots=True)
class CleanReport:
    """A report that passed every check."""

    text: str
    platform: str
    link: str | None
    seen_on: date
    kecamatan: str | None
    desa: str | None
    answer_channel: str | None
    contact: str | None
    screenshot: bytes | None
    image: CheckedImage | None

    @property
    def link_key(self) -> str | None:
        return link_key(self.link) if self.link else None


def link_key(url: str) -> str:
    """A hash of the link without scheme, 'www.', fragment or trailing slash (one poster, one key)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    canonical = urlunsplit(("", host, parts.path.rstrip("/"), parts.query, ""))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def normalise_phone(value: str) -> str | None:
    """An Indonesian mobile number as +62…, or None when it is not one."""
    digits = _PHONE_CHARS.sub("", value)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return "+" + digits


def _parse_date(value: str, today: date, errors: dict[str, str]) -> date | None:
    text = (value or "").strip()
    if not text:
        errors["seen_on"] = "Tanggal wajib diisi: kapan Anda melihat konten ini?"
        return None
    try:
        parsed = date.fromisoformat(text[:10]) if len(text) <= 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors["seen_on"] = "Tanggal tidak valid: gunakan format TTTT-BB-HH, misalnya 2026-05-17."
        return None
    if parsed > today + timedelta(days=1):
        errors["seen_on"] = "Tanggal tidak boleh di masa depan."
        return None
    if parsed < today - timedelta(days=366):
        errors["seen_on"] = "Tanggal lebih dari setahun yang lalu; laporkan konten yang masih beredar."
        return None
    return parsed


def check_report(
    form: ReportForm,
    settings: ReportSettings,
    kecamatan: list[str],
    desa: dict[str, list[str]] | None = None,
    *,
    now: datetime,
) -> CleanReport:
    """Check every field (all messages at once); raise InputError with a message per field."""
    errors: dict[str, str] = {}
    text = clean_text(
        form.text,
        field="text",
        label="Isi laporan",
        max_chars=settings.max_text_chars,
        required=False,
        errors=errors,
    )
    if form.platform not in SEEN_PLATFORMS:
        errors["platform"] = "Pilih di mana Anda melihatnya dari daftar."
    link = clean_url(form.link, field="link", label="Tautan", errors=errors)
    image = None
    if form.screenshot:
        try:
            image = check_image(form.screenshot, settings.max_screenshot_bytes)
        except ImageRefused as refused:
            errors["screenshot"] = str(refused)
    elif form.screenshot_name:
        errors["screenshot"] = "Berkas tangkapan layar kosong."
    words = len(_WORD.findall(text))
    no_evidence = not link and not form.screenshot and words < settings.min_text_words
    if no_evidence and "text" not in errors and "link" not in errors:
        errors["evidence"] = (
            "Sertakan tautan, tangkapan layar, atau tuliskan isinya "
            f"(minimal {settings.min_text_words} kata) agar TRC dapat memeriksanya."
        )
    seen_on = _parse_date(form.seen_on, now.date(), errors)

    place = (form.kecamatan or "").strip()
    known = {k.casefold(): k for k in kecamatan}
    kec = None
    if place:
        kec = known.get(place.casefold())
        if kec is None:
            errors["kecamatan"] = "Kecamatan tidak dikenal: pilih dari daftar."
    village = (
        clean_text(
            form.desa, field="desa", label="Desa/kelurahan", max_chars=100, required=False, errors=errors
        )
        or None
    )
    if village and desa and kec and desa.get(kec):
        villages = {v.casefold(): v for v in desa[kec]}
        village = villages.get(village.casefold(), village)

    channel = form.answer_channel or ""
    contact = (form.contact or "").strip()
    if channel not in ANSWER_CHANNELS:
        errors["answer_channel"] = "Pilih cara menjawab dari daftar."
        channel = ""
    if channel:
        if not contact:
            errors["contact"] = "Isi nomor WhatsApp/HP atau e-mail agar kami bisa menjawab."
        elif channel == "email":
            if len(contact) > 254 or not _EMAIL.match(contact):
                errors["contact"] = "Alamat e-mail tidak valid, misalnya nama@contoh.id."
            contact = contact.lower()
        else:
            phone = normalise_phone(contact)
            if phone is None:
                errors["contact"] = "Nomor HP tidak valid: gunakan nomor Indonesia, misalnya 0812 3456 7890."
            contact = phone or contact
        if form.consent != "ya":
            errors["consent"] = "Centang persetujuan agar kontak Anda boleh disimpan untuk menjawab."
    elif contact:
        errors["answer_channel"] = "Pilih lewat apa kami menjawab, atau kosongkan kontak."
    if errors:
        raise InputError(errors)
    assert seen_on is not None
    return CleanReport(
        text=text,
        platform=form.platform,
        link=link,
        seen_on=seen_on,
        kecamatan=kec,
        desa=village,
        answer_channel=channel or None,
        contact=contact or None,
        screenshot=form.screenshot or None,
        image=image,
    )
