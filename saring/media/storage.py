"""Read an image a post points at, check it, and keep it once under the media folder by its SHA-256.

A file that is missing, larger than the limits, not an image Pillow can decode, or an URL the source does not
allow fetching raises :class:`MediaError` with the reason; the caller quarantines the reference and the
post's text goes on without it.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from saring.media.records import MediaRef, StoredImage

#: formats kept as they came (anything else Pillow reads is refused: a GIF animation, a PDF, a video)
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


class MediaError(ValueError):
    """One media reference cannot be used; the message is the quarantine reason."""


@dataclass(frozen=True, slots=True)
class MediaLimits:
    """Size limits of one image (bytes on disk and decoded pixels) and of a fetch."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    fetch_timeout_s: float = 10.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_ref(ref: MediaRef, limits: MediaLimits = MediaLimits()) -> bytes:  # noqa: B008
    """The bytes of a local file or (where the source allows it) an URL, within ``limits.max_bytes``."""
    if ref.problem:
        raise MediaError(ref.problem)
    if ref.path:
        path = Path(ref.path)
        if not path.is_file():
            raise MediaError(f"media file not found: {ref.path}")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise MediaError(f"media too large: {size} bytes > {limits.max_bytes}")
        return path.read_bytes()
    if ref.url:
        if not ref.fetch:
            raise MediaError(f"fetching media URLs is off for this source: {ref.url}")
        from saring.media.fetch import fetch_bytes

        return fetch_bytes(ref.url, max_bytes=limits.max_bytes, timeout=limits.fetch_timeout_s)
    raise MediaError("media entry has neither path nor url")


def open_image(data: bytes, limits: MediaLimits = MediaLimits()) -> Image.Image:  # noqa: B008
    """Decode and check the bytes as one still image (JPEG, PNG or WebP) within the pixel limit."""
    if len(data) > limits.max_bytes:
        raise MediaError(f"media too large: {len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise MediaError("media file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise MediaError(f"not a supported image (format {image.format or 'unknown'})")
            if image.width * image.height > limits.max_pixels:
                raise MediaError(f"image too large: {image.width}x{image.height} pixels")
            image.load()
    except MediaError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"not an image: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"broken image: {exc}") from exc
    return image


def store_image(data: bytes, image: Image.Image, media_dir: Path, *, source_ref: str = "") -> StoredImage:
    """Write the bytes once under ``media_dir/ab/<sha256>.<ext>`` (kept as received) and describe them."""
    from saring.media.phash import image_hash

    digest = sha256_bytes(data)
    mime, ext = FORMATS[image.format]
    relpath = f"{digest[:2]}/{digest}{ext}"
    target = Path(media_dir) / relpath
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        # a name of its own per writer: two threads may store the same image at once
        tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return StoredImage(
        sha256=digest,
        relpath=relpath,
        mime=mime,
        width=image.width,
        height=image.height,
        size=len(data),
        phash=image_hash(image),
        source_ref=source_ref,
    )
