"""One text per channel, within the channel's limits: X threads, Instagram/TikTok captions, Facebook,
WhatsApp, and the web article body."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desk.comms.drafting import shorten
from desk.comms.templates import CHANNELS, ActiveTemplate, TemplateInvalid, render_text

# Characters per post/caption. X counts by weight (see x_length); the others by Unicode code points.
LIMITS: dict[str, int | None] = {
    "x": 280,
    "instagram": 2200,
    "facebook": 63206,
    "whatsapp": 65536,
    "tiktok": 2200,
    "web": None,
}
HASHTAG_LIMITS = {"instagram": 30}
X_URL_WEIGHT = 23  # every link is shortened to t.co and counts 23
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_WA_MARKS = str.maketrans({"*": "", "_": "", "~": "", "`": ""})
_UNSAFE_HTML = re.compile(r"<\s*(script|iframe|object|embed|style)\b|\son\w+\s*=|javascript:", re.IGNORECASE)


class VariantInvalid(ValueError):
    """A channel text that breaks the channel's limits; the message is for the officer."""


@dataclass(slots=True)
class ChannelVariant:
    """The text for one channel; ``parts`` are the posts of an X thread (one part elsewhere)."""

    channel: str
    text: str
    parts: list[str] = field(default_factory=list)
    template_version: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        return x_length(self.text) if self.channel == "x" else len(self.text)

    @property
    def limit(self) -> int | None:
        return LIMITS.get(self.channel)


# ---------------------------------------------------------------- X


def _char_weight(char: str) -> int:
    point = ord(char)
    light = point <= 4351 or 8192 <= point <= 8205 or 8208 <= point <= 8223 or 8242 <= point <= 8247
    return 1 if light else 2


def x_length(text: str) -> int:
    """Length as X counts it: NFC text, links 23, most Latin characters 1, others (emoji, CJK) 2."""
    text = unicodedata.normalize("NFC", text)
    total, last = 0, 0
    for match in _URL.finditer(text):
        total += sum(_char_weight(c) for c in text[last : match.start()]) + X_URL_WEIGHT
        last = match.end()
    return total + sum(_char_weight(c) for c in text[last:])


def _hard_split(word: str, limit: int) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if x_length(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def _pack(text: str, limit: int) -> list[str]:
    """Greedy packing: whole paragraphs when they fit, else words; never splits inside a word that fits."""
    parts: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current.strip():
            parts.append(current.strip())
        current = ""

    for paragraph in [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]:
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if x_length(joined) <= limit:
            current = joined
            continue
        if x_length(paragraph) <= limit:
            flush()
            current = paragraph
            continue
        for line_no, line in enumerate(paragraph.split("\n")):
            for word_no, word in enumerate(line.split()):
                glue = ("\n\n" if line_no == 0 else "\n") if word_no == 0 else " "
                candidate = f"{current}{glue}{word}" if current else word
                if x_length(candidate) <= limit:
                    current = candidate
                    continue
                flush()
                if x_length(word) <= limit:
                    current = word
                else:
                    *whole, current = _hard_split(word, limit)
                    parts.extend(whole)
    flush()
    return parts


def split_thread(text: str, limit: int = 280) -> list[str]:
    """One post when it fits, else a thread on paragraph/word boundaries, each post ending ' (i/n)'."""
    text = text.strip()
    if x_length(text) <= limit:
        return [text]
    width = len(" (1/1)")
    while True:  # the numbering's width depends on the count; widen until the count fits its own numbering
        parts = _pack(text, limit - width)
        count = len(parts)
        needed = len(f" ({count}/{count})")
        if needed <= width:
            break
        width = needed
    return [f"{part} ({i}/{count})" for i, part in enumerate(parts, start=1)]


# ---------------------------------------------------------------- captions


def hashtags_in(text: str) -> list[str]:
    return _HASHTAG.findall(text)


def check_variant(channel: str, text: str) -> ChannelVariant:
    """Validate a channel text (as edited by an officer) and split X into its thread."""
    if channel not in CHANNELS:
        raise VariantInvalid(f"Kanal tidak dikenal: {channel}.")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise VariantInvalid("Teks tidak boleh kosong.")
    variant = ChannelVariant(channel=channel, text=text)
    limit = LIMITS.get(channel)
    if channel == "x":
        variant.parts = split_thread(text, limit or 280)
        if len(variant.parts) > 25:
            raise VariantInvalid(f"Utas X terlalu panjang ({len(variant.parts)} unggahan; maksimal 25).")
    else:
        variant.parts = [text]
        if limit is not None and len(text) > limit:
            raise VariantInvalid(
                f"Teks {CHANNELS[channel]} {len(text):,} karakter; batasnya {limit:,}.".replace(",", ".")
            )
    tag_limit = HASHTAG_LIMITS.get(channel)
    if tag_limit is not None and len(hashtags_in(text)) > tag_limit:
        raise VariantInvalid(f"{CHANNELS[channel]} mengizinkan paling banyak {tag_limit} tagar.")
    if channel == "web" and _UNSAFE_HTML.search(text):
        raise VariantInvalid("Artikel tidak boleh berisi skrip, iframe, gaya sisipan atau atribut on….")
    return variant


def _fitted(
    channel: str, render: Callable[[dict[str, Any]], str], context: dict[str, Any]
) -> tuple[str, list[str]]:
    """Render; when a caption is over its limit, shorten the facts, then the claim, then cut the end."""
    limit = LIMITS.get(channel)
    text = render(context)
    if channel == "x" or limit is None or len(text) <= limit:
        return text, []
    notes = []
    ctx = dict(context)
    for key, label in (("fakta", "Fakta"), ("klaim", "Klaim")):
        over = len(text) - limit
        if over <= 0:
            break
        value = str(ctx.get(key) or "")
        ctx[key] = shorten(value, max(40, len(value) - over - 2))
        text = render(ctx)
        notes.append(f"{label} dipendekkan agar muat {limit:,} karakter.".replace(",", "."))
    if len(text) > limit:
        text = shorten(text, limit)
        notes.append("Teks dipotong di akhir; periksa sebelum diterbitkan.")
    return text, notes


def _context_for(channel: str, context: dict[str, Any]) -> dict[str, Any]:
    if channel != "whatsapp":
        return context
    # WhatsApp reads *, _, ~ and ` as formatting: keep them out of the data so the template's markup holds.
    return {
        k: v.translate(_WA_MARKS) if isinstance(v, str) and not k.startswith("tautan") else v
        for k, v in context.items()
    }


def render_variant(template: ActiveTemplate, context: dict[str, Any]) -> ChannelVariant:
    """Render one channel's template with the clarification's data and fit it to the channel."""
    channel = template.channel
    ctx = _context_for(channel, context)
    tag_limit = HASHTAG_LIMITS.get(channel)
    if tag_limit is not None:
        ctx = {**ctx, "tagar": " ".join(str(ctx.get("tagar", "")).split()[:tag_limit])}
    text, notes = _fitted(channel, lambda c: render_text(channel, template.body, c), ctx)
    try:
        variant = check_variant(channel, text)
    except VariantInvalid as exc:
        raise TemplateInvalid(f"Templat {CHANNELS[channel]} versi {template.version}: {exc}") from exc
    variant.template_version = template.version
    variant.notes = notes
    if channel == "x" and len(variant.parts) > 1:
        variant.notes.append(f"Dipecah menjadi utas {len(variant.parts)} unggahan.")
    return variant


def render_variants(
    templates: dict[str, ActiveTemplate], context: dict[str, Any]
) -> dict[str, ChannelVariant]:
    """Every channel's text, in the order of CHANNELS."""
    return {
        channel: render_variant(templates[channel], context) for channel in CHANNELS if channel in templates
    }
