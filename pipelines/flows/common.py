"""What the flows share: schema check, sources file, retry rule, flow-run bookkeeping, stats summing."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect.cache_policies import NO_CACHE

from pipelines.sources import TransientSourceError
from pipelines.sources.config import SourceEntry, SourcesConfig, load_sources_config
from saring.config import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)
DEMO_SOURCES = PROJECT_ROOT / "pipelines" / "demo_data" / "sources.yaml"
#: Every task: no result caching (tasks read and write the database) and nothing persisted.
TASK_DEFAULTS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


@lru_cache(maxsize=8)
def _migrated(url: str) -> bool:
    from saring.db import init_db

    init_db(url)
    return True


def ensure_schema(url: str | None = None) -> str:
    """Bring the database to the newest migration once per process; returns the URL used."""
    url = url or get_settings().resolved_database_url
    _migrated(url)
    return url


def sources_path(sources_file: str | Path | None = None) -> Path:
    """The sources YAML: the argument, else ``SARING_SOURCES_FILE``, else the demo's."""
    if sources_file:
        return Path(sources_file)
    configured = get_settings().sources_file
    return Path(configured) if configured else DEMO_SOURCES


def load_sources(sources_file: str | Path | None = None) -> SourcesConfig:
    return load_sources_config(sources_path(sources_file))


def source_as_dict(entry: SourceEntry) -> dict[str, Any]:
    """A source entry as plain data (what tasks receive: serialisable for Dask and the Prefect UI)."""
    return entry.model_dump()


def retry_on_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a source read only for transient errors (network, 5xx); a bad location fails at once."""
    try:
        state.result()
    except TransientSourceError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is permanent
        return False
    return False


def add_stats(total: dict[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """Sum counts and per-stage seconds of chunk results into ``total``."""
    for key, value in part.items():
        if key == "seconds":
            seconds = total.setdefault("seconds", {})
            for stage, spent in value.items():
                seconds[stage] = seconds.get(stage, 0.0) + float(spent)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value
    return total


def sum_stats(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for part in parts:
        add_stats(total, part)
    return total


def record_start(flow: str, target: str | None, url: str) -> int:
    """A flow_runs row for this run (with the Prefect run id when there is one)."""
    from pipelines import store
    from saring.db import session_scope

    try:
        from prefect.runtime import flow_run

        run_id = str(flow_run.id) if flow_run.id else None
    except Exception:  # noqa: BLE001 - outside a flow run
        run_id = None
    with session_scope(url) as session:
        return store.start_flow_run(session, flow, target, run_id)


def record_finish(run_id: int, status: str, stats: Mapping[str, Any], url: str) -> None:
    from pipelines import store
    from saring.db import session_scope

    with session_scope(url) as session:
        store.finish_flow_run(session, run_id, status, stats)
