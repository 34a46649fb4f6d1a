"""Collection as library calls: read a source from its checkpoint, prepare posts, write a chunk atomically."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pipelines import store
from pipelines.records import PostRecord, QuarantinedRecord
from pipelines.sources import ReadResult, read_source
from saring.db import session_scope

log = logging.getLogger(__name__)
T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive chunks of at most ``size`` items (none for no items)."""
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


@lru_cache(maxsize=16_384)
def prepare_text(text: str) -> tuple[str, str, str]:
    """(normalised text, detected language, content hash) of one text.

    Cached: re-posts repeat texts word for word (a third of the benchmark's synthetic posts), and this is
    the costliest pure-Python step of collection. Language is identified on the text as written, before the
    slang dictionary turns regional words ("ndak", "ngerti") into Indonesian.
    """
    from pipelines.langid import detect_language
    from pipelines.normalise import normalise_text

    normalised = normalise_text(text)
    return normalised, detect_language(text), store.content_hash(normalised)


def prepare_posts(records: Sequence[PostRecord]) -> list[store.PreparedPost]:
    """Normalised text, language and content hash of each post (pure, runs in a mapped task)."""
    from pipelines.post_media import analysis_text

    prepared = []
    for record in records:
        # the OCR text of the post's images is read with its own (a "cek ini!!" post matches on its poster)
        normalised, language, digest = prepare_text(analysis_text(record))
        prepared.append(store.PreparedPost(record, normalised, record.language or language, digest))
    return prepared


@dataclass(slots=True)
class PreparedChunk:
    """A chunk of prepared posts and the seconds it took (normalise, language, hash)."""

    posts: list[store.PreparedPost]
    seconds: float


def prepare_chunk(records: Sequence[PostRecord]) -> PreparedChunk:
    """:func:`prepare_posts`, timed."""
    start = time.perf_counter()
    posts = prepare_posts(records)
    return PreparedChunk(posts, time.perf_counter() - start)


def store_chunk(
    source: Mapping[str, Any],
    records: Sequence[PostRecord],
    quarantined: Sequence[QuarantinedRecord] = (),
    cursor: Mapping[str, Any] | None = None,
    *,
    records_read: int | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """Process the posts' media, prepare and write one chunk; counts and seconds per stage."""
    from pipelines.post_media import attach_media

    media_problems, media_seconds = attach_media(records)
    chunk = prepare_chunk(records)
    started = time.perf_counter()
    stats = write_chunk(
        source,
        chunk.posts,
        [*quarantined, *media_problems],
        cursor,
        # a media problem is no record of its own: the post it belongs to was read and kept
        records_read=len(records) + len(quarantined) if records_read is None else records_read,
        url=url,
    )
    seconds = {"normalise": chunk.seconds, "write": time.perf_counter() - started}
    if media_seconds:
        seconds["media"] = media_seconds
    return {**stats.as_dict(), "seconds": seconds}


def source_cursor(source_name: str, url: str | None = None) -> dict | None:
    """The checkpointed cursor of a source (None before its first committed batch)."""
    with session_scope(url) as session:
        return store.load_cursor(session, source_name)


def read_from_checkpoint(
    kind: str,
    location: str,
    source_name: str,
    cursor: Mapping[str, Any] | None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read one source from its cursor with the connector for ``kind`` (may raise TransientSourceError)."""
    return read_source(kind, location, source_name, cursor=cursor, options=options)


def write_chunk(
    source: Mapping[str, Any],
    posts: Sequence[store.PreparedPost],
    quarantined: Sequence[QuarantinedRecord] = (),
    cursor: Mapping[str, Any] | None = None,
    *,
    records_read: int | None = None,
    url: str | None = None,
) -> store.BatchStats:
    """Posts, quarantined records and (for a source's last chunk) the cursor, committed together."""
    with session_scope(url) as session:
        row = store.ensure_source(
            session,
            source["name"],
            kind=source.get("kind", "unknown"),
            location=source.get("location"),
            schedule=source.get("schedule"),
            region_tags=source.get("region_tags") or (),
        )
        return store.save_batch(session, row, posts, quarantined, cursor, records_read=records_read)
