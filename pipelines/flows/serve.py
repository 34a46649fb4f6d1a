"""`saring flows serve`: one process serving collect (a cron per source), score and watch to Prefect."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from prefect.deployments.runner import EntrypointType

from pipelines.flows.collect import collect_flow
from pipelines.flows.common import load_sources, sources_path
from pipelines.flows.score import score_flow
from pipelines.flows.watch import watch_flow
from saring.config import get_settings

log = logging.getLogger(__name__)
TAGS = ["saring"]


def build_deployments(sources_file: str | Path | None = None) -> list[Any]:
    """Deployments: collect per enabled source (its cron), score (``SARING_SCORE_CRON``), retrain, watch.

    Each deployment allows one run at a time, so a slow collection never overlaps its next scheduled run.
    """
    path = str(sources_path(sources_file).resolve())
    settings = get_settings()
    deployments = []
    for entry in load_sources(path).enabled():
        deployments.append(
            collect_flow.to_deployment(
                name=f"collect-{entry.name}",
                cron=entry.schedule,
                parameters={"source": entry.name, "sources_file": path},
                description=f"Collect {entry.name} ({entry.kind}: {entry.location})",
                tags=[*TAGS, "collect", *entry.region_tags],
                concurrency_limit=1,
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    deployments.append(
        score_flow.to_deployment(
            name="score",
            cron=settings.score_cron or None,
            description="Score new posts: match the KB, classify, prioritise, fill the TRC queue",
            tags=[*TAGS, "score"],
            concurrency_limit=1,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
    )
    from pipelines.flows.retrain import retrain_deployment

    deployments.append(retrain_deployment())
    from pipelines.flows.reports import report_deployments

    deployments.extend(report_deployments(TAGS))
    deployments.append(
        watch_flow.to_deployment(
            name="watch",
            parameters={"sources_file": path},
            description="Collect every enabled source, then score (run on demand)",
            tags=[*TAGS, "watch"],
            concurrency_limit=1,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
    )
    return deployments


def serve(sources_file: str | Path | None = None, *, limit: int | None = None) -> None:
    """Serve the deployments until interrupted (they show, with their schedules, in the Prefect UI)."""
    from prefect import serve as prefect_serve

    deployments = build_deployments(sources_file)
    log.info("serving %d deployments: %s", len(deployments), ", ".join(d.name for d in deployments))
    prefect_serve(*deployments, limit=limit)
