"""The images of an item's post: their files, SHA-256, capture time, OCR text, and the image matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.services.access import Viewer, load_item, require
from desk.services.timefmt import as_utc
from saring.config import get_settings
from saring.db.tables.media import MediaFile, PostMedia


@dataclass(slots=True)
class ImageView:
    """One image of a post as the item page and the evidence pack show it."""

    sha256: str
    relpath: str
    mime: str
    width: int
    height: int
    size: int
    captured_at: datetime | None
    source_ref: str
    ocr_text: str

    @property
    def filename(self) -> str:
        return f"{self.sha256}{Path(self.relpath).suffix}"

    def to_dict(self) -> dict:
        return {
            "sha256": self.sha256,
            "file": f"images/{self.filename}",
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
            "bytes": self.size,
            "captured_at": as_utc(self.captured_at),
            "source_ref": self.source_ref,
            "ocr_text": self.ocr_text,
        }


def post_images(session: Session, post_id: int) -> list[ImageView]:
    """The post's images in its order."""
    rows = session.execute(
        select(MediaFile, PostMedia)
        .join(PostMedia, PostMedia.media_id == MediaFile.id)
        .where(PostMedia.post_id == post_id)
        .order_by(PostMedia.position)
    ).all()
    return [
        ImageView(
            sha256=m.sha256,
            relpath=m.relpath,
            mime=m.mime,
            width=m.width,
            height=m.height,
            size=m.size,
            captured_at=pm.captured_at,
            source_ref=pm.source_ref,
            ocr_text=m.ocr_text or "",
        )
        for m, pm in rows
    ]


def image_file(path: str, media_dir: Path | None = None) -> Path:
    """The stored file of an image (under the media folder)."""
    return (media_dir or get_settings().media_dir) / path


def item_image(session: Session, item_id: int, sha256: str, viewer: Viewer) -> tuple[Path, str] | None:
    """(file, mime) of one image of the item's post, for a viewer allowed to see the item; else None."""
    require(viewer, "item.view")
    item = load_item(session, item_id, viewer)
    for image in post_images(session, item.post_id):
        if image.sha256 == sha256:
            path = image_file(image.relpath)
            return (path, image.mime) if path.is_file() else None
    return None
