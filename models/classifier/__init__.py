"""Hoax classifier: sentence-encoder body + calibrated head (or a fine-tuned encoder), with a model card."""

from __future__ import annotations

import json
from pathlib import Path

from models.classifier.card import ModelCard
from models.classifier.head import CalibratedHead, HeadParams
from models.classifier.metrics import classification_metrics
from models.classifier.model import ClassifierConfig, HoaxClassifier, prepare_text
from models.classifier.splits import FIXED_SPLIT_ID, fixed_validation_mask, text_key

LABELS = ("not_hoax", "hoax")


def load_classifier(path: str | Path, *, encoder=None):
    """Load any saved classifier folder (embedding head or fine-tuned model)."""
    path = Path(path)
    config = json.loads((path / "config.json").read_text())
    if config.get("kind") == "finetuned":
        from models.classifier.finetune import FineTunedClassifier

        return FineTunedClassifier.from_pretrained(path)
    return HoaxClassifier.from_pretrained(path, encoder=encoder)


__all__ = [
    "FIXED_SPLIT_ID",
    "LABELS",
    "CalibratedHead",
    "ClassifierConfig",
    "HeadParams",
    "HoaxClassifier",
    "ModelCard",
    "classification_metrics",
    "fixed_validation_mask",
    "load_classifier",
    "prepare_text",
    "text_key",
]
