"""CLI commands: the registry of official accounts and contacts (`saring accounts import|list|export`)."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)
accounts_app = typer.Typer(
    help="Registry of the Pemda's official accounts and contacts (impersonation checks)."
)


def _database() -> str:
    from saring.config import get_settings
    from saring.db import init_db

    url = get_settings().resolved_database_url
    init_db(url)
    return url


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@accounts_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or YAML file of accounts"),
    replace: bool = typer.Option(False, "--replace", help="Remove registered accounts not in the file"),
    actor: str = typer.Option(None, "--actor", help="Name in the audit log (default cli:<user>)"),
) -> None:
    """Add or update accounts from a file; every change goes into the audit log."""
    from desk.services.accounts import import_accounts
    from pipelines.accounts import RegistryError, read_registry
    from saring.db import session_scope

    try:
        accounts = read_registry(path)
    except RegistryError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    url = _database()
    with session_scope(url) as session:
        try:
            result = import_accounts(session, accounts, actor=_actor(actor), replace=replace)
        except RegistryError as exc:
            err_console.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from exc
    console.print(
        f"{len(accounts)} accounts read from {path}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.removed} removed"
    )


@accounts_app.command("list")
def list_cmd(
    platform: str = typer.Option(None, "--platform", help="Only this platform"),
    skpd: str = typer.Option(None, "--skpd", help="Only this SKPD code"),
) -> None:
    """Print the registered accounts."""
    from desk.services.accounts import list_accounts
    from saring.db import session_scope

    with session_scope(_database()) as session:
        rows = list_accounts(session, platform=platform, skpd=skpd)
        table = Table(title=f"{len(rows)} registered accounts")
        for column in ("SKPD", "official", "platform", "handle", "display name", "numbers", "domains"):
            table.add_column(column)
        for r in rows:
            official = " ".join(p for p in (r.official_title, r.official_name) if p)
            numbers = "; ".join([*r.phones, *r.payment_accounts])
            table.add_row(
                r.skpd, official, r.platform, "@" + r.handle, r.display_name, numbers, "; ".join(r.domains)
            )
    console.print(table)


@accounts_app.command("export")
def export_cmd(path: Path = typer.Argument(..., dir_okay=False, help="Output file, .csv or .yaml")) -> None:
    """Write the registry to a CSV or YAML file (the format `saring accounts import` reads)."""
    from desk.services.accounts import list_accounts, record_of
    from pipelines.accounts import RegistryError, dump_registry
    from saring.db import session_scope

    with session_scope(_database()) as session:
        records = [record_of(r) for r in list_accounts(session)]
    try:
        count = dump_registry(records, path)
    except RegistryError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    console.print(f"{count} accounts -> {path}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(accounts_app, name="accounts")
