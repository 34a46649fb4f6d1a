"""CLI command: match a JSONL file of posts against the knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)


def match_cmd(
    input_path: Path = typer.Option(
        ..., "--input", "-i", exists=True, dir_okay=False, help='JSONL, one {"id", "text"} per line'
    ),
    output_path: Path = typer.Option(
        ...,
        "--output",
        "-o",
        dir_okay=False,
        help='JSONL, one {"id", "matches": [{"kb_id", "score", "band"}]} per line',
    ),
    top_k: int = typer.Option(10, "--top-k", min=1, max=100, help="Matches per post"),
) -> None:
    """Match posts to known fact checks; bands: auto (link), suggest (to the TRC), none."""
    from factcheck_kb.index import IndexError_
    from factcheck_kb.match_io import count_lines, match_jsonl
    from factcheck_kb.matcher import Matcher

    try:
        matcher = Matcher.open()
    except IndexError_ as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=1) from None
    total = count_lines(input_path)
    with Progress(
        TextColumn("[bold]matching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("match", total=total)
        report = match_jsonl(
            input_path, output_path, matcher, top_k=top_k, on_batch=lambda n: progress.advance(task, n)
        )
        progress.update(task, completed=total)
    for error in report.errors:
        err_console.print(f"[yellow]skipped[/] {error}")
    bands = report.bands
    console.print(
        f"{report.written} posts matched -> {output_path} "
        f"(best match: [green]{bands.get('auto', 0)} auto[/], "
        f"[yellow]{bands.get('suggest', 0)} suggest[/], {bands.get('none', 0)} none); "
        f"[red]{len(report.errors)} bad lines skipped[/]"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("match")(match_cmd)
