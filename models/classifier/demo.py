"""A small default classifier for the demo, trained on self-written posts (no shared data needed)."""

from __future__ import annotations

from pathlib import Path

from models.classifier.embed_cache import Encoder

DEMO_TRAIN_FILE = Path(__file__).resolve().parent / "demo_train.jsonl"


def train_demo_model(
    *,
    encoder: Encoder | None = None,
    encoder_name: str | None = None,
    db_url: str | None = None,
    register: bool = True,
    trained_by: str = "demo",
    seed: int = 13,
):
    """Train on demo_train.jsonl (222 self-written posts); register and promote it when asked.

    Returns (model, version info or None)."""
    from models.classifier.train import TrainOptions, train_version, validation_rows
    from models.training_data import build_training_set

    training_set = build_training_set([DEMO_TRAIN_FILE])
    model = train_version(
        training_set, TrainOptions(encoder=encoder_name, seed=seed), encoder=encoder, trained_by=trained_by
    )
    if not register:
        return model, None
    from models.registry import ModelRegistry

    registry = ModelRegistry(db_url=db_url)
    info = registry.register(
        model,
        trained_by=trained_by,
        validation=validation_rows(training_set),
        notes="demo model trained on self-written posts",
    )
    registry.promote(info.version, actor=trained_by)
    return model, registry.get(info.version)
