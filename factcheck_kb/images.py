"""Images fact checks carry (ClaimReview ``image``, a clarification's card): stored, hashed and linked to the
KB item, so a re-circulating debunked picture is matched to its fact check whatever its new caption.

A path is relative to the KB file and must stay in its folder; an URL is fetched only with ``fetch=True``
(``saring kb import --fetch-images``). An image that cannot be used is reported, the fact check imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck_kb.records import FactCheck, RowError
from saring.db.base import utcnow
from saring.db.tables.core import KBItem
from saring.db.tables.media import KBMedia
from saring.media.ingest import MediaOptions, process_media
from saring.media.records import MediaRef
from saring.media.rows import ensure_media_files


@dataclass(slots=True)
class ImageReport:
    attached: int = 0
    errors: list[RowError] = field(default_factory=list)


def image_refs(images: Sequence[str], base_dir: Path | None, *, fetch: bool) -> list[MediaRef]:
    """A fact check's image strings as media references (paths kept inside ``base_dir``)."""
    refs = []
    for given in images:
        if given.lower().startswith(("http://", "https://")):
            refs.append(MediaRef(url=given, fetch=fetch))
            continue
        base = Path(base_dir).resolve() if base_dir else None
        target = (base / given).resolve() if base else None
        inside = target is not None and base is not None and base in target.parents
        refs.append(
            MediaRef(path=str(target), given=given)
            if inside
            else MediaRef(problem=f"image path outside the KB file's folder: {given}", given=given)
        )
    return refs


def attach_images(
    session: Session,
    records: Sequence[FactCheck],
    options: MediaOptions,
    *,
    base_dir: Path | None,
    fetch: bool = False,
    source_file: str = "",
) -> ImageReport:
    """Store the images of ``records`` and link them to their KB items (already upserted)."""
    report = ImageReport()
    with_images = [r for r in records if r.images]
    if not with_images:
        return report
    pk = dict(
        session.execute(
            select(KBItem.kb_id, KBItem.id).where(KBItem.kb_id.in_([r.kb_id for r in with_images]))
        )
        .tuples()
        .all()
    )
    for record in with_images:
        # an image of a fact check is a picture of the hoax or the card: its text is already in the item
        result = process_media(image_refs(record.images, base_dir, fetch=fetch), options)
        for problem in result.problems:
            reason = f"{record.kb_id}: image {problem.ref}: {problem.reason}"
            report.errors.append(RowError(source_file, 0, reason))
        if not result.images or record.kb_id not in pk:
            continue
        ids = ensure_media_files(session, result.images)
        existing = set(
            session.scalars(select(KBMedia.media_id).where(KBMedia.kb_item_id == pk[record.kb_id]))
        )
        for image in result.images:
            if ids[image.sha256] in existing:
                continue
            session.add(
                KBMedia(
                    kb_item_id=pk[record.kb_id],
                    media_id=ids[image.sha256],
                    source_ref=image.source_ref,
                    captured_at=image.captured_at or utcnow(),
                )
            )
            report.attached += 1
    session.flush()
    return report
