"""Prefect flow `score`: cluster new posts into issues and score them in chunks mapped over the task runner.

The encoder is nearly all of the work, so it starts at once: the first chunks are analysed (encode, match,
classify: :func:`pipelines.score_chunk.analyse_chunk`) while this flow's own thread clusters the new posts in
large ordered batches (the near-duplicate index is one shared state, saved with each batch's links). A chunk
is prioritised and written (:func:`pipelines.score_chunk.finish_chunk`) only after the whole run is
clustered, so spread counts every post collected so far. A bounded window of chunks is in analysis at any
time; as each one is done its finishing task is submitted and the next chunk goes in, so the workers (threads,
or Dask workers on other machines) never wait and finished chunks commit as the run goes.

Each chunk commits on its own: a killed run leaves whole chunks scored and the rest unscored, and the next
run picks up exactly the unscored posts. A second run over the same posts finds nothing to do.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

from prefect import flow, task

from pipelines import clustering, report_clusters, score_chunk
from pipelines.collect import chunked
from pipelines.flows.common import TASK_DEFAULTS, ensure_schema, record_finish, record_start, sum_stats
from pipelines.flows.runner import concurrency, make_task_runner
from saring.config import get_settings

log = logging.getLogger(__name__)


#: Posts clustered per transaction: the near-duplicate state is saved once per batch, so batches are large.
CLUSTER_BATCH = 4096


@task(name="cluster-batch", **TASK_DEFAULTS)
def cluster_batch_task(post_ids: list[int]) -> dict:
    """Link each post to its issue cluster (near-duplicates), updating cluster counts and the LSH state."""
    return clustering.cluster_posts(post_ids)


@task(name="group-reports", **TASK_DEFAULTS)
def group_reports_task() -> dict:
    """Citizen reports into issues by their content words, before near-duplicate clustering (issue 14)."""
    return report_clusters.group_reports()


@task(name="analyse-chunk", **TASK_DEFAULTS)
def analyse_chunk_task(post_ids: list[int]) -> score_chunk.ChunkAnalysis:
    """Encode once, match against the KB, classify (nothing written yet)."""
    return score_chunk.analyse_chunk(post_ids)


@task(name="finish-chunk", **TASK_DEFAULTS)
def finish_chunk_task(analysed: score_chunk.ChunkAnalysis) -> dict:
    """Prioritise with the cluster spread; write matches and queue items for the chunk."""
    return score_chunk.finish_chunk(analysed)


def score_pending(chunk_size: int, limit: int | None = None) -> dict[str, Any]:
    """The body of a score run (inside a flow): every unscored post, chunk by chunk."""
    started = time.perf_counter()
    group_reports_task()
    ids = score_chunk.unscored_ids(limit=limit)
    pending = deque(chunked(ids, chunk_size))
    n_chunks = len(pending)
    if not pending:
        return {"posts": 0, "chunks": 0, "seconds": {}, "wall_seconds": 0.0}
    # one chunk waiting beyond what the workers run, so none of them idles while a result is handed on
    window = concurrency() + 1
    analysing: deque = deque()

    def analyse_next() -> None:
        analysing.append(analyse_chunk_task.submit(pending.popleft()))

    while pending and len(analysing) < window:
        analyse_next()
    cluster_stats = [cluster_batch_task(batch) for batch in chunked(ids, max(chunk_size, CLUSTER_BATCH))]
    finishing = []
    while analysing:
        analysed = analysing.popleft().result()
        finishing.append(finish_chunk_task.submit(analysed))
        if pending:
            analyse_next()
    stats = sum_stats([*cluster_stats, *(future.result() for future in finishing)])
    stats["chunks"] = n_chunks
    stats["wall_seconds"] = round(time.perf_counter() - started, 3)
    return stats


@flow(name="score", task_runner=make_task_runner(), log_prints=False)
def score_flow(chunk_size: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """Score every post not scored yet; queue those above the threshold or auto-linked to a known hoax."""
    url = ensure_schema()
    run_id = record_start("score", None, url)
    try:
        stats = score_pending(chunk_size or get_settings().flow_chunk_size, limit)
    except Exception as exc:
        record_finish(run_id, "failed", {"error": str(exc)[:500]}, url)
        raise
    record_finish(run_id, "completed", stats, url)
    log.info("scored: %s", {k: v for k, v in stats.items() if k != "seconds"})
    return stats


def run_score(chunk_size: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """Run the score flow with the task runner the settings name now (SARING_TASK_RUNNER)."""
    return score_flow.with_options(task_runner=make_task_runner())(chunk_size=chunk_size, limit=limit)
