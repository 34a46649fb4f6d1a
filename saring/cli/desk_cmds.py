"""CLI commands: `saring desk` (web desk), `saring users ...` (accounts), `saring routing ...` (SKPD)."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

console = Console()
users_app = typer.Typer(help="Manage desk accounts (admin, trc, analyst, comms, pic).", no_args_is_help=True)
routing_app = typer.Typer(help="Routing table: category/kecamatan -> SKPD, deadlines.", no_args_is_help=True)


def _database() -> str:
    from saring.config import get_settings
    from saring.db import init_db

    url = get_settings().resolved_database_url
    init_db(url)
    return url


def serve(
    host: str = typer.Option(None, help="Address to listen on (default 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default 8000)"),
) -> None:
    """Start the TRC review desk (web pages + JSON API)."""
    import uvicorn

    from desk.app import create_app
    from desk.settings import DeskSettings

    desk = DeskSettings()
    host = host or desk.host
    port = port or desk.port
    app = create_app(desk=desk)
    from desk.services.users import count_admins
    from saring.db.session import session_scope

    with session_scope(app.state.settings.resolved_database_url) as session:
        if count_admins(session) == 0:
            console.print("[yellow]Belum ada admin. Buat dulu: saring users add NAMA --role admin[/yellow]")
    console.print(f"Meja TRC: http://{host}:{port}/antrean")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name (lower-case letters, digits, . _ -)"),
    role: str = typer.Option(..., "--role", help="admin | trc | analyst | comms | pic"),
    skpd: str = typer.Option(None, "--skpd", help="SKPD code (required for pic), e.g. dinsos"),
    display_name: str = typer.Option("", "--name", help="Name shown on the pages"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input"
    ),
) -> None:
    """Create an account; the password is prompted twice (never a default)."""
    from desk.services.passwords import WeakPasswordError
    from desk.services.routing import ensure_defaults
    from desk.services.users import UserError, create_user
    from saring.db.session import session_scope

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    url = _database()
    try:
        with session_scope(url) as session:
            ensure_defaults(session)
            user = create_user(session, username, password, role, skpd_code=skpd, display_name=display_name)
            name, user_role = user.username, user.role
    except (UserError, WeakPasswordError) as exc:
        console.print(f"[red]Gagal:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"[green]Akun dibuat:[/green] {name} ({user_role})")


@users_app.command("list")
def users_list() -> None:
    """List accounts."""
    from desk.services.users import ROLES, list_users
    from saring.db.session import session_scope

    table = Table("Nama pengguna", "Nama", "Peran", "SKPD", "Aktif", "Terakhir masuk")
    with session_scope(_database()) as session:
        for u in list_users(session):
            table.add_row(
                u.username,
                u.display_name,
                ROLES.get(u.role, u.role),
                u.skpd.code if u.skpd else "-",
                "ya" if u.active else "tidak",
                str(u.last_login_at or "-"),
            )
    console.print(table)


@users_app.command("disable")
def users_disable(username: str = typer.Argument(...)) -> None:
    """Switch an account off and end its sessions."""
    from desk.services.users import UserError, disable_user
    from saring.db.session import session_scope

    try:
        with session_scope(_database()) as session:
            disable_user(session, username)
    except UserError as exc:
        console.print(f"[red]Gagal:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"Akun {username} dinonaktifkan.")


@routing_app.command("list")
def routing_list() -> None:
    """Show the routing table and the SKPD list."""
    from desk.services.categories import category_label
    from desk.services.routing import ensure_defaults, list_rules, list_skpd
    from saring.db.session import session_scope

    with session_scope(_database()) as session:
        ensure_defaults(session)
        table = Table("Id", "Kategori", "Kecamatan", "SKPD", "Jam tinggi/sedang/rendah", "Diubah oleh")
        for r in list_rules(session):
            table.add_row(
                str(r.id),
                category_label(r.category) if r.category else "(semua)",
                r.kecamatan or "(semua)",
                r.skpd.code,
                f"{r.hours_high}/{r.hours_medium}/{r.hours_low}",
                r.updated_by,
            )
        console.print(table)
        console.print("SKPD: " + ", ".join(f"{s.code} ({s.name})" for s in list_skpd(session)))


@routing_app.command("set")
def routing_set(
    category: str = typer.Argument(..., help="Category key (bansos, kepegawaian, ...) or '*' for all"),
    skpd: str = typer.Argument(..., help="SKPD code"),
    kecamatan: str = typer.Option(None, "--kecamatan", help="Only for this kecamatan"),
    hours_high: int = typer.Option(6, help="Deadline hours for high priority"),
    hours_medium: int = typer.Option(24, help="Deadline hours for medium priority"),
    hours_low: int = typer.Option(72, help="Deadline hours for low priority"),
) -> None:
    """Add or change a routing rule."""
    from desk.services.routing import RoutingError, RuleInput, ensure_defaults, set_rule
    from saring.db.session import session_scope

    rule = RuleInput(
        None if category == "*" else category, kecamatan, skpd, hours_high, hours_medium, hours_low
    )
    try:
        with session_scope(_database()) as session:
            ensure_defaults(session)
            set_rule(session, rule, actor="cli")
    except RoutingError as exc:
        console.print(f"[red]Gagal:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print("[green]Aturan disimpan.[/green]")


@routing_app.command("apply")
def routing_apply() -> None:
    """Route every queue item that has no SKPD yet (the desk also does this in the background)."""
    from desk.services.routing import route_new_items
    from desk.settings import DeskSettings
    from saring.db.session import session_scope

    total = 0
    url = _database()
    while True:
        with session_scope(url) as session:
            count = route_new_items(session, DeskSettings().kecamatan)
        total += count
        if count == 0:
            break
    console.print(f"{total} item dirutekan.")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("desk")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(routing_app, name="routing")
