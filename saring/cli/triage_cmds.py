"""CLI command: triage a JSONL file of posts with the score flow's judgement, storing nothing."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)


def triage_cmd(
    input_path: Path = typer.Option(
        ...,
        "--input",
        "-i",
        exists=True,
        dir_okay=False,
        help='JSONL post records: "id", "text", optional "platform", "author_handle", "url", "posted_at", '
        '"engagement", "media" ([{"path": …} relative to the file, or {"url": …}])',
    ),
    output_path: Path = typer.Option(
        ...,
        "--output",
        "-o",
        dir_okay=False,
        help='JSONL, one {"id", "queued", "priority", "hoax_probability", "stance", "matches", "reasons", '
        '"impersonation", "ocr_text", "image_matches", "media_errors"} per post',
    ),
    accounts: Path | None = typer.Option(
        None,
        "--accounts",
        exists=True,
        dir_okay=False,
        help="Registry of official accounts (CSV/YAML) to judge impersonation against, instead of the "
        "database's (`saring accounts import`)",
    ),
    fetch_media: bool = typer.Option(
        False, "--fetch-media", help="Fetch media given by URL (local paths are always read)"
    ),
) -> None:
    """Judge posts as the score flow does (match, verify, stance, classify, prioritise); nothing is queued."""
    from factcheck_kb.match_io import count_lines
    from pipelines.runtime import load_context
    from pipelines.triage import stored_image_index, stored_kb_lookup, triage_file

    context = load_context()
    registry = None
    if accounts is not None:
        from pipelines.accounts import Registry, read_registry

        registry = Registry(read_registry(accounts))
    elif context.registry is None:
        err_console.print(
            "[yellow]warning:[/] no registry of official accounts: impersonation is not judged "
            "(run `saring accounts import FILE` or pass --accounts FILE)"
        )
    if context.matcher is None:
        err_console.print(
            "[yellow]warning:[/] no KB index: posts are judged without matching "
            "(run `saring kb import` or `saring demo` first)"
        )
    total = count_lines(input_path)
    with Progress(
        TextColumn("[bold]triage"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("triage", total=total)
        report = triage_file(
            input_path,
            output_path,
            context,
            kb_lookup=stored_kb_lookup(),
            on_batch=lambda n: progress.advance(task, n),
            registry=registry,
            fetch_media=fetch_media,
            image_index=stored_image_index(),
        )
        progress.update(task, completed=total)
    for error in report.errors:
        err_console.print(f"{error}", markup=False, highlight=False)
    stances = ", ".join(f"{k} {v}" for k, v in sorted(report.stances.items()))
    console.print(
        f"{report.written} posts -> {output_path}: [bold]{report.queued} would be queued[/], "
        f"{report.impersonation} impersonation; "
        f"stance: {stances}; [red]{len(report.errors)} bad lines skipped[/]"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("triage")(triage_cmd)
