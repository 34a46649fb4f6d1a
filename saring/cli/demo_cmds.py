"""`saring demo`: the main job on the embedded defaults, printed as a table of what was flagged and why."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()


def register(app: typer.Typer) -> None:
    """Add `saring demo` to the app."""

    @app.command()
    def demo(
        limit: int = typer.Option(15, help="How many flagged items to print"),
        no_train: bool = typer.Option(False, "--no-train", help="Do not train a default classifier"),
    ) -> None:
        """Import the demo KB, build the indexes, run the watch flow on the demo posts, show the queue."""
        from pipelines.demo import run_demo

        with console.status("Saring demo…") as status:
            report = run_demo(limit=limit, train_classifier=not no_train, progress=status.update)
        _print_report(report)


def _print_report(report) -> None:  # noqa: ANN001 (pipelines.demo.DemoReport, imported lazily)
    console.rule("[bold]Saring demo")
    console.print(f"Database: {report.database_url}")
    console.print(f"Encoder: {report.encoder}   Classifier: {report.classifier_version or '(none)'}")
    console.print(f"OCR: {escape(report.ocr)}", highlight=False)
    kb = report.kb
    console.print(
        f"Knowledge base: {kb.get('records', 0)} records read, {kb.get('inserted', 0)} new, "
        f"{kb.get('updated', 0)} updated, {kb.get('unchanged', 0)} unchanged"
    )
    counts = report.counts
    console.print(
        f"Posts stored: {counts.get('posts', 0)}, scored: {counts.get('scored', 0)}, "
        f"issue clusters: {counts.get('clusters', 0)}, queue items: {counts.get('queue_items', 0)}, "
        f"quarantined: {counts.get('quarantined', 0)}"
    )
    if report.quarantined:
        bad = Table(title="Quarantined input (not lost: fix and re-run)", show_lines=False)
        bad.add_column("source")
        bad.add_column("position")
        bad.add_column("reason")
        for row in report.quarantined:
            bad.add_row(row.source, row.position, row.reason)
        console.print(bad)

    console.rule(f"[bold]Top {len(report.items)} flagged for the TRC, by priority")
    for rank, row in enumerate(report.items, start=1):
        match = f"{row.band} → {row.best_kb_id}" if row.best_kb_id else "no known fact check"
        prob = "" if row.hoax_probability is None else f" · p(hoax) {row.hoax_probability:.2f}"
        console.print(
            f"[bold]{rank:>2}. [{row.priority:.2f}][/bold] {row.platform} · {match}{prob}", highlight=False
        )
        text = row.text if len(row.text) <= 200 else row.text[:197] + "…"
        console.print(f"    [italic]{escape(text)}[/italic]", highlight=False)
        console.print(f"    [dim]why: {escape('; '.join(row.reasons))}[/dim]", highlight=False)
    if report.impersonation:
        console.rule(f"[bold]{len(report.impersonation)} fake official accounts / fraud caught")
        for row in report.impersonation:
            console.print(
                f"[bold][{row['probability']:.2f}][/bold] {row['platform']} @{escape(row['author'] or '')} "
                f"→ imitates {escape(row['imitates'] or '?')}",
                highlight=False,
            )
            console.print(f"    [dim]why: {escape('; '.join(row['signals']))}[/dim]", highlight=False)
    if report.image_posts:
        caught = sum(1 for o in report.image_posts.values() if o["ok"])
        total = len(report.image_posts)
        console.rule(f"[bold]Hoaxes in pictures: {caught} of {total} queued with their fact check")
        for post_id, outcome in report.image_posts.items():
            mark = "[green]✓[/]" if outcome["ok"] else "[red]✗[/]"
            linked = ", ".join(outcome["linked"]) or "none"
            console.print(
                f"  {mark} {post_id}: expected {outcome['expected']}, linked {linked}, "
                f"{'queued' if outcome['queued'] else 'not queued'}, "
                f"{outcome.get('ocr_chars', 0)} OCR characters",
                highlight=False,
            )
    console.print(
        f"Done in {report.seconds:.0f} s. Review the queue in the browser: "
        "`saring users add admin --role admin`, then `saring desk`."
    )
