"""CLI commands: `saring models list|show|history|promote|rollback` over the model registry."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table


def console() -> Console:
    return Console()


def err() -> Console:
    return Console(stderr=True)


models_app = typer.Typer(
    help="Hoax-classifier versions: list, inspect, promote, roll back.", no_args_is_help=True
)


def _registry():
    from models.registry import ModelRegistry
    from saring.db.session import init_db

    init_db()
    return ModelRegistry()


def _actor(by: str | None) -> str:
    from saring.cli.classify_cmds import default_actor

    return by or default_actor()


@models_app.command("list")
def list_versions() -> None:
    """Every registered version; the active one is marked."""
    versions = _registry().list_versions()
    if not versions:
        console().print("no model versions yet: run `saring train`")
        return
    table = Table(title="model versions")
    for column in (
        "version",
        "status",
        "kind",
        "encoder",
        "val macro-F1",
        "threshold",
        "examples",
        "parent",
        "trained by",
        "trained at",
    ):
        table.add_column(column)
    for v in versions:
        f1 = f"{v.validation_macro_f1:.3f}" if v.validation_macro_f1 is not None else "-"
        mark = "[bold green]active[/]" if v.is_active else v.status
        table.add_row(
            v.version,
            mark,
            v.kind,
            v.encoder,
            f1,
            f"{v.threshold:.2f}",
            str(v.data_snapshot.get("examples", "-")),
            v.parent_version or "-",
            v.trained_by,
            v.trained_at.strftime("%Y-%m-%d %H:%M"),
        )
    console().print(table)


@models_app.command("show")
def show(version: str = typer.Argument(None, help="Default: the active version")) -> None:
    """Print a version's model card."""
    from models.registry import RegistryError

    registry = _registry()
    try:
        info = registry.get(version) if version else registry.active()
    except RegistryError as exc:
        err().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if info is None:
        err().print("no active model")
        raise typer.Exit(2)
    console().print(Markdown((info.path / "README.md").read_text(encoding="utf-8")))


@models_app.command("history")
def history(version: str = typer.Argument(None)) -> None:
    """Registrations, promotions, refusals, forced promotions and rollbacks, oldest first."""
    table = Table(title="model events")
    for column in ("at", "action", "version", "previous", "actor", "reason"):
        table.add_column(column)
    for e in _registry().events(version):
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.action,
            e.version or "-",
            e.previous_version or "-",
            e.actor,
            e.reason,
        )
    console().print(table)


@models_app.command("promote")
def promote(
    version: str = typer.Argument(..., help="The version to make active"),
    force: bool = typer.Option(False, "--force", help="Promote even if worse than the active one (logged)"),
    reason: str = typer.Option("", help="Why (recorded; expected with --force)"),
    by: str = typer.Option(None, "--by", help="Who decides (default: $SARING_USER or the login name)"),
) -> None:
    """Make a version active if it is at least as good as the active one on the fixed validation split."""
    from models.registry import RegistryError

    try:
        result = _registry().promote(version, actor=_actor(by), force=force, reason=reason)
    except RegistryError as exc:
        err().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if result.promoted:
        console().print(
            f"{version} is active" + (" (forced)" if result.forced else "") + f": {result.decision.reason}"
        )
        return
    err().print(
        f"[yellow]not promoted:[/yellow] {result.decision.reason}"
        + ("" if result.decision.active == version else "  (use --force --reason ... to override)")
    )
    raise typer.Exit(1)


@models_app.command("rollback")
def rollback(
    version: str = typer.Argument(None, help="Default: the version active before the current one"),
    reason: str = typer.Option("", help="Why (recorded)"),
    by: str = typer.Option(None, "--by"),
) -> None:
    """Make an earlier version active again (one command, logged)."""
    from models.registry import RegistryError

    try:
        info = _registry().rollback(version, actor=_actor(by), reason=reason)
    except RegistryError as exc:
        err().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console().print(f"rolled back: {info.version} is active")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(models_app, name="models")
