"""Encoder variants side by side: torch fp32, ONNX fp32 and ONNX int8 on the same real short texts.

    python -m eval.encoder_backends [--texts 2000] [--slices 4] [--budgets 512,1024,2048,4096]
                                    [--threads 1,2] [--retrieval-limit 0]

One run, one process: the texts (real tweets from the shared training pool, distinct, seeded sample) are cut
into slices and each slice is encoded by every variant in turn, so a busy machine slows all variants alike;
texts/s is the total over the same texts, the ratio is against torch fp32. Cosine of each variant's vectors to
torch fp32's (mean, min). The vector cache is off (every text is really encoded). Optional sweeps on the
int8 variant: the token budget per batch and the number of threads. ``--retrieval-limit N`` also runs the
retrieval benchmark (eval/retrieval.py, N queries and a KB of their fact checks plus 10N others; 0: the full
KB) for each variant and reports the later period's fused R@1/R@5/MRR. The load average is recorded at each
step: on a shared machine only the ratios of one run are comparable.
Writes eval/results/encoder_backends.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "encoder_backends.json"
VARIANTS = ("torch", "onnx", "onnx-int8")
log = logging.getLogger("eval.encoder_backends")


def real_short_texts(data_dir: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` distinct tweets (source umpo_tweets) of the shared training pool, a seeded sample."""
    path = Path(data_dir) / "derived" / "train_hoax_valid_pool.csv"
    with path.open(encoding="utf-8") as handle:
        texts = sorted({r["text"].strip() for r in csv.DictReader(handle) if r["source"] == "umpo_tweets"})
    texts = [t for t in texts if t]
    return random.Random(seed).sample(texts, min(n, len(texts)))


def _load(name: str, variant: str):
    from models.encoder import load_encoder

    encoder = load_encoder(name, backend=variant)
    encoder.cache = None  # measure the model, not the cache
    return encoder


def throughput(encoders: dict, texts: list[str], slices: int) -> dict:
    """Each slice through every variant in turn; totals per variant over the same texts; cosines."""
    for enc in encoders.values():
        enc.encode(texts[:16], use_cache=False)  # warm-up
    seconds = dict.fromkeys(encoders, 0.0)
    vectors = {name: [] for name in encoders}
    loads = []
    size = -(-len(texts) // slices)
    for i, start in enumerate(range(0, len(texts), size)):
        part = texts[start : start + size]
        names = list(encoders)
        names = names[i % len(names) :] + names[: i % len(names)]  # rotate who goes first
        for name in names:
            started = time.perf_counter()
            vectors[name].append(encoders[name].encode(part, kind="query", use_cache=False))
            seconds[name] += time.perf_counter() - started
        loads.append(round(os.getloadavg()[0], 2))
    reference = np.concatenate(vectors["torch"])
    out = {}
    for name in encoders:
        mine = np.concatenate(vectors[name])
        cos = np.sum(mine * reference, axis=1)
        out[name] = {
            "seconds": round(seconds[name], 2),
            "texts_per_s": round(len(texts) / seconds[name], 2),
            "ratio_to_torch": round(seconds["torch"] / seconds[name], 3),
            "cosine_to_torch_mean": round(float(cos.mean()), 5),
            "cosine_to_torch_min": round(float(cos.min()), 5),
        }
    return {"variants": out, "load_average_per_slice": loads}


def sweep(encoder, texts: list[str], attribute: str, values: list[int]) -> dict:
    """texts/s of one ONNX encoder for each value of a body attribute (token_budget), two rounds each."""
    body = encoder.body
    original = getattr(body, attribute)
    seconds = {v: [] for v in values}
    try:
        for _ in range(2):
            for value in values:
                setattr(body, attribute, value)
                started = time.perf_counter()
                encoder.encode(texts, use_cache=False)
                seconds[value].append(time.perf_counter() - started)
    finally:
        setattr(body, attribute, original)
    out: dict = {str(v): {"texts_per_s_best": round(len(texts) / min(s), 2)} for v, s in seconds.items()}
    out["load_average_1m"] = round(os.getloadavg()[0], 2)
    return out


def thread_sweep(name: str, texts: list[str], values: list[int]) -> dict:
    from models.encoder.onnx_backend import OnnxBody

    base = _load(name, "onnx-int8")
    out = {}
    # N single-threaded runs side by side (the product's layout) against one run over N intra-op threads
    bodies = {f"{v}": OnnxBody(base.body.folder, "onnx-int8", threads=v) for v in values}
    bodies.update(
        {
            f"{v}-intra-op": OnnxBody(base.body.folder, "onnx-int8", threads=v, side_by_side=False)
            for v in values
            if v > 1
        }
    )
    for body in bodies.values():
        body.max_seq_length = base.max_seq_length
        body.embed(texts[:8], 8)
    seconds: dict[str, list[float]] = {v: [] for v in bodies}
    items = [base.prefix("query") + t for t in texts]
    for _ in range(2):
        for v, body in bodies.items():
            started = time.perf_counter()
            body.embed(items, 64)
            seconds[v].append(time.perf_counter() - started)
    for v in bodies:
        out[v] = {"texts_per_s_best": round(len(texts) / min(seconds[v]), 2)}
    out["load_average_1m"] = round(os.getloadavg()[0], 2)
    return out


def retrieval(name: str, limit: int, out_dir: Path) -> dict:
    """Later-period fused (and dense) R@1/R@5/MRR of eval.retrieval for each variant."""
    from eval import retrieval as bench

    rows = {}
    for variant in VARIANTS:
        output = out_dir / f"retrieval-{variant}{'-limit' + str(limit) if limit else ''}.json"
        argv = ["--encoder", name, "--backend", variant, "--output", str(output)]
        if limit:
            argv += ["--limit", str(limit)]
        started = time.perf_counter()
        bench.main(argv)
        data = json.loads(output.read_text(encoding="utf-8"))
        enc = data["encoders"][name]
        rows[variant] = {
            "seconds": round(time.perf_counter() - started, 1),
            "queries_later": data["periods"]["later"],
            "kb_items": data["kb_items"],
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
        for method in ("fused", "dense"):
            m = enc["methods"][method]["later"]["strict"]
            rows[variant][method] = {k: m[k] for k in ("R@1", "R@5", "MRR")}
    base = rows["torch"]["fused"]
    for variant in VARIANTS:
        mine = rows[variant]["fused"]
        rows[variant]["fused_delta_to_torch"] = {k: round(mine[k] - base[k], 4) for k in mine}
    return rows


def main(argv: list[str] | None = None) -> int:
    from saring.config import get_settings, quiet_offline_environment
    from saring.logs import configure_logging

    quiet_offline_environment()
    configure_logging("INFO")
    parser = argparse.ArgumentParser(
        prog="python -m eval.encoder_backends", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--encoder", default=None, help="model name or folder (default: settings)")
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--budgets", default="", help="int8 token budgets to sweep, e.g. 512,1024,2048,4096")
    parser.add_argument("--threads", default="", help="int8 thread counts to sweep, e.g. 1,2")
    parser.add_argument("--retrieval-limit", type=int, default=-1, help="-1: skip; 0: full KB; N: smoke")
    parser.add_argument("--no-throughput", action="store_true", help="only the retrieval part")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    settings = get_settings()
    if settings.data_dir is None or not (Path(settings.data_dir) / "derived").is_dir():
        print("eval.encoder_backends: skipped, no shared data (set SARING_DATA_DIR)")
        return 0
    name = args.encoder or settings.encoder_model
    texts = real_short_texts(Path(settings.data_dir), args.texts)
    result: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "encoder": name,
        "texts": len(texts),
        "texts_source": "derived/train_hoax_valid_pool.csv, source umpo_tweets (real tweets), distinct",
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_start": os.getloadavg(),
    }
    if not args.no_throughput:
        started = time.perf_counter()
        encoders = {v: _load(name, v) for v in VARIANTS}
        result["load_seconds"] = round(time.perf_counter() - started, 1)
        result["onnx_export"] = {
            k: v
            for k, v in encoders["onnx-int8"].body.manifest.items()
            if k
            in (
                "created_at",
                "exporter",
                "optimiser",
                "quantisation",
                "versions",
                "export_seconds",
                "measured",
            )
        }
        from models.encoder.variants import auto_choice

        result["auto_choice"] = auto_choice(encoders["onnx-int8"].body.manifest["measured"])["variant"]
        result["throughput"] = throughput(encoders, texts, args.slices)
        for name_, row in result["throughput"]["variants"].items():
            print(
                f"{name_:<10} {row['texts_per_s']:>8.1f} texts/s  x{row['ratio_to_torch']:.2f}  "
                f"cos mean {row['cosine_to_torch_mean']:.4f} min {row['cosine_to_torch_min']:.4f}"
            )
        subset = texts[:500]
        if args.budgets:
            result["int8_token_budget"] = sweep(
                encoders["onnx-int8"], subset, "token_budget", [int(v) for v in args.budgets.split(",")]
            )
            print("int8 token budget sweep", json.dumps(result["int8_token_budget"]))
        if args.threads:
            result["int8_threads"] = thread_sweep(name, subset, [int(v) for v in args.threads.split(",")])
            print("int8 thread sweep", json.dumps(result["int8_threads"]))
        del encoders
    if args.retrieval_limit >= 0:
        result["retrieval_later_period"] = retrieval(name, args.retrieval_limit, args.output.parent)
        for variant, row in result["retrieval_later_period"].items():
            print(f"retrieval later {variant:<10} fused {row['fused']}  delta {row['fused_delta_to_torch']}")
    result["load_average_end"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
