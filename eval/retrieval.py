"""Retrieval benchmark: circulating claims -> their fact checks, over the full KB with claims never indexed.

    python -m eval.retrieval [--encoder NAME] [--finetuned PATH] [--limit N] [--views multi|title|...]

Queries are TurnBackHoax items that carry both the circulating claim and the article; the claim is the query,
the article (title, explanation, conclusion) is indexed among all ~17k KB items (every claim text blanked).
Reports R@1/R@5/R@10/MRR for dense, BM25, fused and a TF-IDF baseline, per period (earlier / later than
--split) and per source, strict (the gold id) and lenient (an item with the same title counts too). "fused"
is the product's matcher with its fusion fitted (factcheck_kb.fusion.fit_weighted, as `saring kb calibrate
--fusion` does) on the EARLIER period's pairs; beside it the unfitted default, RRF, and two eval-only
combiners (eval/retrieval_combiners.py). Fusion weights, combiners and band thresholds are chosen on the
EARLIER period only; the later period is the time-disjoint test. Embeddings are cached per model id under
SARING_HOME/cache/embeddings.
Writes eval/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from eval.embed_cache import CachedEncoder
from eval.retrieval_combiners import TfidfBaseline, combiner_rankings
from eval.retrieval_data import DEFAULT_SPLIT, Query, build_queries, load_kb, shared_data_dir, without_claims
from eval.retrieval_fusion import band_report, rank_all, tune_fusion
from eval.retrieval_metrics import line, report
from factcheck_kb.fusion import FusionConfig, default_fusion
from factcheck_kb.index import KBIndex, build_or_update
from factcheck_kb.lexical import BM25Index
from factcheck_kb.matcher import Matcher
from factcheck_kb.records import FactCheck
from factcheck_kb.tokens import MODES, IndonesianAnalyzer
from factcheck_kb.views import ViewScheme, lexical_text

log = logging.getLogger("eval.retrieval")
RESULTS = Path(__file__).resolve().parent / "results" / "retrieval.json"

VIEW_SCHEMES = {
    "multi": ViewScheme(include_claim=False),
    "multi3": ViewScheme(include_claim=False, max_chunks=3),
    "multi1": ViewScheme(include_claim=False, max_chunks=1),
    "title+conclusion": ViewScheme(include_claim=False, max_chunks=0),
    "title": ViewScheme(include_claim=False, max_chunks=0, use_conclusion=False),
    "single": ViewScheme(name="single", include_claim=False),
}


# ------------------------------------------------------------------ baselines


def tfidf_rankings(kb: list[FactCheck], queries: list[Query], scheme: ViewScheme) -> list[list[str]]:
    """TF-IDF baseline: word 1-2-grams + char_wb 3-5-grams, sublinear tf, cosine (the best plain setup)."""
    return TfidfBaseline(kb, scheme).rankings([q.text for q in queries])


def bm25_mode_rankings(kb: list[FactCheck], queries: list[Query], scheme: ViewScheme, mode: str) -> list:
    """BM25 alone with one analyzer mode (stem / surface / both), for choosing the default."""
    analyzer = IndonesianAnalyzer(mode=mode)
    bm = BM25Index()
    bm.add(list(range(len(kb))), [analyzer(lexical_text(fc, scheme)) for fc in kb])
    ids, _, _ = bm.search([analyzer(q.text) for q in queries], k=10)
    return [[kb[i].kb_id for i in row if i >= 0] for row in ids]


# ------------------------------------------------------------------ dense + fused


def build_bench_index(kb: list[FactCheck], encoder, scheme: ViewScheme) -> tuple[KBIndex, dict, Path]:
    folder = Path(tempfile.mkdtemp(prefix="saring-bench-")) / "index"
    t0 = time.perf_counter()
    stats = build_or_update(folder, kb, encoder, scheme=scheme)
    build_seconds = time.perf_counter() - t0
    index = KBIndex.open(folder, encoder)
    info = {
        "items": len(index),
        "vectors": index.dense.ntotal,
        "dense_index": index.dense.describe(),
        "build_seconds_with_cached_vectors": round(build_seconds - stats.embed_seconds, 2),
        "embed_seconds_this_run": round(stats.embed_seconds, 2),
        "scheme": scheme.to_dict(),
    }
    return index, info, folder


def _product_check(index: KBIndex, enc, fusion: FusionConfig, queries: list[Query], fused: list) -> dict:
    """The product's matcher with the fitted fusion: ms/query (cached vectors), agreement with 'fused'."""
    matcher = Matcher(index, enc, fusion=fusion)
    t0 = time.perf_counter()
    rows = matcher.match([q.text for q in queries], top_k=10)
    ms = (time.perf_counter() - t0) * 1000 / max(len(queries), 1)
    same = sum([m.kb_id for m in row] == ranked for row, ranked in zip(rows, fused, strict=True))
    return {"product_match_ms_per_query_cached_vectors": round(ms, 2), "product_agrees_with_fused": same}


def evaluate_encoder(
    name: str,
    kb: list[FactCheck],
    queries: list[Query],
    scheme: ViewScheme,
    cache_root: Path,
    tfidf: TfidfBaseline,
    *,
    trained_before: date | None = None,
    backend: str = "auto",
) -> dict:
    from models.encoder import load_encoder

    enc = CachedEncoder(load_encoder(name, backend=backend), cache_root)
    index, info, _ = build_bench_index(kb, enc, scheme)
    matcher = Matcher(index, enc, candidates=50)
    t0 = time.perf_counter()
    cands = matcher.candidates([q.text for q in queries])
    info["match_seconds_per_query_cached_vectors"] = round(
        (time.perf_counter() - t0) / max(len(queries), 1), 4
    )
    earlier = [i for i, q in enumerate(queries) if q.period == "earlier"]
    base = default_fusion(enc.model_id)
    tuned, grid = tune_fusion(matcher, [cands[i] for i in earlier], [queries[i] for i in earlier], base)
    methods = {
        "dense": rank_all(matcher, cands, "dense"),
        "bm25": rank_all(matcher, cands, "lexical"),
        "fused_rrf": rank_all(matcher, cands, "fused", FusionConfig(method="rrf")),
        "fused_weighted_default": rank_all(matcher, cands, "fused", base),
        "fused": rank_all(matcher, cands, "fused", tuned),
    }
    combined, learned = combiner_rankings(matcher, cands, queries, tfidf, tuned)
    methods.update(combined)
    info.update(_product_check(index, enc, tuned, queries, methods["fused"]))
    out = {
        "model_id": enc.model_id,
        "variant": enc.variant,
        "variant_choice": (enc.choice or {}).get("rule"),
        "index": info,
        "methods_note": (
            "fused = the product's matcher with fusion fitted on the earlier period's pairs (what "
            "`saring kb calibrate --fusion` writes); fused_weighted_default = the unfitted default (the old "
            "product fusion); fused_tfidf3 and fused_lr are eval-only combiners fitted on the earlier period"
        ),
        "fusion_default": base.to_dict(),
        "fusion_fitted_on_earlier": tuned.to_dict(),
        "fusion_grid_earlier_mrr": grid,
        "combiners_fitted_on_earlier": learned,
        "methods": {m: report(r, queries) for m, r in methods.items()},
        "bands": band_report(matcher, cands, queries, tuned),
    }
    timing = enc.timing()
    out["encoding_throughput_texts_per_s"] = {
        kind: round(v["texts"] / v["seconds"], 2) for kind, v in timing.items() if v.get("seconds")
    }
    per_s = out["encoding_throughput_texts_per_s"].get("passage")
    if per_s:
        out["index"]["estimated_full_build_seconds"] = round(
            info["vectors"] / per_s + info["build_seconds_with_cached_vectors"], 1
        )
    if trained_before is not None:
        out["note"] = f"fine-tuned on pairs published before {trained_before}: only the later period is fair"
    return out


# ------------------------------------------------------------------ main


def _limit(kb: list[FactCheck], queries: list[Query], n: int, seed: int = 0):
    """N queries (both periods) and a KB of their fact checks plus 10N distractors: a quick smoke run."""
    rng = random.Random(seed)
    by_period = {p: [q for q in queries if q.period == p] for p in ("earlier", "later")}
    picked = []
    for qs in by_period.values():
        picked += rng.sample(qs, min(len(qs), n // 2 or 1))
    keep = {k for q in picked for k in q.gold_equivalent}
    others = [fc for fc in kb if fc.kb_id not in keep]
    extra = {fc.kb_id for fc in rng.sample(others, min(len(others), 10 * n))}
    return [fc for fc in kb if fc.kb_id in keep or fc.kb_id in extra], picked


def main(argv: list[str] | None = None) -> int:
    from saring.config import get_settings, quiet_offline_environment
    from saring.logs import configure_logging

    quiet_offline_environment()
    configure_logging("INFO")
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", default=None, help="encoder name or folder (default: settings)")
    parser.add_argument("--finetuned", action="append", default=[], help="also evaluate this encoder folder")
    parser.add_argument("--limit", type=int, default=None, help="N queries and a small KB (smoke run)")
    parser.add_argument("--views", default="multi", choices=sorted(VIEW_SCHEMES), help="dense view scheme")
    parser.add_argument(
        "--split", default=DEFAULT_SPLIT.isoformat(), help="earlier/later boundary (ISO date)"
    )
    parser.add_argument("--no-dense", action="store_true", help="baselines only (no encoder)")
    parser.add_argument(
        "--backend", default="auto", help="encoder variant: auto | torch | onnx | onnx-int8 (auto: settings)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    settings = get_settings()
    data_dir = shared_data_dir()
    if data_dir is None:
        print(f"eval.retrieval: skipped, no shared data (data_dir={settings.data_dir}); set SARING_DATA_DIR")
        return 0
    split = date.fromisoformat(args.split)
    kb = load_kb(data_dir)
    queries = build_queries(kb, split)
    kb = without_claims(kb)
    if args.limit:
        kb, queries = _limit(kb, queries, args.limit)
    scheme = VIEW_SCHEMES[args.views]
    results: dict = {
        "kb_items": len(kb),
        "queries": len(queries),
        "split": split.isoformat(),
        "periods": {p: sum(q.period == p for q in queries) for p in ("earlier", "later")},
        "views": args.views,
        "limited": bool(args.limit),
        "methods": {},
        "encoders": {},
    }
    print(f"KB {len(kb)} items (claims blanked), {len(queries)} queries {results['periods']}, split {split}")

    stem_cache = settings.home / "cache" / "stems.json"
    IndonesianAnalyzer().load_cache(stem_cache)
    t0 = time.perf_counter()
    tfidf = TfidfBaseline(kb, scheme)
    results["methods"]["tfidf"] = report(tfidf.rankings([q.text for q in queries]), queries)
    results["methods"]["tfidf"]["seconds"] = round(time.perf_counter() - t0, 1)
    for mode in MODES:
        t0 = time.perf_counter()
        rep = report(bm25_mode_rankings(kb, queries, scheme, mode), queries)
        rep["seconds"] = round(time.perf_counter() - t0, 1)
        results["methods"][f"bm25_{mode}"] = rep

    cache_root = settings.home / "cache" / "embeddings"
    IndonesianAnalyzer().save_cache(stem_cache)
    if not args.no_dense:
        names = [args.encoder or settings.encoder_model, *args.finetuned]
        for i, name in enumerate(names):
            trained = split if i > 0 else None
            results["encoders"][name] = evaluate_encoder(
                name, kb, queries, scheme, cache_root, tfidf, trained_before=trained, backend=args.backend
            )

    _print(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _print(results: dict) -> None:
    for period in ("earlier", "later"):
        print(f"\n== {period} period (strict: the gold item itself) ==")
        for name, rep in results["methods"].items():
            print(line(name, rep, period))
        for enc_name, enc in results["encoders"].items():
            short = Path(enc_name).name
            for method, rep in enc["methods"].items():
                print(line(f"{short}:{method}", rep, period))
    for enc_name, enc in results["encoders"].items():
        print(f"\n{Path(enc_name).name}: fusion fitted on earlier {enc['fusion_fitted_on_earlier']}")
        print(f"  combiners fitted on earlier {enc['combiners_fitted_on_earlier']}")
        print(f"  index {enc['index']}")
        print(
            f"  encoding throughput (texts/s, measured when cached) {enc['encoding_throughput_texts_per_s']}"
        )
        print(f"  bands (later period, thresholds calibrated on earlier) {enc['bands'].get('later')}")
        defaults = enc["bands"].get("family_defaults", {})
        print(f"  bands (later period, the model family's default thresholds) {defaults.get('later')}")


if __name__ == "__main__":
    raise SystemExit(main())
