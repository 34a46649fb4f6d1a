"""Train a classifier on a TrainingSet: fixed validation split, TF-IDF baseline beside it, model card."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from models.classifier.baseline import TfidfBaseline
from models.classifier.card import ModelCard
from models.classifier.embed_cache import Encoder
from models.classifier.head import HeadParams
from models.classifier.metrics import classification_metrics
from models.classifier.model import ClassifierConfig, HoaxClassifier, get_encoder
from models.classifier.splits import FIXED_SPLIT_DESCRIPTION, FIXED_SPLIT_ID, fixed_validation_mask
from models.training_data import TrainingSet

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TrainOptions:
    """What `saring train` can choose."""

    encoder: str | None = None
    head: str = "logreg"
    C: float = 1.0  # noqa: N815
    calibration: str = "sigmoid"
    features: tuple[str, ...] = ("lexical",)  # measured: see eval/classification.py
    seed: int = 13
    max_chars: int = 2000
    finetune: bool = False
    finetune_base: str | None = None
    finetune_epochs: float = 2.0
    finetune_max_steps: int = -1
    finetune_batch_size: int = 16
    finetune_max_length: int = 256
    time_check: bool = True


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass


def validation_rows(training_set: TrainingSet) -> list[dict]:
    """The examples of the fixed validation split (saved with each version for later comparisons)."""
    mask = fixed_validation_mask(training_set.dataset["key"])
    return [row for row, keep in zip(training_set.dataset, mask, strict=True) if keep]


def split_fixed(training_set: TrainingSet) -> tuple[list[int], list[int]]:
    """Indices of the training part and of the fixed validation part."""
    mask = fixed_validation_mask(training_set.dataset["key"])
    return np.flatnonzero(~mask).tolist(), np.flatnonzero(mask).tolist()


def _check_classes(labels: list[int], where: str) -> None:
    counts = np.bincount(np.asarray(labels, dtype=int), minlength=2)
    if counts.min() < 2:
        raise ValueError(
            f"{where}: need at least 2 examples of each class, got hoax={counts[1]} not_hoax={counts[0]}"
        )


def train_version(
    training_set: TrainingSet,
    options: TrainOptions | None = None,
    *,
    encoder: Encoder | None = None,
    trained_by: str | None = None,
):
    """Train on everything outside the fixed validation split; evaluate beside TF-IDF; fill the card."""
    options = options or TrainOptions()
    seed_everything(options.seed)
    texts, labels = training_set.texts, training_set.labels
    train_idx, val_idx = split_fixed(training_set)
    tr_texts, tr_labels = [texts[i] for i in train_idx], [labels[i] for i in train_idx]
    va_texts, va_labels = [texts[i] for i in val_idx], [labels[i] for i in val_idx]
    _check_classes(tr_labels, "training part")
    log.info("training on %d examples, validating on %d (%s)", len(tr_texts), len(va_texts), FIXED_SPLIT_ID)
    if options.finetune:
        from models.classifier.finetune import FinetuneOptions, finetune_classifier

        model = finetune_classifier(
            tr_texts,
            tr_labels,
            FinetuneOptions(
                base=options.finetune_base or options.encoder,
                epochs=options.finetune_epochs,
                max_steps=options.finetune_max_steps,
                batch_size=options.finetune_batch_size,
                max_length=options.finetune_max_length,
                seed=options.seed,
            ),
        )
    else:
        encoder = encoder or get_encoder(options.encoder or _default_encoder_name())
        config = ClassifierConfig(
            head=HeadParams(
                head=options.head, C=options.C, calibration=options.calibration, seed=options.seed
            ),
            features=list(options.features),
            max_chars=options.max_chars,
        )
        model = HoaxClassifier.fit(tr_texts, tr_labels, encoder=encoder, config=config)
    metrics: dict = {"fixed_validation": {}, "train_out_of_fold": {}}
    if len(set(va_labels)) == 2:
        p = model.hoax_probability(va_texts)
        metrics["fixed_validation"]["model"] = classification_metrics(va_labels, p, model.threshold)
        baseline = TfidfBaseline(seed=options.seed).fit(tr_texts, tr_labels)
        metrics["fixed_validation"]["tfidf_logreg"] = classification_metrics(
            va_labels, baseline.hoax_probability(va_texts), 0.5
        )
    else:
        log.warning(
            "the fixed validation split has %d example(s) and not both classes: no validation metrics",
            len(va_labels),
        )
    oof = getattr(getattr(model, "head", None), "oof_metrics", None)
    if oof:
        metrics["train_out_of_fold"]["model"] = oof
    metrics.update({k: v for k, v in model.card.metrics.items() if k not in metrics})
    if options.time_check and not options.finetune:
        check = time_disjoint_check(training_set, model.config, model.encoder, seed=options.seed)
        if check:
            metrics["time_disjoint_check"] = check
    model.card = ModelCard(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        kind=model.config.kind,
        encoder=str(model.config.encoder),
        head=_head_summary(model),
        features=list(model.config.features),
        training_data={**training_set.snapshot, "train_examples": len(tr_texts)},
        validation_split={
            "id": FIXED_SPLIT_ID,
            "description": FIXED_SPLIT_DESCRIPTION,
            "n": len(va_texts),
            "labels": {"hoax": int(sum(va_labels)), "not_hoax": len(va_labels) - int(sum(va_labels))},
        },
        metrics=metrics,
        thresholds={
            "decision_threshold": model.threshold,
            "meaning": "label = hoax when the calibrated hoax probability >= decision_threshold; chosen to "
            + (
                "maximise macro-F1 on out-of-fold training predictions"
                if oof
                else "maximise macro-F1 on the held-out calibration slice of the training part"
            ),
        },
        seed=options.seed,
        trained_by=trained_by,
    )
    return model


def time_disjoint_check(
    training_set: TrainingSet,
    config: ClassifierConfig,
    encoder: Encoder,
    *,
    seed: int = 13,
    later_fraction: float = 0.2,
) -> dict | None:
    """Same recipe trained on the earlier 80% of dated examples, validated on the later 20%, beside TF-IDF."""
    rows = [
        (d, t, y)
        for d, t, y in zip(training_set.dataset["date"], training_set.texts, training_set.labels, strict=True)
        if d
    ]
    if len(rows) < 20:
        return None
    rows.sort(key=lambda r: r[0])
    cutoff = rows[int(len(rows) * (1 - later_fraction))][0]
    early = [(t, y) for d, t, y in rows if d < cutoff]
    late = [(t, y) for d, t, y in rows if d >= cutoff]
    y_early, y_late = [y for _, y in early], [y for _, y in late]
    if min(sum(y_early), len(y_early) - sum(y_early)) < 2 or len(set(y_late)) < 2:
        return None
    check_config = ClassifierConfig.from_dict(config.to_dict())
    model = HoaxClassifier.fit([t for t, _ in early], y_early, encoder=encoder, config=check_config)
    baseline = TfidfBaseline(seed=seed).fit([t for t, _ in early], y_early)
    late_texts = [t for t, _ in late]
    return {
        "cutoff_date": cutoff,
        "n_train": len(early),
        "model": classification_metrics(y_late, model.hoax_probability(late_texts), model.threshold),
        "tfidf_logreg": classification_metrics(y_late, baseline.hoax_probability(late_texts), 0.5),
    }


def _head_summary(model) -> dict:
    head = getattr(model.config, "head", None)
    if model.config.kind == "finetuned":
        return {
            "type": "AutoModelForSequenceClassification",
            "loss": "class-weighted cross-entropy",
            "calibration": "platt on a held-out slice",
            "max_length": model.config.max_length,
        }
    if isinstance(head, HeadParams):
        calibrator = getattr(model.head, "calibrator", None)
        if getattr(model, "lexical", None) is not None and hasattr(calibrator, "coef_"):
            return {
                "type": f"{head.head} + lexical (TF-IDF) channel, late fusion",
                "fusion_weights": {
                    "embedding": float(calibrator.coef_[0, 0]),
                    "lexical": float(calibrator.coef_[0, 1]),
                },
                "C": head.C,
                "calibration": head.calibration,
                "class_weight": "balanced",
                "cv_folds": head.cv_folds,
            }
        return {
            "type": head.head,
            "C": head.C,
            "calibration": head.calibration,
            "class_weight": "balanced",
            "cv_folds": head.cv_folds,
        }
    return dict(head or {})


def _default_encoder_name() -> str:
    from saring.config import get_settings

    return get_settings().encoder_model
