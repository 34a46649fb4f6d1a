"""The task runner for chunked maps: threads here, or Dask (a LocalCluster, or an existing scheduler)."""

from __future__ import annotations

import logging

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from saring.config import Settings, get_settings

log = logging.getLogger(__name__)
KINDS = ("thread", "dask")


def make_task_runner(settings: Settings | None = None, *, kind: str | None = None) -> TaskRunner:
    """``SARING_TASK_RUNNER=thread`` (default) or ``dask``; with dask, ``SARING_DASK_ADDRESS`` names an
    existing scheduler (workers on other machines), else a LocalCluster of ``SARING_DASK_WORKERS`` starts."""
    settings = settings or get_settings()
    kind = _kind(settings, kind)
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=max(1, settings.flow_max_workers))
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_processes or settings.dask_address:
            _warn_without_server()

        if settings.dask_address:
            log.info("Dask task runner on the scheduler at %s", settings.dask_address)
            return DaskTaskRunner(address=settings.dask_address)
        cluster_kwargs = {
            "n_workers": max(1, settings.dask_workers),
            "threads_per_worker": 1,
            "processes": settings.dask_processes,
            "dashboard_address": None,
        }
        log.info("Dask task runner on a LocalCluster %s", cluster_kwargs)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=cluster_kwargs)
    raise ValueError(f"unknown task runner {kind!r}; use one of {', '.join(KINDS)}")


def concurrency(settings: Settings | None = None, *, kind: str | None = None) -> int:
    """How many chunk tasks the task runner runs at once (Dask on a remote scheduler: its configured
    ``SARING_DASK_WORKERS``, the best guess without asking the scheduler)."""
    settings = settings or get_settings()
    return max(1, settings.flow_max_workers if _kind(settings, kind) == "thread" else settings.dask_workers)


def _kind(settings: Settings, kind: str | None) -> str:
    return (kind or settings.task_runner or "thread").strip().lower()


def _warn_without_server() -> None:
    import os

    from prefect.settings import PREFECT_API_URL

    if not (os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()):
        log.warning(
            "Dask workers in other processes need a real Prefect server (set PREFECT_API_URL); "
            "without one each worker starts its own temporary server"
        )
