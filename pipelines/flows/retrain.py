"""Prefect flow `retrain`: verdicts since the last version -> train, evaluate, promote or not, record why."""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow, task

log = logging.getLogger(__name__)
ACTOR = "retrain-flow"


@task(name="count-new-verdicts")
def count_new_verdicts_task(db_url: str | None = None) -> dict:
    """How many TRC verdicts arrived since the newest model version was trained."""
    from models.retraining import last_version_time
    from models.training_data import count_verdicts
    from saring.db.session import init_db, session_scope

    init_db(db_url)
    since = last_version_time(db_url)
    with session_scope(db_url) as session:
        counts = count_verdicts(session, since=since)
    return {"since": since.isoformat() if since else None, **counts}


@task(name="train-and-register")
def train_task(
    data: list[str],
    *,
    include_verdicts: bool,
    encoder: str | None,
    head: str,
    seed: int,
    db_url: str | None = None,
    notes: str = "",
) -> dict:
    """Train on the files plus every verdict; register the result as a candidate version."""
    from models.classifier.train import TrainOptions
    from models.retraining import run_training

    outcome = run_training(
        [Path(p) for p in data],
        options=TrainOptions(encoder=encoder, head=head, seed=seed),
        include_verdicts=include_verdicts,
        actor=ACTOR,
        promote=False,
        db_url=db_url,
        notes=notes,
    )
    val = outcome.metrics.get("fixed_validation") or {}
    return {
        "version": outcome.version.version,
        "validation_macro_f1": (val.get("model") or {}).get("macro_f1"),
        "tfidf_macro_f1": (val.get("tfidf_logreg") or {}).get("macro_f1"),
        "examples": outcome.training_set.snapshot.get("examples"),
    }


@task(name="promote-or-not")
def promote_task(version: str, *, force: bool, db_url: str | None = None) -> dict:
    """Apply the gate (at least as good as the active version on the fixed validation split)."""
    from models.registry import ModelRegistry

    result = ModelRegistry(db_url=db_url).promote(
        version, actor=ACTOR, force=force, reason="retrain flow run with force=True"
    )
    return {
        "promoted": result.promoted,
        "forced": result.forced,
        "reason": result.decision.reason,
        "candidate_score": result.decision.candidate_score,
        "active_score": result.decision.active_score,
    }


@task(name="record-decision")
def record_task(summary: dict, db_url: str | None = None) -> None:
    from models.registry import ModelRegistry

    ModelRegistry(db_url=db_url).record_event(
        "retrain", version=summary.get("version"), actor=ACTOR, reason=summary["reason"], details=summary
    )


@flow(name="retrain", log_prints=False)
def retrain(
    data: list[str] | None = None,
    include_verdicts: bool = True,
    min_new_verdicts: int = 1,
    force: bool = False,
    encoder: str | None = None,
    head: str = "logreg",
    seed: int = 13,
    db_url: str | None = None,
) -> dict:
    """Retrain when enough new TRC verdicts arrived (or always when there is no model yet, or when forced)."""
    from models.registry import ModelRegistry
    from models.retraining import default_data_paths

    paths = [str(p) for p in (data if data is not None else default_data_paths())]
    new = count_new_verdicts_task(db_url)
    active = ModelRegistry(db_url=db_url).active()
    labelled_new = new.get("labelled", 0)
    if active is not None and not force and labelled_new < min_new_verdicts:
        summary = {
            "version": None,
            "trained": False,
            "promoted": False,
            "new_verdicts": new,
            "reason": f"skipped: {labelled_new} new labelled verdict(s) since the last version "
            f"(need {min_new_verdicts}); {active.version} stays active",
        }
        record_task(summary, db_url)
        return summary
    trained = train_task(
        paths,
        include_verdicts=include_verdicts,
        encoder=encoder,
        head=head,
        seed=seed,
        db_url=db_url,
        notes=f"retrain flow: {labelled_new} new labelled verdict(s)",
    )
    decision = promote_task(trained["version"], force=force, db_url=db_url)
    summary = {
        "version": trained["version"],
        "trained": True,
        "new_verdicts": new,
        **trained,
        **decision,
        "reason": ("promoted: " if decision["promoted"] else "not promoted: ") + decision["reason"],
    }
    record_task(summary, db_url)
    return summary


DEFAULT_CRON = "0 2 * * 1"  # Mondays 02:00: a week of TRC verdicts per run


def retrain_deployment(cron: str | None = DEFAULT_CRON, *, min_new_verdicts: int = 20):
    """A deployment of `retrain` for `prefect serve` (scheduled; also runnable on demand from the UI)."""
    from prefect.deployments.runner import EntrypointType

    return retrain.to_deployment(
        name="retrain",
        cron=cron,
        parameters={"min_new_verdicts": min_new_verdicts},
        description="Retrain the hoax classifier from new TRC verdicts; promote only if at least as good",
        tags=["saring", "retrain"],
        concurrency_limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
