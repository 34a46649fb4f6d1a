"""One training run: gather data, train, evaluate, register, and promote or not (with the reason)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from models.classifier.train import TrainOptions, train_version, validation_rows
from models.registry import ModelRegistry, PromotionResult, VersionInfo
from models.training_data import TrainingSet, build_training_set
from saring.config import get_settings
from saring.db.session import init_db, session_scope

log = logging.getLogger(__name__)
POOL_RELATIVE = Path("derived") / "train_hoax_valid_pool.csv"


@dataclass(slots=True)
class RunOutcome:
    """What a training run produced and decided."""

    version: VersionInfo | None
    promotion: PromotionResult | None
    training_set: TrainingSet | None
    reason: str
    metrics: dict = field(default_factory=dict)

    @property
    def promoted(self) -> bool:
        return bool(self.promotion and self.promotion.promoted)


def default_data_paths() -> list[Path]:
    """The shared pool when it is there (../shared/data/derived/train_hoax_valid_pool.csv), else nothing."""
    data_dir = get_settings().data_dir
    if data_dir and (data_dir / POOL_RELATIVE).exists():
        return [data_dir / POOL_RELATIVE]
    return []


def gather_training_set(
    paths: list[Path], *, include_verdicts: bool, db_url: str | None = None, skip_invalid: bool = False
) -> TrainingSet:
    """Files plus (optionally) every TRC verdict in the database."""
    if include_verdicts:
        with session_scope(db_url) as session:
            return build_training_set(
                paths, session=session, include_verdicts=True, skip_invalid=skip_invalid
            )
    return build_training_set(paths, skip_invalid=skip_invalid)


def run_training(
    paths: list[Path],
    *,
    options: TrainOptions | None = None,
    include_verdicts: bool = False,
    actor: str,
    promote: bool = True,
    force: bool = False,
    force_reason: str = "",
    notes: str = "",
    db_url: str | None = None,
    encoder=None,
    skip_invalid: bool = False,
) -> RunOutcome:
    """Train a new version; promote it when it is at least as good as the active one (or when forced)."""
    init_db(db_url)
    training_set = gather_training_set(
        paths, include_verdicts=include_verdicts, db_url=db_url, skip_invalid=skip_invalid
    )
    model = train_version(training_set, options, encoder=encoder, trained_by=actor)
    registry = ModelRegistry(db_url=db_url)
    info = registry.register(model, trained_by=actor, validation=validation_rows(training_set), notes=notes)
    metrics = model.card.metrics
    if not promote:
        return RunOutcome(
            info, None, training_set, f"{info.version} registered as a candidate (not promoted)", metrics
        )
    result = registry.promote(info.version, actor=actor, force=force, reason=force_reason, encoder=encoder)
    if result.promoted:
        reason = (
            f"{info.version} promoted"
            + (" (forced)" if result.forced else "")
            + f": {result.decision.reason}"
        )
    else:
        reason = f"{info.version} not promoted: {result.decision.reason}"
    return RunOutcome(registry.get(info.version), result, training_set, reason, metrics)


def last_version_time(db_url: str | None = None) -> datetime | None:
    """When the newest registered version was trained (verdicts after it are 'new')."""
    versions = ModelRegistry(db_url=db_url).list_versions()
    return max((v.trained_at for v in versions), default=None)
