"""Hoax-classifier benchmark on time- and source-disjoint splits, beside TF-IDF + logistic regression.

    python -m eval.classification [--models tfidf,e5,e5+signals,e5+kb,e5-mlp,use] [--encoder NAME]

Prints macro-F1, per-class precision/recall, PR-AUC (both classes), Brier and ECE per split and model, and
writes eval/results/classification.json. Needs ../shared/data (skips with a message when it is absent).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from models.classifier.baseline import TfidfBaseline
from models.classifier.head import HeadParams
from models.classifier.metrics import classification_metrics
from models.classifier.model import ClassifierConfig, HoaxClassifier
from models.classifier.splits import FIXED_SPLIT_ID, fixed_validation_mask
from models.training_data import read_labelled_file
from saring.config import get_settings

log = logging.getLogger("eval.classification")
RESULTS = Path(__file__).resolve().parent / "results" / "classification.json"
POOL = Path("derived") / "train_hoax_valid_pool.csv"
KB = Path("derived") / "kb_factchecks_unified.csv"
NEWS_SOURCES = {"zainoor_news_valid", "zainoor_tbh_claim"}
NO_NEWS = "@nonews"
NOTES = [
    "Genre shortcut: zainoor_news_valid (mainstream news, label 0) and zainoor_tbh_claim (fact-check claims, "
    "label 1) each hold one label; any split where they carry a class rewards 'news-like = true'.",
    "within_* splits keep both classes inside one source (UMPO tweets, BDC2020): style cannot separate them.",
    "Models pick their threshold on out-of-fold training predictions; TF-IDF uses 0.5 (class-weighted).",
    "kb_score = best TF-IDF cosine between the post and knowledge-base items published strictly before the "
    "post (title + claim); a proxy for the matcher's score, measured only where the post has a date.",
]


@dataclass(slots=True)
class Split:
    name: str
    description: str
    train: np.ndarray
    val: np.ndarray


def load_pool(data_dir: Path) -> list[dict]:
    examples, _ = read_labelled_file(data_dir / POOL)
    return examples


def make_splits(examples: list[dict]) -> list[Split]:
    """The disjoint splits (time, source, both, within one source) and the fixed promotion split."""
    source = np.array([e["source"] for e in examples])
    year = np.array([int(e["date"][:4]) if e["date"] else 0 for e in examples])
    dated = year > 0
    news = np.isin(source, list(NEWS_SOURCES))
    bdc, umpo = source == "bdc2020_mafindo", source == "umpo_tweets"
    fixed = fixed_validation_mask([e["key"] for e in examples])
    raw = [
        (
            "time_2019|2020+",
            "train on posts dated <= 2019, validate on 2020 and later (all sources)",
            dated & (year <= 2019),
            dated & (year >= 2020),
        ),
        (
            "time_2019|2020+_no_news",
            "as above, validation without the news/claim sources (posts only)",
            dated & (year <= 2019),
            dated & (year >= 2020) & ~news,
        ),
        (
            "time+source_bdc|umpo2020+",
            "train BDC2020 <= 2019, validate UMPO tweets 2020+ (other source, later)",
            bdc & (year <= 2019),
            umpo & (year >= 2020),
        ),
        (
            "time+source_old|zainoor",
            "train BDC + UMPO <= 2019, validate zainoor 2024-25 (news vs claims)",
            (bdc | umpo) & dated & (year <= 2019),
            news,
        ),
        ("loso_bdc2020", "leave BDC2020 out", ~bdc, bdc),
        ("loso_umpo", "leave the UMPO tweets out", ~umpo, umpo),
        ("loso_zainoor", "leave zainoor (news + claims) out", ~news, news),
        (
            "within_umpo_time",
            "UMPO tweets only: <= 2019 -> 2020+",
            umpo & dated & (year <= 2019),
            umpo & (year >= 2020),
        ),
        ("within_bdc_time", "BDC2020 only: <= 2018 -> 2019+", bdc & (year <= 2018), bdc & (year >= 2019)),
        (
            "fixed_validation",
            f"the promotion split {FIXED_SPLIT_ID} (in-distribution, not disjoint)",
            ~fixed,
            fixed,
        ),
    ]
    return [Split(n, d, np.flatnonzero(t), np.flatnonzero(v)) for n, d, t, v in raw]


def kb_scores(examples: list[dict], data_dir: Path) -> np.ndarray:
    """Best TF-IDF cosine to a KB item published before the post (NaN where the post has no date)."""
    import csv

    from sklearn.feature_extraction.text import TfidfVectorizer

    csv.field_size_limit(2**31 - 1)
    with (data_dir / KB).open(encoding="utf-8", newline="") as handle:
        kb = [r for r in csv.DictReader(handle) if r.get("published_date")]
    kb_text = [f"{r.get('title', '')} {r.get('claim_text', '')}" for r in kb]
    kb_date = np.array([r["published_date"][:10] for r in kb])
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=300_000)
    K = vec.fit_transform(kb_text)  # noqa: N806
    P = vec.transform([e["text"] for e in examples])  # noqa: N806
    order = np.argsort(kb_date)
    K, kb_date = K[order], kb_date[order]  # noqa: N806
    out = np.full(len(examples), np.nan)
    for start in range(0, len(examples), 500):
        sims = (P[start : start + 500] @ K.T).toarray()
        for i, row in enumerate(sims):
            when = examples[start + i]["date"]
            if when:
                upto = np.searchsorted(kb_date, when, side="left")
                out[start + i] = row[:upto].max() if upto else 0.0
    return out


def model_factories(names: list[str], encoder_name: str) -> dict[str, Callable]:
    """name -> fit(train_examples, kb) returning a function val_examples, kb -> probabilities, threshold."""
    from eval.embed_cache import CachedEncoder
    from models.classifier.model import get_encoder

    settings = get_settings()
    cache_root = settings.home / "cache" / "embeddings"

    @functools.cache
    def cached(name: str) -> CachedEncoder:
        return CachedEncoder(get_encoder(name), cache_root)

    @functools.cache
    def judged_kb():
        from eval.classification_judged import JudgedKB

        return JudgedKB(settings.data_dir, encoder_name, cache_root)

    def tfidf_model(tr):
        return TfidfBaseline().fit([e["text"] for e in tr], [e["label"] for e in tr])

    def tfidf(tr, _kb_tr):
        model = tfidf_model(tr)
        return lambda va, _kb_va: (model.hoax_probability([e["text"] for e in va]), 0.5)

    def fit_embedding(tr, kb_tr, encoder: str, head: str, features: tuple[str, ...]) -> HoaxClassifier:
        config = ClassifierConfig(head=HeadParams(head=head), features=list(features))
        return HoaxClassifier.fit(
            [e["text"] for e in tr],
            [e["label"] for e in tr],
            encoder=cached(encoder),
            config=config,
            kb_scores=kb_tr if "kb_score" in features else None,
        )

    def embedding(encoder: str, head: str = "logreg", features: tuple[str, ...] = ()):
        def fit(tr, kb_tr):
            model = fit_embedding(tr, kb_tr, encoder, head, features)
            return lambda va, kb_va: (
                model.hoax_probability(
                    [e["text"] for e in va], kb_scores=kb_va if "kb_score" in features else None
                ),
                model.threshold,
            )

        return fit

    def judge_alone(_tr, _kb_tr):
        return lambda va, _kb_va: (judged_kb().probabilities(va, None), 0.5)

    def tfidf_judged(tr, _kb_tr):
        from eval.classification_judged import TextModel

        model = tfidf_model(tr)
        text = TextModel(model.hoax_probability, 0.5)
        return lambda va, _kb_va: (judged_kb().probabilities(va, text), 0.5)

    def embedding_judged(tr, kb_tr):
        model = fit_embedding(tr, kb_tr, encoder_name, "logreg", ())
        return lambda va, _kb_va: (judged_kb().probabilities(va, model), model.threshold)

    short = encoder_name.split("/")[-1]
    table = {
        "tfidf": tfidf,
        "e5": embedding(encoder_name),
        "e5+signals": embedding(encoder_name, features=("signals",)),
        "e5+kb": embedding(encoder_name, features=("kb_score",)),
        "e5+signals+kb": embedding(encoder_name, features=("signals", "kb_score")),
        "e5+lexical": embedding(encoder_name, features=("lexical",)),
        "e5+lexical+signals": embedding(encoder_name, features=("signals", "lexical")),
        "e5-mlp": embedding(encoder_name, head="mlp"),
        "use": embedding("use-multilingual"),
        # the product's one judgement (eval.classification_judged): the judged KB match alone and combined
        "judge": judge_alone,
        "tfidf+judge": tfidf_judged,
        "e5+judge": embedding_judged,
    }
    unknown = [n for n in names if n.removesuffix(NO_NEWS) not in table]
    if unknown:
        raise SystemExit(
            f"unknown model(s) {unknown}; choose from {sorted(table)} (suffix {NO_NEWS}: "
            "trained without the mainstream-news negatives)"
        )
    return {
        (n.replace("e5", short) if not n.startswith("tfidf") else n.replace("tfidf", "tfidf_logreg")): table[
            n.removesuffix(NO_NEWS)
        ]
        for n in names
    }


def run(names: list[str], encoder_name: str, splits_wanted: list[str] | None) -> dict:
    data_dir = get_settings().data_dir
    if data_dir is None or not (data_dir / POOL).exists():
        print("skipped: the shared data (../shared/data) is not here; set SARING_DATA_DIR")
        return {}
    examples = load_pool(data_dir)
    splits = [s for s in make_splits(examples) if not splits_wanted or s.name in splits_wanted]
    need_kb = any("kb" in n for n in names)
    kb = kb_scores(examples, data_dir) if need_kb else np.full(len(examples), np.nan)
    factories = model_factories(names, encoder_name)
    report: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "encoder": encoder_name,
        "data": {"path": str(data_dir / POOL), "examples": len(examples)},
        "notes": NOTES,
        "splits": {},
    }
    for split in splits:
        tr_idx, va_idx = split.train, split.val
        if need_kb:  # posts without a date have no honest KB score: leave them out of every model
            tr_idx, va_idx = tr_idx[~np.isnan(kb[tr_idx])], va_idx[~np.isnan(kb[va_idx])]
        tr, va = [examples[i] for i in tr_idx], [examples[i] for i in va_idx]
        y_va = [e["label"] for e in va]
        entry = {
            "description": split.description,
            "n_train": len(tr),
            "n_val": len(va),
            "val_hoax_rate": float(np.mean(y_va)) if y_va else None,
            "train_sources": _count(e["source"] for e in tr),
            "val_sources": _count(e["source"] for e in va),
            "models": {},
        }
        if len(set(y_va)) < 2 or len({e["label"] for e in tr}) < 2:
            entry["skipped"] = "one class only"
            report["splits"][split.name] = entry
            continue
        for name, factory in factories.items():
            start = time.perf_counter()
            keep = [
                i
                for i, e in enumerate(tr)
                if not name.endswith(NO_NEWS) or e["source"] != "zainoor_news_valid"
            ]
            if len({tr[i]["label"] for i in keep}) < 2:
                continue
            predict = factory([tr[i] for i in keep], kb[tr_idx][keep])
            probs, threshold = predict(va, kb[va_idx])
            metrics = classification_metrics(y_va, probs, threshold)
            metrics["seconds"] = round(time.perf_counter() - start, 1)
            entry["models"][name] = metrics
            print(
                f"{split.name:28s} {name:22s} macro-F1 {metrics['macro_f1']:.3f}  PR-AUC hoax/not "
                f"{metrics['pr_auc_hoax']:.3f}/{metrics['pr_auc_not_hoax']:.3f}  "
                f"Brier {metrics['brier']:.3f}  "
                f"ECE {metrics['ece']:.3f}  (n={len(va)}, thr {threshold:.2f})",
                flush=True,
            )
        report["splits"][split.name] = entry
    report["summary"] = summarise(report)
    return report


def _count(values) -> dict:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def summarise(report: dict) -> dict:
    """Mean macro-F1 per model over the disjoint splits (everything except fixed_validation)."""
    per_model: dict[str, list[float]] = {}
    for name, entry in report["splits"].items():
        if name == "fixed_validation":
            continue
        for model, m in entry.get("models", {}).items():
            per_model.setdefault(model, []).append(m["macro_f1"])
    return {m: {"mean_macro_f1_disjoint": float(np.mean(v)), "splits": len(v)} for m, v in per_model.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="tfidf,e5,e5+signals,e5-mlp")
    parser.add_argument("--encoder", default=None, help="default: settings.encoder_model")
    parser.add_argument("--splits", default="", help="comma-separated subset of split names")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    encoder = args.encoder or get_settings().encoder_model
    report = run(
        [m.strip() for m in args.models.split(",") if m.strip()],
        encoder,
        [s.strip() for s in args.splits.split(",") if s.strip()] or None,
    )
    if not report:
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    for model, s in report["summary"].items():
        print(
            f"mean macro-F1 over {s['splits']} disjoint splits: {model:22s} {s['mean_macro_f1_disjoint']:.3f}"
        )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
