"""Prefect flow `collect`: read one source from its checkpoint, prepare posts in chunks, write them in order.

The checkpoint (the connector's cursor) is written in the same transaction as the last chunk it covers.
A run killed midway has committed whole chunks and no cursor past them: the next run reads again from the
last committed cursor, the chunks already stored come back as unchanged (unique source + external id),
and nothing is lost or stored twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prefect import flow, task, unmapped
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipelines import collect
from pipelines.flows.common import (
    TASK_DEFAULTS,
    add_stats,
    ensure_schema,
    load_sources,
    record_finish,
    record_start,
    retry_on_transient,
    source_as_dict,
)
from pipelines.records import PostRecord, QuarantinedRecord
from pipelines.sources import ReadResult
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


@task(name="store-chunk", **TASK_DEFAULTS)
def store_chunk_task(
    source: dict[str, Any],
    records: list[PostRecord],
    quarantined: list[QuarantinedRecord],
    cursor: dict | None,
    records_read: int,
) -> dict:
    """Prepare a chunk (normalise, language, hash); write it in one transaction (with the cursor if given)."""
    return collect.store_chunk(source, records, quarantined, cursor, records_read=records_read)


def collect_source(source: dict[str, Any], chunk_size: int) -> dict[str, Any]:
    """The body of a collect run for one source (inside a flow).

    Every chunk but the last is stored in parallel; the last one goes after them with the quarantined records
    and the cursor, so the checkpoint commits only once everything it covers is stored.
    """
    settings = get_settings()
    cursor = collect.source_cursor(source["name"])
    reader = read_source_task.with_options(
        retries=settings.source_retries, retry_delay_seconds=settings.source_retry_delay_seconds
    )
    started = time.perf_counter()
    result: ReadResult = reader(source, cursor)
    chunks = collect.chunked(result.posts, chunk_size) or [[]]
    quarantined = list(result.quarantined)
    stats: dict[str, Any] = {"source": source["name"], "read": len(result.posts) + len(quarantined)}
    stats.update(chunks=len(result.posts) and len(chunks), added=0, updated=0, unchanged=0)
    stats.update(quarantined_new=0, quarantined_seen=0, seconds={"read": time.perf_counter() - started})
    rest = chunks[:-1]
    # quote(): records are plain data, never futures; without it Prefect walks every field of every
    # record (raw payloads included) looking for dependencies, seconds per 10k posts.
    if rest:
        sizes = [len(c) for c in rest]
        futures = store_chunk_task.map(
            unmapped(source), [quote(c) for c in rest], unmapped(quote([])), unmapped(None), sizes
        )
        for part in futures.result():
            add_stats(stats, part)
    last = chunks[-1]
    add_stats(
        stats,
        store_chunk_task(
            source, quote(last), quote(quarantined), result.next_cursor, len(last) + len(quarantined)
        ),
    )
    return stats


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
