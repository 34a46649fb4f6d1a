"""Prefect flow `collect`: read one source from its checkpoint, prepare posts in chunks, write them in order.

The checkpoint (the connector's cursor) is written in the same transaction as the last chunk it covers.
A run killed midway has committed whole chunks and no cursor past them: the next run reads again from the
last committed cursor, the chunks already stored come back as unchanged (unique source + external id),
and nothing is lost or stored twice.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

from pipelines import collect
from pipelines.flows.common import (
    TASK_DEFAULTS,
    ensure_schema,
    load_sources,
    record_finish,
    record_start,
    retry_on_transient,
    source_as_dict,
)
from pipelines.records import PostRecord, QuarantinedRecord
from pipelines.sources import ReadResult
from pipelines.store import PreparedPost
from saring.config import get_settings

log = logging.getLogger(__name__)


@task(
    name="read-source",
    retries=3,
    retry_delay_seconds=[2, 10, 30],
    retry_condition_fn=retry_on_transient,
    **TASK_DEFAULTS,
)
def read_source_task(source: dict[str, Any], cursor: dict | None) -> ReadResult:
    """Everything new at the source since the cursor (retried on transient errors)."""
    return collect.read_from_checkpoint(
        source["kind"], source["location"], source["name"], cursor, source.get("options")
    )


@task(name="prepare-chunk", **TASK_DEFAULTS)
def prepare_chunk_task(records: list[PostRecord]) -> list[PreparedPost]:
    """Normalise text, guess the language, hash the content."""
    return collect.prepare_posts(records)


@task(name="write-chunk", **TASK_DEFAULTS)
def write_chunk_task(
    source: dict[str, Any],
    prepared: list[PreparedPost],
    quarantined: list[QuarantinedRecord],
    cursor: dict | None,
    records_read: int,
) -> dict:
    """Posts, quarantined records and (with the last chunk) the cursor, in one transaction."""
    stats = collect.write_chunk(source, prepared, quarantined, cursor, records_read=records_read)
    return stats.as_dict()


def collect_source(source: dict[str, Any], chunk_size: int) -> dict[str, Any]:
    """The body of a collect run for one source (inside a flow)."""
    settings = get_settings()
    cursor = collect.source_cursor(source["name"])
    reader = read_source_task.with_options(
        retries=settings.source_retries, retry_delay_seconds=settings.source_retry_delay_seconds
    )
    result: ReadResult = reader(source, cursor)
    chunks = collect.chunked(result.posts, chunk_size)
    totals = {
        "source": source["name"],
        "read": len(result.posts) + len(result.quarantined),
        "chunks": len(chunks),
    }
    counts = {"added": 0, "updated": 0, "unchanged": 0, "quarantined_new": 0, "quarantined_seen": 0}
    if not chunks:
        part = write_chunk_task(
            source, [], list(result.quarantined), result.next_cursor, len(result.quarantined)
        )
        for key in counts:
            counts[key] += part[key]
        return {**totals, **counts}
    prepared = prepare_chunk_task.map(chunks)  # normalising runs ahead while earlier chunks are written
    for number, future in enumerate(prepared):
        last = number == len(chunks) - 1
        part = write_chunk_task(
            source,
            future.result(),
            list(result.quarantined) if last else [],
            result.next_cursor if last else None,
            len(chunks[number]) + (len(result.quarantined) if last else 0),
        )
        for key in counts:
            counts[key] += part[key]
    return {**totals, **counts}


@flow(name="collect", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def collect_flow(
    source: str, sources_file: str | None = None, chunk_size: int | None = None
) -> dict[str, Any]:
    """Collect one configured source from where it stopped."""
    url = ensure_schema()
    entry = source_as_dict(load_sources(sources_file).get(source))
    run_id = record_start("collect", source, url)
    try:
        stats = collect_source(entry, chunk_size or get_settings().flow_chunk_size)
    except Exception as exc:
        record_finish(run_id, "failed", {"error": str(exc)[:500]}, url)
        raise
    record_finish(run_id, "completed", stats, url)
    log.info("collected %s: %s", source, stats)
    return stats
