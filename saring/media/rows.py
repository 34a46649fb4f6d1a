"""Media rows in the database: each image once by SHA-256 (posts and fact checks link to it)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saring.db.base import utcnow
from saring.db.tables.media import MediaFile
from saring.media.records import StoredImage


def _insert_ignoring(session: Session, table):  # noqa: ANN001, ANN202
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def ensure_media_files(session: Session, images: Iterable[StoredImage]) -> dict[str, int]:
    """Rows of the images (one per SHA-256, the first OCR text kept); their ids by SHA-256."""
    by_sha = {i.sha256: i for i in images}
    if not by_sha:
        return {}
    now = utcnow()
    rows = [
        {
            "sha256": i.sha256,
            "relpath": i.relpath,
            "mime": i.mime,
            "width": i.width,
            "height": i.height,
            "size": i.size,
            "phash": i.phash,
            "ocr_text": i.ocr_text or "",
            "created_at": now,
        }
        for i in by_sha.values()
    ]
    insert = _insert_ignoring(session, MediaFile.__table__).on_conflict_do_nothing(index_elements=["sha256"])
    session.execute(insert, rows)
    return dict(
        session.execute(select(MediaFile.sha256, MediaFile.id).where(MediaFile.sha256.in_(list(by_sha))))
        .tuples()
        .all()
    )
