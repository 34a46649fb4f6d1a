"""A post's media, processed: each reference read, checked, stored by SHA-256, hashed and OCR'd.

OCR results are cached per SHA-256 in the process: a re-posted image is read once, also when two threads
meet it at the same time (the second waits for the first's reading).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from saring.media.records import MediaProblem, MediaRef, MediaResult, StoredImage
from saring.media.storage import MediaError, MediaLimits, open_image, read_ref, store_image

log = logging.getLogger(__name__)
_OCR_CACHE: OrderedDict[str, str] = OrderedDict()
_OCR_CACHE_SIZE = 4096
_LOCK = threading.Lock()
_WARNED: set[str] = set()
_READING: dict[str, Future] = {}


@dataclass(frozen=True, slots=True)
class MediaOptions:
    """Where images go, their limits, and whether (and in which languages) to OCR them."""

    media_dir: Path
    limits: MediaLimits = field(default_factory=MediaLimits)
    ocr: bool = True
    languages: str = "ind"
    max_per_post: int = 4
    workers: int = 1

    @classmethod
    def from_settings(cls, settings) -> MediaOptions:  # noqa: ANN001 - saring.config.Settings
        return cls(
            media_dir=settings.media_dir,
            limits=MediaLimits(
                max_bytes=settings.media_max_bytes,
                max_pixels=settings.media_max_pixels,
                fetch_timeout_s=settings.media_fetch_timeout_s,
            ),
            ocr=settings.ocr_enabled,
            languages=settings.ocr_languages,
            max_per_post=settings.media_max_per_post,
            workers=settings.ocr_workers or os.cpu_count() or 1,
        )


def with_ocr_text(text: str, ocr_text: str | None) -> str:
    """The text matching, language id, stance and classification read: the post's own, then its images'."""
    text, ocr_text = (text or "").strip(), (ocr_text or "").strip()
    if not ocr_text:
        return text
    return f"{text}\n\n{ocr_text}" if text else ocr_text


def _ocr(image, sha: str, options: MediaOptions) -> tuple[str, float]:  # noqa: ANN001 - a PIL image
    with _LOCK:
        if sha in _OCR_CACHE:
            _OCR_CACHE.move_to_end(sha)
            return _OCR_CACHE[sha], 0.0
        reading = _READING.get(sha)
        if reading is None:
            reading = _READING[sha] = Future()
            mine = True
        else:
            mine = False
    if not mine:
        return reading.result(), 0.0
    try:
        result = _read(image, options)
    except BaseException as exc:
        with _LOCK:
            _READING.pop(sha, None)
        reading.set_exception(exc)
        raise
    text, seconds = result if result is not None else ("", 0.0)
    with _LOCK:
        if result is not None:  # an image is not remembered as empty because Tesseract was missing
            _OCR_CACHE[sha] = text
            while len(_OCR_CACHE) > _OCR_CACHE_SIZE:
                _OCR_CACHE.popitem(last=False)
        _READING.pop(sha, None)
    reading.set_result(text)
    return text, seconds


def _read(image, options: MediaOptions) -> tuple[str, float] | None:  # noqa: ANN001 - a PIL image
    """The image's text and seconds; None when Tesseract cannot run (warned once)."""
    from saring.media.ocr import OcrUnavailable, ocr_image

    try:
        result = ocr_image(image, languages=options.languages)
    except OcrUnavailable as exc:
        if "ocr" not in _WARNED:
            _WARNED.add("ocr")
            log.warning("%s; images are stored and hashed, their text is not read", exc)
        return None
    return result.text, result.seconds


def process_ref(ref: MediaRef, options: MediaOptions, *, captured_at: datetime | None = None) -> StoredImage:
    """Read, check, store, hash and OCR one reference. Raises :class:`MediaError` with the reason."""
    data = read_ref(ref, options.limits)
    image = open_image(data, options.limits)
    stored = store_image(data, image, options.media_dir, source_ref=ref.where)
    text, seconds = _ocr(image, stored.sha256, options) if options.ocr else ("", 0.0)
    return replace(stored, ocr_text=text, ocr_seconds=seconds, captured_at=captured_at or datetime.now(UTC))


def process_media(
    refs: Sequence[MediaRef], options: MediaOptions, *, captured_at: datetime | None = None
) -> MediaResult:
    """Every reference of one post: the images that could be used and the problems of the others."""
    result = MediaResult()
    seen: set[str] = set()
    for position, ref in enumerate(refs):
        if position >= options.max_per_post:
            result.problems.append(MediaProblem(ref.where, f"more than {options.max_per_post} images a post"))
            continue
        try:
            stored = process_ref(ref, options, captured_at=captured_at)
        except MediaError as exc:
            result.problems.append(MediaProblem(ref.where, str(exc)))
            continue
        if stored.sha256 not in seen:  # the same file twice on one post counts once
            seen.add(stored.sha256)
            result.images.append(stored)
    return result
