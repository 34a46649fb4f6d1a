"""CLI commands: `saring report` (monitoring and evaluation) and `saring clarifications export|list`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)
clarifications_app = typer.Typer(
    help="Public clarifications: list them, export their texts, card and article.", no_args_is_help=True
)


def _database() -> str:
    from saring.config import get_settings
    from saring.db import init_db

    url = get_settings().resolved_database_url
    init_db(url)
    return url


def report(
    start: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD, local time)"),
    end: str = typer.Option(..., "--to", help="Last day, inclusive (YYYY-MM-DD)"),
    fmt: str = typer.Option("html", "--format", help="html | csv"),
    output: Path = typer.Option(None, "--output", "-o", help="File to write (default: standard output)"),
) -> None:
    """Monitoring and evaluation report of the items queued in a period (the dashboard's numbers)."""
    from desk.monitoring.report import (
        PeriodInvalid,
        build_report,
        parse_period,
        render,
        render_csv,
        render_standalone,
    )
    from desk.settings import DeskSettings
    from saring.config import get_settings
    from saring.db.session import session_scope

    if fmt not in ("html", "csv"):
        console.print("[red]--format harus html atau csv[/red]")
        raise typer.Exit(2)
    try:
        first, last = parse_period(start, end)
    except PeriodInvalid as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    tz = DeskSettings().tz
    with session_scope(_database()) as session:
        result = build_report(session, first, last, tz)
        if fmt == "csv":
            text = render_csv(result)
        else:
            text = render_standalone(render(result, tz), kabupaten=get_settings().kabupaten)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(
        f"[green]Laporan ditulis:[/green] {output} · {result.flagged} item ditandai, "
        f"{result.verified} diverifikasi, {result.clarified} diklarifikasi"
    )


@clarifications_app.command("export")
def export(
    clarification_id: int = typer.Argument(..., help="Clarification id (as on the desk)"),
    output: Path = typer.Option(
        Path("."), "--output", "-o", help="Folder; a subfolder klarifikasi-ID is made"
    ),
) -> None:
    """Write the texts per channel, the card PNG and the article page (with ClaimReview) to a folder."""
    from desk.comms.export import export_bundle
    from desk.comms.settings import CommsSettings
    from desk.services.access import NotFound
    from saring.db.session import session_scope

    try:
        with session_scope(_database()) as session:
            bundle = export_bundle(session, clarification_id, CommsSettings())
    except NotFound as exc:
        console.print(f"[red]Klarifikasi #{clarification_id} tidak ditemukan.[/red]")
        raise typer.Exit(1) from exc
    folder = output / f"klarifikasi-{clarification_id}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(bundle.files.items()):
        (folder / name).write_bytes(data)
    console.print(f"[green]{len(bundle.files)} berkas ditulis ke[/green] {folder}")


@clarifications_app.command("list")
def list_clarifications() -> None:
    """List clarifications with their status and channels."""
    from sqlalchemy import select

    from desk.comms.queries import publications_of
    from desk.comms.workflow import STATUSES
    from saring.db.session import session_scope
    from saring.db.tables.core import Clarification

    table = Table("Id", "Status", "Judul", "Kanal terbit", "Basis pengetahuan")
    with session_scope(_database()) as session:
        for c in session.scalars(select(Clarification).order_by(Clarification.id)):
            table.add_row(
                str(c.id),
                STATUSES.get(c.status, c.status),
                f"[{c.label}] {c.title}",
                ", ".join(publications_of(session, c.id)) or "-",
                c.kb_id or "-",
            )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("report")(report)
    app.add_typer(clarifications_app, name="clarifications")
