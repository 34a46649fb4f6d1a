"""Screenshot checks: the type is read from the bytes (never the file name), then decoded by Pillow."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

#: Magic bytes of the accepted image types.
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"\xff\xd8\xff", 0, "jpeg"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"WEBP", 8, "webp"),
)
MAX_PIXELS = 40_000_000


class ImageRefused(ValueError):
    """Not an accepted image; the message is Indonesian, for the reporter."""


@dataclass(frozen=True, slots=True)
class CheckedImage:
    kind: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The image type its first bytes say, or None."""
    for magic, offset, kind in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if kind == "webp" and data[:4] != b"RIFF":
                continue
            return kind
    return None


def check_image(data: bytes, max_bytes: int) -> CheckedImage:
    """Accept PNG, JPEG, GIF or WebP bytes under the limit that really decode; raise ImageRefused."""
    if len(data) > max_bytes:
        raise ImageRefused(f"Ukuran tangkapan layar melebihi batas {max_bytes // 1_000_000} MB.")
    kind = sniff(data)
    if kind is None:
        raise ImageRefused("Berkas bukan gambar (PNG, JPG, GIF atau WebP), apa pun nama berkasnya.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRefused("Gambar terlalu besar (resolusi).")
            image.verify()
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRefused("Gambar rusak atau tidak dapat dibaca.") from exc
    return CheckedImage(kind, width, height)
