"""Cross-encoder match verifier vs the feature-model judge, on time-disjoint candidate pairs.

Fine-tunes multilingual-e5-small (the offline converted folder) as a one-logit cross-encoder on ``fit``
(binary cross-entropy), Platt-calibrates it on ``held`` and evaluates on ``test``. The feature model's
probability (``p_feature_model``, fitted on ``fit``) and a logistic combination of both (fitted on ``held``)
are scored the same way: AUC, ECE, reranking R@1/R@5/MRR over each query's retriever top 5, the auto-link
operating point (lowest held threshold with precision >= 0.98 over >= 20 pairs) and inference cost.

    python -m eval.judge_crossencoder --pairs DIR [--epochs 1 --max-pairs 2400 --max-length 128]

DIR is written by `python -m eval.judge --dump-pairs DIR`.

CPU only. Writes eval/results/judge_crossencoder.json and the model folder (outside the repo).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

from models.classifier.metrics import expected_calibration_error
from models.judge.train import auc, lowest_threshold_for_precision

log = logging.getLogger("eval.judge_crossencoder")

ENCODER_DIR = Path("/root/.saring/models/multilingual-e5-small")
OUTPUT_DIR = Path("/root/.saring/models/judge-crossencoder")
RESULTS = Path(__file__).resolve().parent / "results" / "judge_crossencoder.json"
AUTO_PRECISION = 0.98
AUTO_MIN_PAIRS = 20
ENCODER_MS_PER_POST = 30.0
EPS = 1e-6


def read_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def subsample(rows: list[dict], max_pairs: int, seed: int) -> list[dict]:
    """Positives (at most half of ``max_pairs``), then hard negatives (retriever top 5) to ``max_pairs``."""
    pos = [r for r in rows if r["label"] == 1]
    neg = [r for r in rows if r["label"] != 1]
    rng = random.Random(seed)
    rng.shuffle(pos)
    rng.shuffle(neg)
    pos = pos[: max(max_pairs // 2, max_pairs - len(neg))]
    keep = pos + neg[: max(0, max_pairs - len(pos))]
    rng.shuffle(keep)
    return keep


def sample_groups(rows: list[dict], max_groups: int, seed: int) -> list[dict]:
    """Whole queries (all their candidates) for at most ``max_groups`` queries, chosen at random; 0 = all."""
    groups = sorted({r["group"] for r in rows})
    if not max_groups or max_groups >= len(groups):
        return rows
    keep = set(random.Random(seed).sample(groups, max_groups))
    return [r for r in rows if r["group"] in keep]


def texts(rows: list[dict]) -> tuple[list[str], list[str]]:
    return [f"query: {r['query']}" for r in rows], [f"passage: {r['fact_check']}" for r in rows]


def train(model, tokenizer, rows: list[dict], *, epochs: int, batch: int, max_length: int, lr: float) -> dict:
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = epochs * ((len(rows) + batch - 1) // batch)
    sched = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    seen, start, step = 0, time.perf_counter(), 0
    for epoch in range(epochs):
        order = list(rows)
        random.Random(epoch).shuffle(order)
        for i in range(0, len(order), batch):
            chunk = order[i : i + batch]
            a, b = texts(chunk)
            enc = tokenizer(a, b, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
            y = torch.tensor([float(r["label"]) for r in chunk])
            loss = loss_fn(model(**enc).logits.squeeze(-1), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            seen += len(chunk)
            step += 1
            if step % 10 == 0:
                log.info(
                    "epoch %d step %d/%d loss %.4f (%.1f pairs/s)",
                    epoch,
                    step,
                    steps,
                    loss.item(),
                    seen / (time.perf_counter() - start),
                )
    elapsed = time.perf_counter() - start
    return {"pairs": seen, "seconds": round(elapsed, 1), "pairs_per_s": round(seen / elapsed, 2)}


@torch.inference_mode()
def score(model, tokenizer, rows: list[dict], *, batch: int, max_length: int) -> tuple[np.ndarray, dict]:
    model.eval()
    out: list[np.ndarray] = []
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        a, b = texts(rows[i : i + batch])
        enc = tokenizer(a, b, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        out.append(model(**enc).logits.squeeze(-1).float().numpy())
    elapsed = time.perf_counter() - start
    ms = round(1000 * elapsed / len(rows), 2)
    timing = {"pairs": len(rows), "seconds": round(elapsed, 1), "ms_per_pair": ms}
    return np.concatenate(out), timing


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def platt(x_held: np.ndarray, y_held: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=1e4, max_iter=1000).fit(x_held, y_held)


def ranking(rows: list[dict], scores: np.ndarray) -> dict:
    """R@1, R@5, MRR over queries with a positive among their candidates, candidates ordered by ``scores``."""
    groups: dict[object, list[tuple[float, int, int]]] = defaultdict(list)
    for r, s in zip(rows, scores, strict=True):
        groups[r["group"]].append((-float(s), r["retriever_rank"], r["label"]))
    r1 = r5 = rr = 0.0
    n = 0
    for cands in groups.values():
        if not any(lab == 1 for *_, lab in cands):
            continue
        n += 1
        pos = next(i for i, (*_, lab) in enumerate(sorted(cands)) if lab == 1)
        r1 += pos < 1
        r5 += pos < 5
        rr += 1 / (pos + 1)
    return {"queries": n, "R@1": round(r1 / n, 4), "R@5": round(r5 / n, 4), "MRR": round(rr / n, 4)}


def auto_link(held_rows, held_p, test_rows, test_p) -> dict:
    """Lowest held threshold with precision >= 0.98 over >= 20 pairs, applied to test."""
    y_held = np.array([r["label"] for r in held_rows])
    t = lowest_threshold_for_precision(held_p, y_held, AUTO_PRECISION, min_n=AUTO_MIN_PAIRS)
    if t is None:
        return {"threshold": None}
    held_sel = held_p >= t
    y_test = np.array([r["label"] for r in test_rows])
    sel = test_p >= t
    linked: dict[object, bool] = {}
    has_pos: dict[object, bool] = {}
    for r, chosen in zip(test_rows, sel, strict=True):
        g = r["group"]
        linked[g] = linked.get(g, False) or bool(chosen and r["label"] == 1)
        has_pos[g] = has_pos.get(g, False) or r["label"] == 1
    with_pos = [g for g in has_pos if has_pos[g]]
    return {
        "threshold": round(float(t), 5),
        "held_pairs_above": int(held_sel.sum()),
        "held_precision": round(float(y_held[held_sel].mean()), 4),
        "test_pairs_above": int(sel.sum()),
        "test_precision": round(float(y_test[sel].mean()), 4) if sel.any() else None,
        "test_queries_linked_share": round(sum(linked.values()) / len(linked), 4),
        "test_queries_linked_share_of_answerable": round(sum(linked[g] for g in with_pos) / len(with_pos), 4),
    }


def report(name: str, held_rows, held_p, test_rows, test_p) -> dict:
    y_test = [r["label"] for r in test_rows]
    return {
        "model": name,
        "test_auc": auc(test_p, y_test),
        "test_ece": round(expected_calibration_error(y_test, test_p), 4),
        "held_auc": auc(held_p, [r["label"] for r in held_rows]),
        "test_ranking": ranking(test_rows, test_p),
        "auto_link": auto_link(held_rows, held_p, test_rows, test_p),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=Path, required=True, help="folder with fit/held/test.jsonl")
    ap.add_argument("--encoder", type=Path, default=ENCODER_DIR)
    ap.add_argument("--output", type=Path, default=OUTPUT_DIR)
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-pairs", type=int, default=2400)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--infer-batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--max-groups", type=int, default=0, help="score this many random held and test queries (0: all)"
    )
    ap.add_argument(
        "--train-embeddings",
        action="store_true",
        help="also train the 96M-parameter word-embedding matrix (several times slower on CPU)",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    wall = time.perf_counter()

    fit, held, test = (read_pairs(args.pairs / f"{s}.jsonl") for s in ("fit", "held", "test"))
    full = {"held": held, "test": test}
    held = sample_groups(held, args.max_groups, args.seed)
    test = sample_groups(test, args.max_groups, args.seed + 1)
    train_rows = subsample(fit, args.max_pairs, args.seed)
    log.info(
        "fit %d pairs -> %d for training (%d positive); held %d; test %d",
        len(fit),
        len(train_rows),
        sum(r["label"] for r in train_rows),
        len(held),
        len(test),
    )

    tokenizer = AutoTokenizer.from_pretrained(args.encoder, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.encoder, num_labels=1, local_files_only=True
    )
    if not args.train_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    train_info = train(
        model,
        tokenizer,
        train_rows,
        epochs=args.epochs,
        batch=args.batch,
        max_length=args.max_length,
        lr=args.lr,
    )
    log.info("trained: %s", train_info)
    args.output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.output)
    tokenizer.save_pretrained(args.output)

    infer = {"batch": args.infer_batch, "max_length": args.max_length}
    held_logit, held_timing = score(model, tokenizer, held, **infer)
    test_logit, test_timing = score(model, tokenizer, test, **infer)
    y_held = np.array([r["label"] for r in held])
    retriever = np.array([r["retriever_rank"] for r in test], dtype=float)

    ce_cal = platt(held_logit[:, None], y_held)
    ce_held = ce_cal.predict_proba(held_logit[:, None])[:, 1]
    ce_test = ce_cal.predict_proba(test_logit[:, None])[:, 1]
    feat_held = np.array([r["p_feature_model"] for r in held])
    feat_test = np.array([r["p_feature_model"] for r in test])
    x_held = np.column_stack([logit(feat_held), held_logit])
    x_test = np.column_stack([logit(feat_test), test_logit])
    combo = platt(x_held, y_held)
    combo_held = combo.predict_proba(x_held)[:, 1]
    combo_test = combo.predict_proba(x_test)[:, 1]

    ms = (held_timing["seconds"] + test_timing["seconds"]) * 1000 / (len(held) + len(test))
    results = {
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "counts": {
            "fit": len(fit),
            "train": len(train_rows),
            "held": len(held),
            "test": len(test),
            "held_full": len(full["held"]),
            "test_full": len(full["test"]),
        },
        "training": train_info,
        "inference": {
            "held": held_timing,
            "test": test_timing,
            "ms_per_pair": round(ms, 2),
            "ms_per_post_top3": round(ENCODER_MS_PER_POST + 3 * ms, 1),
            "ms_per_post_top10": round(ENCODER_MS_PER_POST + 10 * ms, 1),
            "encoder_ms_per_post_assumed": ENCODER_MS_PER_POST,
        },
        "calibration": {
            "ce_platt": [round(float(ce_cal.coef_[0][0]), 4), round(float(ce_cal.intercept_[0]), 4)],
            "combo_weights_logit_feature_ce_logit": [round(float(c), 4) for c in combo.coef_[0]],
            "combo_intercept": round(float(combo.intercept_[0]), 4),
        },
        "retriever_order": {"test_ranking": ranking(test, -retriever)},
        "feature_model": report("feature_model", held, feat_held, test, feat_test),
        "feature_model_full_sets": report(
            "feature_model",
            full["held"],
            np.array([r["p_feature_model"] for r in full["held"]]),
            full["test"],
            np.array([r["p_feature_model"] for r in full["test"]]),
        ),
        "cross_encoder": report("cross_encoder", held, ce_held, test, ce_test),
        "combination": report("combination", held, combo_held, test, combo_test),
    }
    results["wall_seconds"] = round(time.perf_counter() - wall, 1)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print(results)
    return 0


def _print(results: dict) -> None:
    print(f"training: {results['training']}")
    print(f"inference: {results['inference']}")
    rr = results["retriever_order"]["test_ranking"]
    print(
        f"{'retriever order':16s} R@1 {rr['R@1']:.4f} R@5 {rr['R@5']:.4f} MRR {rr['MRR']:.4f} "
        f"(n={rr['queries']})"
    )
    for key in ("feature_model", "cross_encoder", "combination", "feature_model_full_sets"):
        r = results[key]
        rk, al = r["test_ranking"], r["auto_link"]
        print(
            f"{key:16s} AUC {r['test_auc']} ECE {r['test_ece']:.4f} R@1 {rk['R@1']:.4f} "
            f"R@5 {rk['R@5']:.4f} "
            f"MRR {rk['MRR']:.4f} | auto t={al.get('threshold')} held n={al.get('held_pairs_above')} "
            f"test P={al.get('test_precision')} n={al.get('test_pairs_above')} "
            f"linked={al.get('test_queries_linked_share')} "
            f"(of answerable {al.get('test_queries_linked_share_of_answerable')})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
