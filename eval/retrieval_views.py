"""View-scheme comparison: one long text per item vs a few short views, on a KB of long articles.

    python -m eval.retrieval_views [--queries 200] [--distractors 300] [--schemes title,multi,single]

Later-period queries only; the KB holds their fact checks plus random other full-text articles (the hard
distractors: same template, same length), so the comparison is about long items. Dense alone and fused with
BM25 (default weights for the model). Writes eval/results/retrieval_views.json.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from eval.embed_cache import CachedEncoder
from eval.retrieval import VIEW_SCHEMES, build_bench_index
from eval.retrieval_data import build_queries, load_kb, shared_data_dir, without_claims
from eval.retrieval_fusion import rank_all
from eval.retrieval_metrics import metrics
from factcheck_kb.matcher import Matcher

RESULTS = Path(__file__).resolve().parent / "results" / "retrieval_views.json"


def main(argv: list[str] | None = None) -> int:
    from models.encoder import load_encoder
    from saring.config import get_settings, quiet_offline_environment
    from saring.logs import configure_logging

    quiet_offline_environment()
    configure_logging("INFO")
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval_views")
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--distractors", type=int, default=300)
    parser.add_argument("--schemes", default="title,title+conclusion,multi1,multi,single")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    settings = get_settings()
    if shared_data_dir() is None:
        print("eval.retrieval_views: skipped, no shared data")
        return 0
    rng = random.Random(0)
    kb = load_kb(Path(settings.data_dir))
    queries = [q for q in build_queries(kb) if q.period == "later"]
    queries = rng.sample(queries, min(args.queries, len(queries)))
    gold = {k for q in queries for k in q.gold_equivalent}
    full = [fc for fc in kb if fc.text_quality == "full" and fc.kb_id not in gold]
    keep = gold | {fc.kb_id for fc in rng.sample(full, min(args.distractors, len(full)))}
    small_kb = without_claims([fc for fc in kb if fc.kb_id in keep])
    enc = CachedEncoder(
        load_encoder(args.encoder or settings.encoder_model), settings.home / "cache" / "embeddings"
    )
    out: dict = {"model_id": enc.model_id, "queries": len(queries), "kb_items": len(small_kb), "schemes": {}}
    for name in args.schemes.split(","):
        index, info, _ = build_bench_index(small_kb, enc, VIEW_SCHEMES[name])
        matcher = Matcher(index, enc, candidates=50)
        cands = matcher.candidates([q.text for q in queries])
        out["schemes"][name] = {
            "vectors": info["vectors"],
            "dense": metrics(rank_all(matcher, cands, "dense"), queries),
            "fused": metrics(rank_all(matcher, cands, "fused"), queries),
        }
        print(name, json.dumps(out["schemes"][name]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
