"""CLI commands: the match judge's versions (train on the KB and TRC verdicts, list, promote, roll back)."""

from __future__ import annotations

import getpass

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)
judge_app = typer.Typer(
    help="The match judge: verifier, stance and bands (models/judge)", no_args_is_help=True
)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@judge_app.command("train")
def train_cmd(
    depth: int = typer.Option(20, min=3, max=50, help="Candidates judged per text"),
    promote: bool = typer.Option(
        True, help="Promote the new version when it is at least as good as the active"
    ),
) -> None:
    """Fit a judge on the installed KB's claim pairs and the TRC's verdicts (minutes on 2 cores)."""
    from factcheck_kb.judge_training import decided_posts, fit_from_kb, held_out_auc
    from factcheck_kb.store import load_factchecks
    from models.encoder import load_encoder
    from models.judge import JudgeRegistry
    from saring.config import get_settings
    from saring.db.session import init_db, session_scope

    settings = get_settings()
    url = settings.resolved_database_url
    init_db(url)
    with session_scope(url) as session:
        factchecks = load_factchecks(session)
        decided = decided_posts(session)
    encoder = load_encoder(settings.encoder_model)
    try:
        with console.status("fitting the match judge") as status:
            judge, metrics, held = fit_from_kb(
                factchecks, decided, encoder, depth=depth, progress=lambda m: status.update(m)
            )
    except ValueError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=1) from None
    registry = JudgeRegistry()
    current = registry.load()
    new_auc = held_out_auc(judge, held)
    same_family = current.config.encoder == encoder.model_id
    old_auc = held_out_auc(current, held) if same_family else None
    version = registry.register(judge, actor=_actor(), reason=f"held-out AUC {new_auc} (active {old_auc})")
    console.print(
        f"registered judge {version.version}: held-out AUC {new_auc}, ECE "
        f"{metrics['verifier_held_out']['reliability']['ece']}, thresholds {metrics['thresholds']}"
    )
    better = old_auc is None or (new_auc is not None and new_auc >= old_auc)
    if promote and better:
        registry.promote(version.version, actor=_actor(), reason=f"held-out AUC {new_auc} >= {old_auc}")
        console.print(f"[green]promoted[/] {version.version} (active was {current.version}, AUC {old_auc})")
    elif promote:
        console.print(f"[yellow]kept[/] {current.version}: its held-out AUC {old_auc} beats {new_auc}")


@judge_app.command("list")
def list_cmd() -> None:
    """The judge versions; the packaged default is active until one is promoted."""
    from models.judge import JudgeRegistry

    registry = JudgeRegistry()
    table = Table("version", "active", "held-out AUC", "ECE", "auto threshold")
    table.add_row("default (packaged)", "yes" if registry.active_version() is None else "", "", "", "")
    for v in registry.versions():
        held = v.metrics.get("verifier_held_out", {})
        table.add_row(
            v.version,
            "yes" if v.active else "",
            str(held.get("auc")),
            str((held.get("reliability") or {}).get("ece")),
            str((v.metrics.get("thresholds") or {}).get("auto")),
        )
    console.print(table)


@judge_app.command("promote")
def promote_cmd(version: str, reason: str = typer.Option("", help="Why, for the log")) -> None:
    """Make a judge version the active one."""
    from models.judge import JudgeRegistry, JudgeRegistryError

    try:
        JudgeRegistry().promote(version, actor=_actor(), reason=reason)
    except JudgeRegistryError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=1) from None
    console.print(f"{version} is active")


@judge_app.command("rollback")
def rollback_cmd(reason: str = typer.Option("", help="Why, for the log")) -> None:
    """Back to the version active before (or the packaged default)."""
    from models.judge import JudgeRegistry, JudgeRegistryError

    try:
        previous = JudgeRegistry().rollback(actor=_actor(), reason=reason)
    except JudgeRegistryError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=1) from None
    console.print(f"active judge: {previous or 'the packaged default'}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(judge_app, name="judge")
