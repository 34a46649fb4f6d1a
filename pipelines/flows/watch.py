"""Prefect flow `watch`: collect every enabled source of the sources YAML, then score what came in."""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow

from pipelines.flows.collect import collect_flow
from pipelines.flows.common import ensure_schema, load_sources, record_finish, record_start, sources_path
from pipelines.flows.runner import make_task_runner
from pipelines.flows.score import score_flow

log = logging.getLogger(__name__)


class SourcesFailed(RuntimeError):
    """Some sources could not be collected (the others were, and everything collected was scored)."""


@flow(name="watch", log_prints=False)
def watch_flow(sources_file: str | None = None, chunk_size: int | None = None) -> dict[str, Any]:
    """Collect all enabled sources (one subflow each), then score; a failing source does not stop the rest."""
    url = ensure_schema()
    path = str(sources_path(sources_file))
    run_id = record_start("watch", path, url)
    collected: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for entry in load_sources(path).enabled():
        state = collect_flow(entry.name, path, chunk_size, return_state=True)
        if state.is_completed():
            collected[entry.name] = state.result()
        else:
            failed[entry.name] = state.message or "failed"
            log.error("collecting %s failed: %s", entry.name, failed[entry.name])
    scored = score_flow.with_options(task_runner=make_task_runner())(chunk_size=chunk_size)
    stats = {"collected": collected, "failed": failed, "scored": scored}
    record_finish(run_id, "failed" if failed else "completed", stats, url)
    if failed:
        raise SourcesFailed(f"could not collect {', '.join(sorted(failed))}: {failed}")
    return stats
