"""The media of collected posts: processed (stored, hashed, OCR'd) before the posts are prepared.

A reference that cannot be used is quarantined with its reason under the post's position
(``post <id> media <n>``); the post and its text go on without it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from pipelines.records import PostRecord, QuarantinedRecord
from saring.media.ingest import MediaOptions, process_media, with_ocr_text
from saring.media.records import MediaResult


def media_options() -> MediaOptions:
    """Media options from the settings (media folder under SARING_HOME, limits, OCR)."""
    from saring.config import get_settings

    return MediaOptions.from_settings(get_settings())


def attach_media(
    records: Sequence[PostRecord], options: MediaOptions | None = None
) -> tuple[list[QuarantinedRecord], float]:
    """Fill ``images`` and ``ocr_text`` of every record with media (in place); the problems, and seconds."""
    started = time.perf_counter()
    problems: list[QuarantinedRecord] = []
    todo = [r for r in records if r.media and not r.images]
    if not todo:
        return problems, 0.0
    options = options or media_options()

    def process(record: PostRecord) -> MediaResult:
        return process_media(record.media, options, captured_at=record.captured_at)

    # Tesseract runs as a subprocess with one thread: threads here keep every core reading
    workers = max(1, min(options.workers, len(todo)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="saring-media") as pool:
        results = list(pool.map(process, todo))
    for record, result in zip(todo, results, strict=True):
        record.images = result.images
        record.ocr_text = result.ocr_text or None
        for position, problem in enumerate(result.problems):
            problems.append(
                QuarantinedRecord(
                    source=record.source,
                    position=f"post {record.external_id} media {position}",
                    reason=problem.reason,
                    raw=problem.ref,
                )
            )
    return problems, time.perf_counter() - started


def analysis_text(record: PostRecord) -> str:
    """What normalisation, language id, matching and classification read: the text, then the OCR text."""
    return with_ocr_text(record.text, record.ocr_text)
