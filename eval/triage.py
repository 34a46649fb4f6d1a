"""Triage benchmark: the product's judgement (pipelines.triage, what `saring triage` runs) on labelled posts.

    python -m eval.triage [--limit N]

Real data (../shared/data), the test period of eval.judge (2025 on) that the judge never saw:
- *claims*: later-period circulating claims; right = the queue takes them, auto-linked to a fact check that
  checks the same claim (eval.judge_data.same_claim_items);
- *refutations*: later-period fact-check headlines with their verdict tag and conclusions: linked, not queued;
- *off-topic*: mainstream news held out by hash, and non-hoax tweets (UMPO, a source never fitted on).
The KB is the retrieval benchmark's index (17k items, claims blanked, the product's views), the classifier
none (the real classifier is measured by eval.classification), gazetteer none, posts undated.

Demo (`saring demo` must have run in SARING_HOME): the demo posts through the same path with the demo's
index, judge and classifier, counted by their `expected` field.

Reports auto-link precision and coverage, queue precision and recall, off-topic and refutations queued,
ECE of the hoax probability, ms per post. Writes eval/results/triage.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from models.judge.train import reliability
from pipelines.records import PostRecord

log = logging.getLogger("eval.triage")
RESULTS = Path(__file__).resolve().parent / "results" / "triage.json"


def _records(texts: list[str], prefix: str) -> list[PostRecord]:
    return [
        PostRecord(source="bench", platform="facebook", external_id=f"{prefix}{i}", text=t)
        for i, t in enumerate(texts)
    ]


def summarise(groups: dict[str, list], golds: list[frozenset], elapsed: float) -> dict:
    """Counts per group of scored posts; ``golds`` are the right fact checks of the 'claims' group."""
    out: dict = {}
    for name, scored in groups.items():
        queued = sum(s.queue for s in scored)
        auto = [s for s in scored if any(m.band == "auto" for m in s.matches)]
        out[name] = {
            "n": len(scored),
            "queued": queued,
            "share_queued": round(queued / max(len(scored), 1), 4),
            "auto_linked": len(auto),
            "stances": {
                k: sum(s.stance == k for s in scored) for k in ("spreads", "refutes", "unclear", "unrelated")
            },
        }
    claims = groups.get("claims", [])
    right_auto = sum(
        any(m.band == "auto" and m.kb_id in g for m in s.matches) for s, g in zip(claims, golds, strict=True)
    )
    # a refutation auto-linked links the right claim with the wrong stance: counted apart (refutations queued)
    any_auto = sum(out[g]["auto_linked"] for g in out if g != "refutations" and g != "debunk_report")
    out["claims_auto_right"] = right_auto
    out["auto_link_precision"] = round(right_auto / any_auto, 4) if any_auto else None
    out["auto_link_coverage"] = round(right_auto / max(len(claims), 1), 4)
    total_q = sum(out[g]["queued"] for g in groups)
    out["queue_precision"] = round(out["claims"]["queued"] / total_q, 4) if total_q and claims else None
    out["queue_recall"] = round(out["claims"]["queued"] / max(len(claims), 1), 4) if claims else None
    probs = [s.hoax_probability or 0.0 for g in groups.values() for s in g]
    labels = [1 if name == "claims" else 0 for name, g in groups.items() for _ in g]
    out["hoax_probability_reliability"] = reliability(probs, labels)
    out["ms_per_post"] = round(1000 * elapsed / max(len(probs), 1), 2)
    return out


def real_data(data_dir: Path, limit: int | None, views: str = "multi") -> dict:
    from eval.embed_cache import CachedEncoder
    from eval.judge import right_answers
    from eval.judge_data import load
    from eval.retrieval import VIEW_SCHEMES, build_bench_index
    from factcheck_kb.matcher import Matcher
    from models.encoder import load_encoder
    from models.judge import default_judge
    from pipelines.runtime import ScoringContext, SharedEncoder
    from pipelines.scoring import ScoringConfig
    from pipelines.triage import triage_records
    from saring.config import get_settings

    settings = get_settings()
    kb, data = load(data_dir)
    enc = CachedEncoder(load_encoder(settings.encoder_model), settings.home / "cache" / "embeddings")
    index, _, _ = build_bench_index(kb, enc, VIEW_SCHEMES[views])
    right, _ = right_answers(index, data)
    judge = default_judge()
    shared = SharedEncoder(enc)
    matcher = Matcher(index, shared, candidates=50, judge=judge, judge_depth=20)
    context = ScoringContext(
        shared,
        matcher,
        None,
        None,
        None,
        ScoringConfig(hoax_base_rate=settings.hoax_base_rate),
        settings.match_top_k,
    )
    claims = data.queries["test"][:limit]
    refutations = [s.text for s in data.stance if s.period == "test" and s.label == 0][:limit]
    groups_text = {
        "claims": [q.text for q in claims],
        "refutations": refutations,
        "offtopic_news": data.offtopic["test"][:limit],
        "offtopic_tweets": data.offtopic_tweets[:limit],
    }
    groups = {}
    t0 = time.perf_counter()
    for name, texts in groups_text.items():
        groups[name] = triage_records(_records(texts, name), context)
    report = summarise(groups, [right[q.qid] for q in claims], time.perf_counter() - t0)
    report["judge"] = judge.version
    return report


def demo() -> dict | None:
    from pipelines.demo_data import demo_path
    from pipelines.runtime import load_context
    from pipelines.triage import iter_records, stored_kb_lookup, triage_records

    context = load_context()
    if context.matcher is None:
        return None
    errors: list = []
    records = list(iter_records(demo_path("posts.jsonl"), errors))
    t0 = time.perf_counter()
    scored = triage_records(records, context, kb_lookup=stored_kb_lookup())
    elapsed = time.perf_counter() - t0
    groups: dict[str, list] = {}
    golds = []
    for record, s in zip(records, scored, strict=True):
        expected = str((record.raw or {}).get("expected", "?"))
        kind = expected.split(":")[0]
        groups.setdefault(kind, []).append(s)
        if kind == "hoax_match":
            golds.append(frozenset({expected.split(":", 1)[1]}))
    groups["claims"] = groups.pop("hoax_match", [])
    report = summarise(groups, golds, elapsed)
    report["bad_lines"] = len(errors)
    return report


def main(argv: list[str] | None = None) -> int:
    from eval.retrieval import VIEW_SCHEMES
    from eval.retrieval_data import shared_data_dir
    from saring.config import get_settings, quiet_offline_environment
    from saring.logs import configure_logging

    quiet_offline_environment()
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(prog="python -m eval.triage", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N texts per group")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--views",
        default="multi",
        choices=sorted(VIEW_SCHEMES),
        help="the real part's index views (multi: as the product indexes, claims left out)",
    )
    args = parser.parse_args(argv)
    results: dict = {}
    data_dir = shared_data_dir()
    if data_dir is not None:
        results["real"] = real_data(data_dir, args.limit, args.views)
    else:
        print(f"eval.triage: no shared data (data_dir={get_settings().data_dir}); real-data part skipped")
    results["demo"] = demo()
    if results["demo"] is None:
        print("eval.triage: no KB index in SARING_HOME (run `saring demo`); demo part skipped")
    for part, rep in results.items():
        if rep:
            print(f"\n== {part} ==")
            for key, value in rep.items():
                if key != "hoax_probability_reliability":
                    print(f"  {key}: {value}")
            print(f"  ECE: {rep['hoax_probability_reliability']['ece']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
