"""CLI commands: kb import | stats | add-clarification | calibrate | reindex."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from factcheck_kb.finetune_pairs import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS

console = Console()
err_console = Console(stderr=True)

kb_app = typer.Typer(help="The knowledge base of fact checks and clarifications.", no_args_is_help=True)


def _embed_progress():
    """A rich progress bar fed by the index's on_embedded(done, total) callback: count, rate, elapsed, ETA."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task("embedding", total=None, visible=False, rate="", start=False)

    def on_embedded(done: int, total: int) -> None:
        # the run's mean rate: rich's own speed is a short window that swings with batch lengths
        # (texts are sorted by length, so the long ones come together)
        if not progress.tasks[0].started:
            progress.start_task(task)
        elapsed = progress.tasks[0].elapsed
        rate = f"{done / elapsed:,.0f} texts/s" if elapsed and done else ""
        progress.update(task, completed=done, total=total, visible=True, rate=rate)

    return progress, on_embedded


def _say(message: str) -> None:
    console.log(message)


def _print_update(stats) -> None:
    if stats is None:
        return
    console.print(
        f"index: [green]{stats.added} added[/], [yellow]{stats.updated} updated[/], "
        f"[red]{stats.removed} removed[/], {stats.unchanged} unchanged; "
        f"{stats.vectors_embedded} views embedded in {stats.embed_seconds:.1f} s; "
        f"{stats.items_total} items, {stats.seconds:.1f} s in all"
    )


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


@kb_app.command("import")
def import_cmd(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="KB file (CSV/JSON/XLSX)"
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="unified, turnbackhoax, mafindo, komdigi, claimreview, pemda, jsonl (detected when left out)",
    ),
    no_index: bool = typer.Option(False, "--no-index", help="Store only; do not update the search index"),
    fetch_images: bool = typer.Option(
        False, "--fetch-images", help="Fetch images given by URL (ClaimReview image); local paths always"
    ),
) -> None:
    """Import fact checks into the database and update the search index (only new or changed items)."""
    from factcheck_kb.importers import ImportFormatError
    from factcheck_kb.operations import import_path

    progress, on_embedded = _embed_progress()
    try:
        with progress:
            report = import_path(
                path,
                fmt,
                update_index=not no_index,
                progress=_say,
                on_embedded=on_embedded,
                fetch_images=fetch_images,
            )
    except (ImportFormatError, ValueError) as exc:
        _fail(str(exc))
    for error in report.errors:
        err_console.print(f"[yellow]skipped[/] {error}")
    console.print(
        f"{report.path}: {report.records} records read, [red]{len(report.errors)} bad rows[/]; database: "
        f"[green]{report.inserted} inserted[/], [yellow]{report.updated} updated[/], "
        f"{report.unchanged} unchanged" + (f"; {report.images} images linked" if report.images else "")
    )
    _print_update(report.index)


@kb_app.command("stats")
def stats_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Counts in the database and the state of the search index."""
    from factcheck_kb.operations import index_stats

    stats = index_stats()
    if as_json:
        console.print_json(json.dumps(stats, default=str))
        return
    db = stats["database"]
    table = Table(
        title=f"Knowledge base: {db['total']} items ({db['first_date']} - {db['last_date']}, "
        f"{db['undated']} undated)"
    )
    table.add_column("source")
    table.add_column("items", justify="right")
    for source, n in db["by_source"].items():
        table.add_row(str(source), str(n))
    console.print(table)
    index = stats["index"]
    if index is None:
        console.print("[yellow]no search index yet[/] (run `saring kb reindex`)")
        return
    dense = index["dense_index"]
    console.print(
        f"index {index['path']}: model {index['model_id']} ({index['dim']}-d), {index['items']} items, "
        f"{index['vectors']} vectors ({dense['type']}), {index['lexical_docs']} BM25 docs, "
        f"vocabulary {index['vocabulary']}; updated {index['updated_at']}"
    )
    console.print(f"bands: {index['thresholds']}")
    console.print(f"fusion: {index['fusion']}")


@kb_app.command("add-clarification")
def add_clarification_cmd(
    title: str = typer.Option(..., "--title", help="Headline of the clarification"),
    claim: str = typer.Option(..., "--claim", help="The claim as it circulates"),
    facts: str = typer.Option(..., "--facts", help="The facts (the Pemda's explanation)"),
    category: str | None = typer.Option(None, "--category"),
    url: str | None = typer.Option(None, "--url", help="Where the clarification is published"),
) -> None:
    """Add the Pemda's own clarification to the KB and index it at once."""
    from factcheck_kb.operations import add_clarification

    try:
        record, stats = add_clarification(title, claim, facts, category=category, url=url)
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"[green]stored[/] {record.kb_id} ({record.publisher})")
    _print_update(stats)


@kb_app.command("calibrate")
def calibrate_cmd(
    pairs: Path = typer.Option(
        ..., "--pairs", exists=True, dir_okay=False, help='JSONL of {"text", "kb_id", "label": 1|0}'
    ),
    auto_precision: float = typer.Option(0.95, help="Precision the auto-link band must reach"),
    suggest_precision: float = typer.Option(0.60, help="Precision the suggest band must reach"),
    fusion: bool = typer.Option(
        False, "--fusion", help="First fit the dense/lexical fusion weights on the positive pairs"
    ),
    min_queries: int = typer.Option(20, "--min-queries", min=1, help="Fewest labelled texts to fit fusion"),
) -> None:
    """Choose band thresholds (with --fusion, fusion weights first) from labelled pairs; save them."""
    from factcheck_kb.index import IndexError_
    from factcheck_kb.operations import calibrate_index, fit_fusion_index
    from models.encoder import load_encoder
    from saring.config import get_settings

    try:
        encoder = load_encoder(get_settings().encoder_model)
        if fusion:
            fitted, _errors, n_queries = fit_fusion_index(pairs, encoder=encoder, min_queries=min_queries)
            if fitted.source == "fitted":
                console.print(
                    f"fusion fitted on {n_queries} labelled texts: w_dense {fitted.w_dense}, "
                    f"w_lexical {fitted.w_lexical}, dense_floor {fitted.dense_floor}"
                )
            else:
                console.print(f"[yellow]fusion kept[/]: {n_queries} labelled texts, fewer than {min_queries}")
        thresholds, errors, n = calibrate_index(
            pairs, encoder=encoder, auto_precision=auto_precision, suggest_precision=suggest_precision
        )
    except (IndexError_, ValueError) as exc:
        _fail(str(exc))
    for error in errors:
        err_console.print(f"[yellow]skipped[/] {error}")
    table = Table(title=f"Thresholds from {n} labelled pairs ({thresholds.source})")
    for column in ("signal", "auto", "suggest"):
        table.add_column(column)
    for signal in ("fused", "dense", "lexical"):
        auto, suggest = thresholds.pair(signal)
        table.add_row(signal, f"{auto:.3f}", f"{suggest:.3f}")
    console.print(table)


@kb_app.command("reindex")
def reindex_cmd(
    full: bool = typer.Option(False, "--full", help="Rebuild from scratch (after a model change)"),
) -> None:
    """Bring the search index in line with the database (only new or changed items are embedded)."""
    from factcheck_kb.index import IndexModelMismatch
    from factcheck_kb.operations import sync_index
    from models.encoder import load_encoder
    from saring.config import get_settings

    # a full rebuild moves the index to the configured variant (auto: the fastest that keeps quality)
    encoder = load_encoder(get_settings().encoder_model, keep_index_variant=False) if full else None
    progress, on_embedded = _embed_progress()
    try:
        with progress:
            stats = sync_index(rebuild=full, encoder=encoder, progress=_say, on_embedded=on_embedded)
    except IndexModelMismatch as exc:
        _fail(f"{exc}\n(use `saring kb reindex --full` to rebuild for the configured model)")
    _print_update(stats)


@kb_app.command("finetune")
def finetune_cmd(
    output: Path = typer.Option(
        ..., "--output", "-o", file_okay=False, help="Folder for the fine-tuned encoder"
    ),
    before: str | None = typer.Option(
        None, "--before", help="Train only on items published before this date"
    ),
    epochs: int = typer.Option(DEFAULT_EPOCHS, min=1, max=5),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, min=4, max=256),
) -> None:
    """Fine-tune the encoder on the KB's own claim -> fact-check pairs (CPU: minutes to an hour)."""
    from datetime import date

    from factcheck_kb.operations import finetune_from_kb

    try:
        cutoff = date.fromisoformat(before) if before else None
        with console.status("fine-tuning (MultipleNegativesRankingLoss)…"):
            folder, n = finetune_from_kb(output, before=cutoff, epochs=epochs, batch_size=batch_size)
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"[green]fine-tuned on {n} pairs[/] -> {folder}")
    console.print(f"use it: SARING_ENCODER_MODEL={folder} saring kb reindex --full")
    console.print(
        "it gets the fusion and band defaults of Saring fine-tunes; with labelled pairs, refit them: "
        "saring kb calibrate --pairs P --fusion"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(kb_app, name="kb")
