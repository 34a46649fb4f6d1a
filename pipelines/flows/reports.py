"""Prefect flows of citizen reports: answers and alerts through the outbox, the daily digest, retention.

Each flow is a thin shell over ``desk.reports`` library calls; each step commits on its own and is keyed,
so a re-run (or a run after a crash) never sends a message twice and picks up what was left.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow, task

from desk.reports import alerts, answers, outbox, retention
from desk.reports.senders import senders_from
from desk.reports.settings import get_report_settings
from pipelines import report_clusters
from pipelines.flows.common import TASK_DEFAULTS, ensure_schema, record_finish, record_start
from saring.db import session_scope

log = logging.getLogger(__name__)


@task(name="group-reports", **TASK_DEFAULTS)
def group_task(url: str) -> dict:
    return report_clusters.group_reports(url)


@task(name="answer-reporters", **TASK_DEFAULTS)
def answer_task(url: str) -> dict:
    with session_scope(url) as session:
        return answers.answer_decided(session, get_report_settings())


@task(name="raise-alerts", **TASK_DEFAULTS)
def alerts_task(url: str) -> dict:
    with session_scope(url) as session:
        return alerts.run_alerts(session, get_report_settings())


@task(name="digest", **TASK_DEFAULTS)
def digest_task(url: str) -> int:
    with session_scope(url) as session:
        return alerts.daily_digest(session, get_report_settings())


@task(name="deliver-outbox", **TASK_DEFAULTS)
def deliver_task(url: str) -> dict:
    settings = get_report_settings()
    return outbox.deliver(senders_from(settings), url=url, max_attempts=settings.max_attempts)


@task(name="delete-expired-reporters", **TASK_DEFAULTS)
def retention_task(url: str) -> dict:
    with session_scope(url) as session:
        return retention.delete_expired(session)


def _run(name: str, body: Any) -> dict[str, Any]:
    url = ensure_schema()
    run_id = record_start(name, None, url)
    try:
        stats = body(url)
    except Exception as exc:
        record_finish(run_id, "failed", {"error": str(exc)[:500]}, url)
        raise
    record_finish(run_id, "completed", stats, url)
    log.info("%s: %s", name, stats)
    return stats


@flow(name="report-outbox", log_prints=False)
def report_outbox_flow() -> dict[str, Any]:
    """New reports into issues, answer reporters of decided issues, raise TRC alerts, send the outbox."""
    return _run(
        "report-outbox",
        lambda url: {
            "grouped": group_task(url),
            "answers": answer_task(url),
            "alerts": alerts_task(url),
            "sent": deliver_task(url),
        },
    )


@flow(name="report-digest", log_prints=False)
def report_digest_flow() -> dict[str, Any]:
    """The TRC's daily digest (top issues, volumes, overdue), sent at once."""
    return _run("report-digest", lambda url: {"digest": digest_task(url), "sent": deliver_task(url)})


@flow(name="report-retention", log_prints=False)
def report_retention_flow() -> dict[str, Any]:
    """Delete reporter contacts past the retention period (UU PDP)."""
    return _run("report-retention", retention_task)


def report_deployments(tags: list[str]) -> list[Any]:
    """The three flows on their schedules (``SARING_REPORT_*_CRON``)."""
    from prefect.deployments.runner import EntrypointType

    settings = get_report_settings()
    specs = (
        (report_outbox_flow, "report-outbox", settings.outbox_cron, "Answer reporters, alert the TRC, send"),
        (report_digest_flow, "report-digest", settings.digest_cron, "Daily digest for the TRC"),
        (
            report_retention_flow,
            "report-retention",
            settings.retention_cron,
            "Delete expired reporter contacts",
        ),
    )
    return [
        f.to_deployment(
            name=name,
            cron=cron or None,
            description=text,
            tags=[*tags, "reports"],
            concurrency_limit=1,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for f, name, cron, text in specs
    ]
