"""CLI commands: `saring train` (a new model version) and `saring classify` (posts -> hoax probabilities)."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table


def console() -> Console:
    return Console()


def err() -> Console:
    return Console(stderr=True)


def default_actor() -> str:
    return os.environ.get("SARING_USER") or getpass.getuser() or "unknown"


def read_posts(path: Path) -> list[tuple[object, str]]:
    """(id, text) per line of a posts JSONL file; raises ValueError listing file:line: reason."""
    problems: list[str] = []
    posts: list[tuple[object, str]] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise ValueError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: JSON does not parse: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
            continue
        if row.get("id") in (None, ""):
            problems.append(f"{path}:{number}: missing id")
            continue
        text = row.get("text") or row.get("text_normalised")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{path}:{number}: empty text (fields 'text' or 'text_normalised')")
            continue
        posts.append((row["id"], text))
    if problems:
        shown = "\n".join(problems[:20]) + (
            f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise ValueError(f"{len(problems)} bad line(s) in the input:\n{shown}")
    return posts


def classify_file(
    input_path: Path,
    output_path: Path,
    *,
    version: str | None = None,
    chunk: int = 512,
    db_url: str | None = None,
) -> tuple[int, str]:
    """Classify every post of a JSONL file with a registered model; the output appears only when complete."""
    from models.registry import ModelRegistry
    from saring.db.session import init_db

    posts = read_posts(input_path)
    init_db(db_url)
    registry = ModelRegistry(db_url=db_url)
    info = registry.get(version) if version else registry.active()
    if info is None:
        raise ValueError("no active model: run `saring train` (or `saring demo`) first")
    judged = _judged_probabilities(info.version, db_url)
    model = None if judged else registry.load(info.version)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(f".{output_path.name}.partial")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for start in range(0, len(posts), chunk):
                part = posts[start : start + chunk]
                if judged:
                    probs, threshold = judged([t for _, t in part])
                else:
                    probs, threshold = model.hoax_probability([t for _, t in part]), model.threshold
                for (post_id, _), p in zip(part, probs, strict=True):
                    label = "hoax" if p >= threshold else "not_hoax"
                    handle.write(
                        json.dumps(
                            {"id": post_id, "hoax_probability": round(float(p), 6), "label": label},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
        os.replace(tmp, output_path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(posts), info.version


def metrics_table(metrics: dict, title: str) -> Table:
    table = Table(title=title)
    for column in (
        "split",
        "model",
        "macro-F1",
        "P/R hoax",
        "P/R not",
        "PR-AUC hoax/not",
        "Brier",
        "ECE",
        "n",
    ):
        table.add_column(column)
    for split, models in metrics.items():
        if split == "time_disjoint_check":
            split = f"time-disjoint >= {models.get('cutoff_date')}"
        for name, m in (models or {}).items():
            if not isinstance(m, dict) or "macro_f1" not in m:
                continue
            h, n = m["per_class"]["hoax"], m["per_class"]["not_hoax"]
            table.add_row(
                split,
                name,
                f"{m['macro_f1']:.3f}",
                f"{h['precision']:.2f}/{h['recall']:.2f}",
                f"{n['precision']:.2f}/{n['recall']:.2f}",
                f"{m['pr_auc_hoax']:.3f}/{m['pr_auc_not_hoax']:.3f}",
                f"{m['brier']:.3f}",
                f"{m['ece']:.3f}",
                str(m["n"]),
            )
    return table


def _judged_probabilities(version: str, db_url: str | None):
    """The score flow's one judgement (text signal combined with the judged KB matches), when the active
    classifier is the one asked for and a KB index exists; else None (the classifier alone decides)."""
    from pipelines.runtime import load_context
    from pipelines.score import analyse_posts, trained_hoax_rate
    from pipelines.scoring import PostToScore, prior_shift
    from pipelines.triage import stored_kb_lookup

    context = load_context(url=db_url)
    if context.matcher is None or context.classifier is None or context.model_version != version:
        return None
    rate = context.config.hoax_base_rate
    threshold = prior_shift(context.classifier.threshold, trained_hoax_rate(context.classifier), rate)
    lookup = stored_kb_lookup(db_url)

    def judge(texts: list[str]) -> tuple[list[float], float]:
        posts = [PostToScore(post_id=i, text=t, platform="unknown") for i, t in enumerate(texts)]
        analysis = analyse_posts(
            posts, context.encoder, context.matcher, context.classifier, kb_lookup=lookup, hoax_base_rate=rate
        )
        return [float(p or 0.0) for p in analysis.probabilities], float(threshold)

    return judge


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""

    @app.command("classify")
    def classify(
        input: Path = typer.Option(..., "--input", "-i", help='JSONL of posts: {"id": ..., "text": ...}'),
        output: Path = typer.Option(..., "--output", "-o", help="JSONL of {id, hoax_probability, label}"),
        version: str | None = typer.Option(None, help="A registered version instead of the active one"),
    ) -> None:
        """Each post's hoax probability and label: with a KB index, the score flow's one judgement (the
        classifier's text signal combined with the judged matches); else the classifier alone."""
        try:
            count, used = classify_file(input, output, version=version)
        except ValueError as exc:
            err().print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console().print(f"classified {count} post(s) with model {used} -> {output}")

    @app.command("train")
    def train(
        data: list[Path] = typer.Option(
            None, "--data", help="Labelled CSV/JSONL file(s); default: the shared pool"
        ),
        include_verdicts: bool = typer.Option(False, "--include-verdicts", help="Add every TRC verdict"),
        demo: bool = typer.Option(False, "--demo", help="Train on the built-in demo posts"),
        encoder: str | None = typer.Option(None, help="Encoder name or folder (default: settings)"),
        head: str = typer.Option("logreg", help="logreg | mlp"),
        features: str = typer.Option(
            "lexical",
            help="Feature groups beside the embedding, comma-separated: lexical,signals ('' for none)",
        ),
        finetune: bool = typer.Option(False, "--finetune", help="Fine-tune the encoder (GPU or patience)"),
        base: str | None = typer.Option(None, help="Fine-tune base: encoder name or local (IndoBERT) folder"),
        epochs: float = typer.Option(2.0, help="Fine-tune epochs"),
        max_steps: int = typer.Option(-1, help="Fine-tune step limit (-1: by epochs)"),
        seed: int = typer.Option(13),
        promote: bool = typer.Option(True, "--promote/--no-promote", help="Promote when it passes the gate"),
        force: bool = typer.Option(False, "--force", help="Promote even if worse (logged)"),
        reason: str = typer.Option("", help="Why (recorded with a forced promotion)"),
        skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip bad rows instead of stopping"),
        by: str = typer.Option(None, "--by", help="Who trains (default: $SARING_USER or the login name)"),
    ) -> None:
        """Train a new model version, evaluate it beside TF-IDF, register it, promote it if good enough."""
        from models.classifier.demo import DEMO_TRAIN_FILE
        from models.classifier.train import TrainOptions
        from models.retraining import default_data_paths, run_training
        from models.training_data import TrainingDataError

        paths = [DEMO_TRAIN_FILE] if demo else list(data or []) or default_data_paths()
        if not paths and not include_verdicts:
            err().print("[red]error:[/red] no training data: pass --data PATH, --demo, or --include-verdicts")
            raise typer.Exit(2)
        options = TrainOptions(
            encoder=encoder,
            head=head,
            seed=seed,
            features=tuple(f.strip() for f in features.split(",") if f.strip()),
            finetune=finetune,
            finetune_base=base,
            finetune_epochs=epochs,
            finetune_max_steps=max_steps,
        )
        try:
            outcome = run_training(
                paths,
                options=options,
                include_verdicts=include_verdicts,
                actor=by or default_actor(),
                promote=promote,
                force=force,
                force_reason=reason,
                skip_invalid=skip_invalid,
            )
        except (TrainingDataError, ValueError) as exc:
            err().print(f"[red]error:[/red] {exc}")
            err().print("nothing was written to the registry")
            raise typer.Exit(2) from exc
        console().print(metrics_table(outcome.metrics, f"model {outcome.version.version}"))
        console().print(outcome.reason)
        if promote and not outcome.promoted:
            raise typer.Exit(1)
