"""Self-made demo images, rendered with Pillow from the project's own Indonesian texts: fake aid posters,
chat screenshots (light and dark mode), a fake recruitment letter, a text-free "flood photo", and the
transformed copies re-posts make of them (JPEG quality 30, crops, resizes, a caption bar, a screenshot of a
screenshot). Nothing here is a real poster, chat or letter.

The demo, the tests and the benchmarks render what they need at run time (no large binaries committed).
"""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
#: Debian fonts (fonts-dejavu-core, fonts-liberation); the first one found is the fallback
FONT_FILES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansCondensed.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf",
)


@lru_cache(maxsize=1)
def font_paths() -> tuple[Path, ...]:
    """The TrueType fonts of :data:`FONT_FILES` installed here (DejaVu at least, from the test set-up)."""
    found = tuple(d / name for name in FONT_FILES for d in FONT_DIRS if (d / name).is_file())
    if not found:
        raise FileNotFoundError("no TrueType fonts found: apt-get install fonts-dejavu-core fonts-liberation")
    return found


@lru_cache(maxsize=256)
def font(size: int, name: str = "DejaVuSans.ttf") -> ImageFont.FreeTypeFont:
    paths = font_paths()
    path = next((p for p in paths if p.name == name), paths[0])
    return ImageFont.truetype(str(path), size)


def _wrap(text: str, width_chars: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, width_chars) or [""]
    return lines


# --- renderers ----------------------------------------------------------------------------------


def poster(
    title: str,
    body: str,
    *,
    size: tuple[int, int] = (720, 900),
    background: tuple[int, int, int] = (250, 214, 40),
    ink: tuple[int, int, int] = (25, 25, 25),
    accent: tuple[int, int, int] = (200, 20, 30),
    font_name: str = "DejaVuSans-Bold.ttf",
    body_font: str = "DejaVuSans.ttf",
    title_size: int = 46,
    body_size: int = 30,
) -> Image.Image:
    """A fake announcement poster: a coloured card, a banner title, body text and a footer stripe."""
    width, height = size
    img = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 150), fill=accent)
    draw.ellipse((width - 140, 20, width - 30, 130), fill=(255, 255, 255))
    draw.ellipse((width - 125, 35, width - 45, 115), fill=accent)
    y = 20
    for line in _wrap(title, max(10, int((width - 150) / (title_size * 0.7)))):
        draw.text((30, y), line, font=font(title_size, font_name), fill=(255, 255, 255))
        y += int(title_size * 1.2)
    y = max(y, 150) + 30
    for line in _wrap(body, max(12, int(width / (body_size * 0.56)))):
        draw.text((30, y), line, font=font(body_size, body_font), fill=ink)
        y += int(body_size * 1.35)
    draw.rectangle((0, height - 60, width, height), fill=ink)
    return img


def chat_screenshot(
    messages: Sequence[tuple[str, bool]],
    *,
    dark: bool = False,
    size: tuple[int, int] = (540, 960),
    text_size: int = 24,
    font_name: str = "DejaVuSans.ttf",
    title: str = "Grup Warga RT 05",
) -> Image.Image:
    """A chat app screenshot: status bar, header, bubbles (``(text, mine)``), light or dark mode."""
    width, height = size
    bg, header = ((11, 20, 26), (31, 44, 52)) if dark else ((236, 229, 221), (0, 128, 105))
    theirs, mine = ((32, 44, 51), (0, 92, 75)) if dark else ((255, 255, 255), (220, 248, 198))
    ink = (233, 237, 239) if dark else (17, 27, 33)
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 36), fill=(0, 0, 0) if dark else (0, 100, 80))
    draw.text((14, 6), "09:41", font=font(20), fill=(255, 255, 255))
    draw.text((width - 90, 6), "4G 87%", font=font(18), fill=(255, 255, 255))
    draw.rectangle((0, 36, width, 110), fill=header)
    draw.text((80, 56), title, font=font(26, "DejaVuSans-Bold.ttf"), fill=(255, 255, 255))
    draw.ellipse((18, 50, 62, 94), fill=(180, 180, 180))
    y = 130
    chars = max(12, int((width * 0.72) / (text_size * 0.56)))
    for text, is_mine in messages:
        lines = _wrap(text, chars)
        box_w = min(int(width * 0.8), max(int(len(max(lines, key=len)) * text_size * 0.56) + 30, 120))
        box_h = len(lines) * int(text_size * 1.35) + 24
        x = width - box_w - 16 if is_mine else 16
        if y + box_h > height - 20:
            break
        draw.rounded_rectangle((x, y, x + box_w, y + box_h), radius=14, fill=mine if is_mine else theirs)
        ty = y + 12
        for line in lines:
            draw.text((x + 15, ty), line, font=font(text_size, font_name), fill=ink)
            ty += int(text_size * 1.35)
        y += box_h + 18
    return img


def letter(
    heading: str,
    body: str,
    *,
    size: tuple[int, int] = (850, 1100),
    text_size: int = 24,
    font_name: str = "DejaVuSerif.ttf",
) -> Image.Image:
    """A fake official letter: letterhead, a rule, the heading and the body on white paper."""
    width, height = size
    img = Image.new("RGB", size, (252, 252, 248))
    draw = ImageDraw.Draw(img)
    draw.ellipse((40, 30, 140, 130), outline=(40, 40, 40), width=4)
    draw.text((170, 40), "PEMERINTAH KABUPATEN KOTABARU", font=font(30, "DejaVuSerif.ttf"), fill=(0, 0, 0))
    draw.text((170, 85), "BADAN KEPEGAWAIAN DAERAH", font=font(24, "DejaVuSerif.ttf"), fill=(0, 0, 0))
    draw.line((40, 150, width - 40, 150), fill=(0, 0, 0), width=4)
    y = 180
    for line in _wrap(heading, 50):
        draw.text((60, y), line, font=font(text_size + 4, "DejaVuSans-Bold.ttf"), fill=(0, 0, 0))
        y += int(text_size * 1.6)
    y += 20
    for line in _wrap(body, max(20, int((width - 120) / (text_size * 0.55)))):
        draw.text((60, y), line, font=font(text_size, font_name), fill=(20, 20, 20))
        y += int(text_size * 1.45)
    return img


def photo(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A text-free synthetic "photo" (sky, water, roofs, trees: a flooded street look), one per seed."""
    rng = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    sky = (rng.randint(120, 200), rng.randint(150, 210), rng.randint(180, 240))
    for y in range(height // 2):
        shade = y / (height / 2)
        draw.line((0, y, width, y), fill=tuple(int(c * (1 - 0.3 * shade)) for c in sky))
    water = (rng.randint(90, 140), rng.randint(80, 120), rng.randint(50, 90))
    draw.rectangle((0, height // 2, width, height), fill=water)
    for _ in range(rng.randint(4, 9)):
        x = rng.randint(-50, width - 50)
        w, h = rng.randint(80, 200), rng.randint(60, 160)
        base = height // 2 + rng.randint(-20, 40)
        colour = (rng.randint(100, 230), rng.randint(60, 200), rng.randint(40, 180))
        draw.rectangle((x, base - h, x + w, base), fill=colour)
        roof = [(x - 10, base - h), (x + w // 2, base - h - 50), (x + w + 10, base - h)]
        draw.polygon(roof, fill=(120, 40, 30))
    for _ in range(rng.randint(3, 8)):
        x, y = rng.randint(0, width), rng.randint(height // 3, height // 2)
        r = rng.randint(30, 70)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(30, rng.randint(90, 140), 40))
    for _ in range(40):
        y = rng.randint(height // 2, height)
        draw.line((0, y, width, y + rng.randint(-5, 5)), fill=tuple(min(255, c + 25) for c in water), width=2)
    return img.filter(ImageFilter.GaussianBlur(0.8))


# --- transforms re-posts make -------------------------------------------------------------------


def jpeg(img: Image.Image, quality: int = 30) -> Image.Image:
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def crop(img: Image.Image, fraction: float = 0.9, *, anchor: str = "center") -> Image.Image:
    """Keep ``fraction`` of each side (centred, or from the top-left)."""
    w, h = img.size
    cw, ch = int(w * fraction), int(h * fraction)
    x, y = ((w - cw) // 2, (h - ch) // 2) if anchor == "center" else (0, 0)
    return img.crop((x, y, x + cw, y + ch))


def resize(img: Image.Image, scale: float = 0.5) -> Image.Image:
    size = (max(8, int(img.width * scale)), max(8, int(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS)


def caption_bar(img: Image.Image, text: str = "VIRAL!! sebarkan", *, height: int = 90) -> Image.Image:
    """A meme-style bar of text added above the picture."""
    out = Image.new("RGB", (img.width, img.height + height), (255, 255, 255))
    out.paste(img.convert("RGB"), (0, height))
    ImageDraw.Draw(out).text((16, height // 4), text, font=font(max(18, height // 3)), fill=(0, 0, 0))
    return out


def screenshot_of(img: Image.Image, *, dark: bool = False) -> Image.Image:
    """A phone screenshot showing the picture: status bar, app bar, the picture scaled to the screen."""
    width = 600
    scaled = img.convert("RGB").resize((width - 40, int(img.height * (width - 40) / img.width)))
    height = scaled.height + 260
    bg = (16, 16, 16) if dark else (245, 245, 245)
    out = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, 0, width, 40), fill=(0, 0, 0))
    draw.text((14, 8), "10:02", font=font(20), fill=(255, 255, 255))
    draw.rectangle((0, 40, width, 110), fill=(59, 89, 152))
    draw.text((20, 58), "Beranda", font=font(26, "DejaVuSans-Bold.ttf"), fill=(255, 255, 255))
    out.paste(scaled, (20, 130))
    draw.text((20, height - 100), "Suka  Komentar  Bagikan", font=font(22), fill=(120, 120, 120))
    return out


def noise(img: Image.Image, amount: float = 12.0, seed: int = 0) -> Image.Image:
    import numpy as np

    rng = np.random.default_rng(seed)
    array = np.asarray(img.convert("RGB"), dtype=np.float32)
    array += rng.normal(0.0, amount, array.shape)
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def save(img: Image.Image, path: Path, *, quality: int = 85) -> Path:
    """Write PNG or JPEG by the path's suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        img.convert("RGB").save(path, "JPEG", quality=quality)
    else:
        img.save(path, "PNG", optimize=True)
    return path
