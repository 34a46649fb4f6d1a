"""Full fine-tune of the encoder (or a local IndoBERT folder) as a sequence classifier, behind a flag."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from models.classifier.card import ModelCard
from models.classifier.metrics import best_threshold, classification_metrics
from models.classifier.model import prepare_text

log = logging.getLogger(__name__)
MODEL_DIR = "model"


@dataclass(slots=True)
class FinetuneOptions:
    """Trainer settings; the defaults suit a GPU, the tests use max_steps=1."""

    base: str | None = None
    epochs: float = 2.0
    max_steps: int = -1
    batch_size: int = 16
    max_length: int = 256
    learning_rate: float = 3e-5
    calibration_fraction: float = 0.1
    seed: int = 13


@dataclass(slots=True)
class FinetuneConfig:
    """Saved as config.json next to the fine-tuned weights."""

    kind: str = "finetuned"
    encoder: str | None = None
    max_length: int = 256
    max_chars: int = 2000
    threshold: float = 0.5
    platt: list[float] = field(default_factory=lambda: [1.0, 0.0])
    query_prefix: str = ""
    features: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_base_folder(base: str | None, workdir: Path) -> tuple[Path, str, str]:
    """A local Hugging Face model folder for the base, its name, and the text prefix it expects."""
    from saring.config import get_settings

    name = base or get_settings().encoder_model
    folder = Path(name).expanduser()
    if folder.is_dir() and (folder / "config.json").exists():
        return folder, str(folder), ""
    from models.encoder import load_encoder

    encoder = load_encoder(name)
    target = workdir / "base"
    encoder.save_pretrained(target)
    prefix = "query: " if "e5" in encoder.model_id.lower() else ""
    if not (target / "config.json").exists():
        raise ValueError(
            f"{name!r} is not a transformers model folder; fine-tuning needs a BERT-like encoder"
        )
    return target, encoder.model_id, prefix


def _device_name() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class FineTunedClassifier:
    """A transformers sequence classifier with Platt calibration and a macro-F1 threshold."""

    def __init__(self, model, tokenizer, config: FinetuneConfig, card: ModelCard | None = None):
        self.model = model
        self.tokenizer = tokenizer
        self.config = config
        self.card = card or ModelCard(kind="finetuned")

    @property
    def threshold(self) -> float:
        return self.config.threshold

    def _scores(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        import torch

        self.model.eval()
        device = next(self.model.parameters()).device
        out: list[np.ndarray] = []
        prepared = [self.config.query_prefix + prepare_text(t, self.config.max_chars) for t in texts]
        with torch.no_grad():
            for start in range(0, len(prepared), batch_size):
                batch = self.tokenizer(
                    prepared[start : start + batch_size],
                    truncation=True,
                    padding=True,
                    max_length=self.config.max_length,
                    return_tensors="pt",
                ).to(device)
                logits = self.model(**batch).logits.float()
                out.append((logits[:, 1] - logits[:, 0]).cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0)

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        a, b = self.config.platt
        return 1.0 / (1.0 + np.exp(-(a * scores + b)))

    def hoax_probability(self, texts: Sequence[str], **_: object) -> np.ndarray:
        return self._calibrate(self._scores(texts)) if len(texts) else np.zeros(0)

    def predict_proba(self, texts: Sequence[str], **kwargs: object) -> np.ndarray:
        p = self.hoax_probability(texts, **kwargs)
        return np.column_stack([1.0 - p, p])

    def predict(self, texts: Sequence[str], **kwargs: object) -> np.ndarray:
        return (self.hoax_probability(texts, **kwargs) >= self.threshold).astype(int)

    def save_pretrained(self, path: str | Path) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path / MODEL_DIR)
        self.tokenizer.save_pretrained(path / MODEL_DIR)
        (path / "config.json").write_text(json.dumps(self.config.to_dict(), indent=2))
        self.card.save(path)
        return path

    @classmethod
    def from_pretrained(cls, path: str | Path) -> FineTunedClassifier:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = Path(path)
        raw = json.loads((path / "config.json").read_text())
        config = FinetuneConfig(**{k: v for k, v in raw.items() if k in FinetuneConfig.__dataclass_fields__})
        model = AutoModelForSequenceClassification.from_pretrained(path / MODEL_DIR).to(_device_name())
        tokenizer = AutoTokenizer.from_pretrained(path / MODEL_DIR)
        card = ModelCard.load(path) if (path / "card.json").exists() else None
        return cls(model, tokenizer, config, card)


def _calibration_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified hold-out for calibration; empty when too small to hold both classes."""
    rng = np.random.default_rng(seed)
    held: list[int] = []
    for cls in (0, 1):
        idx = np.flatnonzero(labels == cls)
        take = int(round(len(idx) * fraction))
        if take < 2 or len(idx) - take < 2:
            return np.arange(len(labels)), np.zeros(0, dtype=int)
        held.extend(rng.choice(idx, size=take, replace=False).tolist())
    mask = np.zeros(len(labels), dtype=bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def finetune_classifier(
    texts: Sequence[str], labels: Sequence[int], options: FinetuneOptions
) -> FineTunedClassifier:
    """Fine-tune with transformers' Trainer (class-weighted loss), then calibrate on a held-out slice."""
    import datasets
    import torch
    from sklearn.linear_model import LogisticRegression
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(options.seed)
    y = np.asarray(labels, dtype=int)
    with tempfile.TemporaryDirectory(prefix="saring-finetune-") as tmp:
        workdir = Path(tmp)
        base, base_name, prefix = resolve_base_folder(options.base, workdir)
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=2, id2label={0: "not_hoax", 1: "hoax"}, label2id={"not_hoax": 0, "hoax": 1}
        )
        config = FinetuneConfig(encoder=base_name, max_length=options.max_length, query_prefix=prefix)
        train_idx, cal_idx = _calibration_split(y, options.calibration_fraction, options.seed)
        prepared = [prefix + prepare_text(t, config.max_chars) for t in texts]
        train_ds = datasets.Dataset.from_dict(
            {"text": [prepared[i] for i in train_idx], "label": y[train_idx].tolist()}
        )
        train_ds = train_ds.map(
            lambda b: tokenizer(b["text"], truncation=True, max_length=options.max_length),
            batched=True,
            remove_columns=["text"],
        )
        counts = np.bincount(y[train_idx], minlength=2).astype(float)
        weights = torch.tensor(counts.sum() / (2 * np.maximum(counts, 1)), dtype=torch.float32)

        def weighted_loss(outputs, labels, num_items_in_batch=None):  # noqa: ANN001, ARG001
            logits = outputs["logits"] if isinstance(outputs, dict) else outputs.logits
            return torch.nn.functional.cross_entropy(logits.float(), labels, weight=weights.to(logits.device))

        args = TrainingArguments(
            output_dir=str(workdir / "trainer"),
            per_device_train_batch_size=options.batch_size,
            num_train_epochs=options.epochs,
            max_steps=options.max_steps,
            learning_rate=options.learning_rate,
            warmup_steps=0,
            seed=options.seed,
            data_seed=options.seed,
            save_strategy="no",
            eval_strategy="no",
            logging_strategy="steps",
            logging_steps=50,
            report_to="none",
            disable_tqdm=True,
            use_cpu=_device_name() == "cpu",
            dataloader_num_workers=0,
        )
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=train_ds,
            processing_class=tokenizer,
            data_collator=DataCollatorWithPadding(tokenizer),
            compute_loss_func=weighted_loss,
        )
        trainer.train()
        classifier = FineTunedClassifier(trainer.model, tokenizer, config)
        if len(cal_idx):
            scores = classifier._scores([texts[i] for i in cal_idx])
            platt = LogisticRegression(C=1e6, max_iter=1000).fit(scores.reshape(-1, 1), y[cal_idx])
            config.platt = [float(platt.coef_[0, 0]), float(platt.intercept_[0])]
            probs = classifier._calibrate(scores)
            config.threshold = best_threshold(y[cal_idx], probs)
            classifier.card.metrics = {
                "calibration_holdout": {"model": classification_metrics(y[cal_idx], probs, config.threshold)}
            }
        else:
            log.warning("too few examples to hold out for calibration: probabilities are the raw softmax")
    return classifier
