"""The printable clarification card: a 1080×1080 PNG in the Pemda's colours, from the texts' data."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from desk.comms.settings import CommsSettings

log = logging.getLogger(__name__)

SIZE = 1080
MARGIN = 64
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
INK = (29, 36, 48)
MUTED = (91, 102, 117)
CLAIM_BG = (255, 248, 230)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(slots=True)
class CardData:
    """What the card shows."""

    label: str
    title: str
    claim: str
    facts: str
    source: str
    date_text: str


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans (Debian fonts-dejavu-core) when installed, else Pillow's built-in scalable font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    log.info("DejaVu fonts not found; using Pillow's default font")
    return ImageFont.load_default(size=size)


def font_source() -> str:
    """Which font the card uses (for reports and tests)."""
    return "dejavu" if any((d / "DejaVuSans.ttf").is_file() for d in FONT_DIRS) else "pillow-default"


def wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: int) -> list[str]:
    """Word-wrap to a pixel width (a word longer than the width is broken by characters)."""
    lines: list[str] = []
    for paragraph in text.replace("\r", "").split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if draw.textlength(candidate, font=face) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while draw.textlength(current, font=face) > width:
                cut = len(current)
                while cut > 1 and draw.textlength(current[:cut], font=face) > width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        if current:
            lines.append(current)
    return lines


def fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    width: int,
    height: int,
    sizes: tuple[int, ...],
    bold: bool = False,
    spacing: float = 1.28,
) -> tuple[Font, list[str], int]:
    """The largest size whose wrapped lines fit the box; at the smallest size, extra lines end in '…'."""
    for size in sizes:
        face = font(size, bold)
        lines = wrap(draw, text, face, width)
        step = int(size * spacing)
        if len(lines) * step <= height:
            return face, lines, step
    size = sizes[-1]
    face, step = font(size, bold), int(size * spacing)
    lines = wrap(draw, text, face, width)
    keep = max(1, height // step)
    if len(lines) > keep:
        last = lines[keep - 1]
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1]
        lines = [*lines[: keep - 1], last.rstrip(" ,.;:") + "…"]
    return face, lines, step


def _text_block(
    draw: ImageDraw.ImageDraw,
    x: int,
    y: int,
    lines: list[str],
    face: Font,
    step: int,
    fill: tuple[int, int, int],
) -> int:
    for line in lines:
        draw.text((x, y), line, font=face, fill=fill)
        y += step
    return y


def render_card(data: CardData, comms: CommsSettings) -> bytes:
    """Draw the card and return PNG bytes (1080×1080, RGB)."""
    primary, secondary, alert = (
        _rgb(comms.colour_primary),
        _rgb(comms.colour_secondary),
        _rgb(comms.colour_alert),
    )
    image = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    inner = SIZE - 2 * MARGIN

    # header: the Pemda's name and the kind of message
    draw.rectangle((0, 0, SIZE, 150), fill=primary)
    face, lines, step = fit(draw, comms.resolved_pemda_name().upper(), inner, 56, (40, 34, 28), bold=True)
    _text_block(draw, MARGIN, 30, lines[:1], face, step, (255, 255, 255))
    draw.text((MARGIN, 92), f"KLARIFIKASI RESMI · {data.date_text}", font=font(26), fill=(225, 236, 245))
    draw.rectangle((0, 150, SIZE, 162), fill=secondary)

    # the stamp and the title
    stamp_face = font(60, bold=True)
    stamp = f"[{data.label}]"
    stamp_w = int(draw.textlength(stamp, font=stamp_face))
    draw.rounded_rectangle((MARGIN, 196, MARGIN + stamp_w + 44, 282), radius=10, fill=alert)
    draw.text((MARGIN + 22, 205), stamp, font=stamp_face, fill=(255, 255, 255))
    face, lines, step = fit(draw, data.title, inner, 150, (44, 40, 36, 32), bold=True, spacing=1.2)
    y = _text_block(draw, MARGIN, 306, lines, face, step, INK) + 18

    # the claim as circulated, on a pale box
    draw.text((MARGIN, y), "KLAIM YANG BEREDAR", font=font(24, bold=True), fill=alert)
    y += 36
    face, lines, step = fit(draw, f"“{data.claim}”", inner - 40, 130, (28, 26, 24))
    box_bottom = y + len(lines) * step + 24
    draw.rectangle((MARGIN, y, SIZE - MARGIN, box_bottom), fill=CLAIM_BG)
    draw.rectangle((MARGIN, y, MARGIN + 8, box_bottom), fill=secondary)
    _text_block(draw, MARGIN + 28, y + 12, lines, face, step, INK)
    y = box_bottom + 26

    # the facts fill what is left above the source line and the footer
    footer_top = 920
    draw.text((MARGIN, y), "FAKTANYA", font=font(24, bold=True), fill=primary)
    y += 36
    source_face, source_lines, source_step = fit(draw, f"Sumber: {data.source}", inner, 60, (22, 20))
    facts_height = footer_top - 24 - len(source_lines) * source_step - 16 - y
    face, lines, step = fit(draw, data.facts, inner, max(facts_height, 40), (34, 32, 30, 28, 26, 24, 22))
    _text_block(draw, MARGIN, y, lines, face, step, INK)
    _text_block(
        draw,
        MARGIN,
        footer_top - 24 - len(source_lines) * source_step,
        source_lines,
        source_face,
        source_step,
        MUTED,
    )

    # footer: the call not to share and the official contact
    draw.rectangle((0, footer_top, SIZE, SIZE), fill=primary)
    draw.text(
        (MARGIN, footer_top + 24),
        "JANGAN SEBARKAN! Saring sebelum sharing.",
        font=font(34, bold=True),
        fill=secondary,
    )
    contact = f"Informasi resmi: {comms.contact_line()}"
    if comms.website:
        contact += f" · {comms.website.removeprefix('https://').removeprefix('http://').rstrip('/')}"
    face, lines, step = fit(draw, contact, inner, 70, (26, 24, 22, 20))
    _text_block(draw, MARGIN, footer_top + 80, lines[:2], face, step, (255, 255, 255))

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
