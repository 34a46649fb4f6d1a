"""OCR of screenshots and posters with Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-ind``).

Preprocessing, each step measured in ``eval/ocr.py``: grayscale; dark-mode inversion (light text on a dark
background, as in a dark-mode chat screenshot, reads far worse uninverted); upscaling small images so that
text reaches the size Tesseract was trained on; an optional Otsu threshold (off by default: it costs
recall on JPEG-degraded photos of posters). Runs on the machine: no image leaves the Pemda's server.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

DEFAULT_LANGUAGES = "ind"
#: the preprocessing of :func:`preprocess`, in order (eval/ocr.py measures each one off and on)
DEFAULT_STEPS = ("grayscale", "invert_dark", "upscale")
ALL_STEPS = ("grayscale", "invert_dark", "upscale", "threshold")
#: images whose shorter side is below this are scaled up (by 2 at most)
UPSCALE_BELOW = 900
DARK_MEAN = 110  # mean grey level under which an image is read as dark mode


class OcrUnavailable(RuntimeError):
    """Tesseract or its Indonesian data is not installed."""


@dataclass(frozen=True, slots=True)
class OcrResult:
    text: str
    seconds: float
    inverted: bool = False


@lru_cache(maxsize=4)
def languages_installed(binary: str | None = None) -> frozenset[str]:
    """The Tesseract languages installed here (empty when Tesseract is missing)."""
    import pytesseract

    if binary:
        pytesseract.pytesseract.tesseract_cmd = binary
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return frozenset()
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - a broken install reads as "not installed"
        return frozenset()


def tesseract_version() -> str:
    import pytesseract

    return str(pytesseract.get_tesseract_version())


def require_tesseract(languages: str = DEFAULT_LANGUAGES) -> None:
    """Raise :class:`OcrUnavailable` with the install hint unless Tesseract has every language asked for."""
    have = languages_installed()
    missing = [lang for lang in languages.split("+") if lang not in have]
    if not have or missing:
        raise OcrUnavailable(
            "Tesseract OCR with Indonesian data is needed for text in images: "
            "apt-get install tesseract-ocr tesseract-ocr-ind (missing: "
            + (", ".join(missing) if have else "tesseract")
            + ")"
        )


def is_dark(gray: Image.Image) -> bool:
    return float(np.asarray(gray, dtype=np.float32).mean()) < DARK_MEAN


def preprocess(image: Image.Image, steps: tuple[str, ...] = DEFAULT_STEPS) -> tuple[Image.Image, bool]:
    """The image as Tesseract should see it, and whether it was inverted (dark mode)."""
    out = image.convert("RGB")
    inverted = False
    if "grayscale" in steps or "invert_dark" in steps or "threshold" in steps:
        out = ImageOps.grayscale(out)
    if "invert_dark" in steps and is_dark(out):
        out, inverted = ImageOps.invert(out), True
    if "upscale" in steps and min(out.size) < UPSCALE_BELOW:
        factor = min(2.0, UPSCALE_BELOW / max(1, min(out.size)))
        out = out.resize((round(out.width * factor), round(out.height * factor)), Image.Resampling.LANCZOS)
    if "threshold" in steps:
        out = _otsu(out)
    return out, inverted


def _otsu(gray: Image.Image) -> Image.Image:
    values = np.asarray(gray, dtype=np.uint8)
    hist = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    cum, cum_mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    w0, w1 = cum, total - cum
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (cum_mean[-1] * w0 - cum_mean * total) ** 2 / (w0 * w1)
    level = int(np.nanargmax(between))
    return Image.fromarray(np.where(values > level, 255, 0).astype(np.uint8))


def clean_ocr_text(text: str) -> str:
    """Tesseract's output without empty lines, runs of spaces or lone stray marks."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"[ \t]+", " ", line).strip()
        if len(re.sub(r"\W", "", line)) >= 2:
            lines.append(line)
    return "\n".join(lines)


def ocr_image(
    image: Image.Image,
    *,
    languages: str = DEFAULT_LANGUAGES,
    steps: tuple[str, ...] = DEFAULT_STEPS,
    psm: int = 3,
    timeout_s: float = 30.0,
) -> OcrResult:
    """The text in an image (cleaned), with the seconds it took. Raises :class:`OcrUnavailable`."""
    import pytesseract

    require_tesseract(languages)
    # one thread per Tesseract: OpenMP threads fight each other (and the encoder) on a small server
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.perf_counter()
    prepared, inverted = preprocess(image, steps)
    try:
        raw = pytesseract.image_to_string(prepared, lang=languages, config=f"--psm {psm}", timeout=timeout_s)
    except RuntimeError as exc:  # pytesseract's timeout
        log.warning("OCR gave up on an image: %s", exc)
        raw = ""
    return OcrResult(clean_ocr_text(raw), time.perf_counter() - started, inverted)
