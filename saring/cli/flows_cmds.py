"""CLI commands: flows run collect|score|watch, flows serve, quarantine list, queue list."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

flows_app = typer.Typer(
    help="Prefect flows: collect, score, watch; serve them on schedules.", no_args_is_help=True
)
run_app = typer.Typer(help="Run one flow now, in this process.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Malformed input records kept aside by collection.", no_args_is_help=True)
queue_app = typer.Typer(help="The TRC queue of suspected hoaxes.", no_args_is_help=True)

SOURCES_HELP = "Sources YAML (default: SARING_SOURCES_FILE, else the demo's pipelines/demo_data/sources.yaml)"


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


def _database() -> str:
    from saring.config import get_settings
    from saring.db import init_db

    url = get_settings().resolved_database_url
    init_db(url)
    return url


def _print_stats(title: str, stats: dict) -> None:
    table = Table(title=title, show_header=False)
    for key, value in stats.items():
        if key == "seconds" and isinstance(value, dict):
            value = ", ".join(f"{stage} {spent:.2f} s" for stage, spent in value.items())
        table.add_row(str(key), str(value))
    console.print(table)


@run_app.command("collect")
def run_collect(
    source: list[str] = typer.Option(
        None, "--source", "-s", help="Source name (repeat; default: every enabled)"
    ),
    sources: Path = typer.Option(None, "--sources", help=SOURCES_HELP),
    chunk_size: int = typer.Option(
        None, "--chunk-size", help="Posts per task (default SARING_FLOW_CHUNK_SIZE)"
    ),
) -> None:
    """Collect sources from where they stopped (checkpointed; safe to re-run)."""
    from pipelines.flows.collect import collect_flow
    from pipelines.flows.common import load_sources
    from pipelines.sources.config import SourcesConfigError

    _database()
    try:
        config = load_sources(sources)
    except SourcesConfigError as exc:
        _fail(str(exc))
    names = source or [entry.name for entry in config.enabled()]
    for name in names:
        try:
            config.get(name)
        except KeyError:
            _fail(f"no source named {name!r} in the sources file")
        stats = collect_flow(name, str(sources) if sources else None, chunk_size)
        _print_stats(f"collect {name}", stats)


@run_app.command("reports")
def run_reports_cmd(
    step: str = typer.Argument("outbox", help="outbox (answers, alerts, sending) | digest | retention"),
) -> None:
    """Citizen reports: answer reporters and alert the TRC, send the digest, or delete expired contacts."""
    from pipelines.flows import reports

    flows = {
        "outbox": reports.report_outbox_flow,
        "digest": reports.report_digest_flow,
        "retention": reports.report_retention_flow,
    }
    if step not in flows:
        console.print(f"[red]Langkah tidak dikenal: {step} (outbox, digest, retention)[/red]")
        raise typer.Exit(2)
    _database()
    console.print(flows[step]())


@run_app.command("score")
def run_score_cmd(
    chunk_size: int = typer.Option(
        None, "--chunk-size", help="Posts per task (default SARING_FLOW_CHUNK_SIZE)"
    ),
    limit: int = typer.Option(None, "--limit", help="Score at most this many posts"),
) -> None:
    """Score every post not scored yet and fill the queue."""
    from pipelines.flows.score import run_score

    _database()
    _print_stats("score", run_score(chunk_size=chunk_size, limit=limit))


@run_app.command("watch")
def run_watch(
    sources: Path = typer.Option(None, "--sources", help=SOURCES_HELP),
    chunk_size: int = typer.Option(
        None, "--chunk-size", help="Posts per task (default SARING_FLOW_CHUNK_SIZE)"
    ),
) -> None:
    """Collect every enabled source, then score."""
    from pipelines.flows.watch import watch_flow

    _database()
    stats = watch_flow(str(sources) if sources else None, chunk_size)
    for name, part in stats["collected"].items():
        _print_stats(f"collect {name}", part)
    _print_stats("score", stats["scored"])


@flows_app.command("serve")
def serve_cmd(
    sources: Path = typer.Option(None, "--sources", help=SOURCES_HELP),
    limit: int = typer.Option(None, "--limit", help="At most this many flow runs at once"),
) -> None:
    """Serve collect (a cron per source), score and watch; they show in the Prefect UI."""
    import os

    from pipelines.flows.serve import build_deployments, serve

    _database()
    if not os.environ.get("PREFECT_API_URL"):
        err_console.print(
            "[yellow]PREFECT_API_URL is not set: the deployments go to a temporary server that ends with "
            "this process. For the UI: `prefect server start`, then PREFECT_API_URL=http://127.0.0.1:4200/api[/]"
        )
    for deployment in build_deployments(sources):
        schedules = ", ".join(
            str(getattr(s.schedule, "cron", s.schedule)) for s in deployment.schedules or []
        )
        console.print(f"  {deployment.name}: {schedules or 'on demand'}")
    serve(sources, limit=limit)


@quarantine_app.command("list")
def quarantine_list(
    source: str = typer.Option(None, "--source", "-s", help="Only this source"),
    limit: int = typer.Option(50, "--limit", help="Rows to show"),
) -> None:
    """Malformed records: source, position, reason and the start of the raw record."""
    from pipelines import store
    from saring.db import session_scope

    url = _database()
    with session_scope(url) as session:
        rows = store.list_quarantined(session, source=source, limit=limit)
    if not rows:
        console.print("Tidak ada rekaman karantina." + (f" (sumber {source})" if source else ""))
        return
    table = Table(title=f"Karantina ({len(rows)})")
    for column in ("sumber", "posisi", "alasan", "isi mentah"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.source, row.position, row.reason, (row.raw or "")[:80])
    console.print(table)


@queue_app.command("list")
def queue_list(
    limit: int = typer.Option(20, "--limit", help="Items to show"),
    status: str = typer.Option("baru", "--status", help="Status to show ('all' for every status)"),
) -> None:
    """Top queue items by priority, with the reasons they were raised."""
    from pipelines import store
    from saring.db import session_scope

    url = _database()
    with session_scope(url) as session:
        rows = store.list_queue(session, status=None if status == "all" else status, limit=limit)
    if not rows:
        console.print("Antrean kosong.")
        return
    table = Table(title=f"Antrean TRC ({len(rows)})")
    for column, kwargs in (
        ("#", {"justify": "right"}),
        ("prioritas", {"justify": "right"}),
        ("platform", {}),
        ("unggahan", {"overflow": "fold", "max_width": 50}),
        ("alasan", {"overflow": "fold"}),
    ):
        table.add_column(column, **kwargs)
    for row in rows:
        text = " ".join(row.text.split())
        table.add_row(
            str(row.queue_item_id),
            f"{row.priority:.2f}",
            row.platform,
            text[:140] + ("…" if len(text) > 140 else ""),
            "\n".join(f"• {reason}" for reason in row.reasons),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    flows_app.add_typer(run_app, name="run")
    app.add_typer(flows_app, name="flows")
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(queue_app, name="queue")
