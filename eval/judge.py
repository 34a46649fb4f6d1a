"""Fit and measure the match judge (verifier + stance + bands) on the real data; write the packaged default.

    python -m eval.judge [--encoder NAME] [--write-default] [--depth 20]

Builds the retrieval benchmark's index (all 17k KB items, claims blanked, the product's views: title,
explanation chunks, conclusion; ``--views title`` for titles only), takes each text's top ``--depth``
candidates, and fits the judge's heads on the *fit* period, its thresholds and rerank decision on the *held*
period, and reports the *test* period (2025 on) it never saw (eval/judge_data.py says which texts are which).
Reports: verifier AUC and reliability (ECE), retrieval R@1/R@5/MRR with and without re-ranking, auto-link
precision and coverage, off-topic texts linked, stance precision/recall, ms per query. With
``--write-default`` the fitted judge becomes ``models/judge/default`` (coefficients and thresholds only: no
data).
Writes eval/results/judge.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

from eval.embed_cache import CachedEncoder
from eval.judge_data import PERIODS, JudgeData, load, same_claim_items
from eval.retrieval import VIEW_SCHEMES, build_bench_index
from eval.retrieval_data import shared_data_dir
from eval.retrieval_metrics import report
from factcheck_kb.judge_pairs import candidate_pairs
from factcheck_kb.matcher import Matcher
from factcheck_kb.query_clean import dense_query_text
from models.judge.model import DEFAULT_DIR, JudgeConfig, MatchJudge
from models.judge.stance_cues import pair_matrix, text_denials
from models.judge.train import (
    PairSet,
    StanceSet,
    auc,
    fit_judge,
    fit_stance,
    ranking_metrics,
    reliability,
    stance_metrics,
)

log = logging.getLogger("eval.judge")
RESULTS = Path(__file__).resolve().parent / "results" / "judge.json"


def right_answers(index, data: JudgeData) -> tuple[dict[str, frozenset], dict[str, frozenset]]:
    """Per claim: the fact checks that check its claim (its own, same-title copies, same-claim items) and
    those left out of the pairs (near duplicates too close to call)."""
    golds = {q.gold for qs in data.queries.values() for q in qs}
    same, ambiguous = same_claim_items(index, golds)
    right, skip = {}, {}
    for qs in data.queries.values():
        for q in qs:
            right[q.qid] = frozenset(q.gold_equivalent | same.get(q.gold, set()))
            skip[q.qid] = frozenset(q.gold_near | ambiguous.get(q.gold, set()))
    return right, skip


def pair_sets(matcher: Matcher, data: JudgeData, depth: int, right: dict, skip: dict) -> dict[str, PairSet]:
    out = {}
    for period in PERIODS:
        qs = data.queries[period]
        claims = candidate_pairs(
            matcher,
            [q.text for q in qs],
            [right[q.qid] for q in qs],
            ignore=[skip[q.qid] for q in qs],
            depth=depth,
        )
        offtopic = candidate_pairs(matcher, data.offtopic[period], depth=min(depth, 5))
        out[period] = PairSet.concat([claims, offtopic])
        log.info(
            "%s: %d pairs (%d right) from %d claims and %d off-topic texts",
            period,
            len(out[period]),
            int(out[period].y.sum()),
            len(qs),
            len(data.offtopic[period]),
        )
    return out


def dump_pairs(folder: Path, pairs: dict[str, PairSet], kb, judge: MatchJudge, top: int = 5) -> None:
    """The pairs as JSON lines (query, fact check title + conclusion, label, ranks, the feature model's p) for
    pair models that read the texts themselves (eval.judge_crossencoder). Real data: keep it out of git."""
    by_id = {fc.kb_id: fc for fc in kb}
    folder.mkdir(parents=True, exist_ok=True)
    for period, part in pairs.items():
        p = judge.verify(part.x)
        with (folder / f"{period}.jsonl").open("w", encoding="utf-8") as handle:
            for i in np.flatnonzero(part.rank < top):
                fc = by_id[part.kb_ids[i]]
                row = {
                    "group": int(part.group[i]),
                    "query": part.query_texts[part.group[i]],
                    "kb_id": fc.kb_id,
                    "fact_check": f"{fc.title}. {' '.join(fc.conclusion.split()[:60])}".strip(),
                    "label": int(part.y[i]),
                    "retriever_rank": int(part.rank[i]),
                    "p_feature_model": round(float(p[i]), 5),
                }
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def stance_titles(matcher: Matcher, rows: list) -> list[str]:
    """The title each stance text's pair features are read against: its own fact check's, or for a text
    without one (a tweet) its best candidate's, as the product would pair it."""
    index = matcher.index
    titles: dict[str, str] = {e.kb_id: e.title or "" for e in index.items.values()}
    loose = [i for i, s in enumerate(rows) if s.kb_id is None]
    best: dict[int, str] = {}
    for i, cand in zip(loose, matcher.candidates([rows[i].text for i in loose]), strict=True):
        if len(cand.item_ids):
            top = int(np.argmax(matcher.fused_scores(cand)))
            entry = index.entry_for_item_id(int(cand.item_ids[top]))
            best[i] = (entry.title or "") if entry else ""
    return [titles.get(s.kb_id, "") if s.kb_id is not None else best.get(i, "") for i, s in enumerate(rows)]


def stance_sets(encoder, data: JudgeData, matcher: Matcher) -> dict[str, StanceSet]:
    out = {}
    for period in PERIODS:
        rows = [s for s in data.stance if s.period == period]
        texts = [s.text for s in rows]
        vectors = np.asarray(
            encoder.encode([dense_query_text(t) for t in texts], kind="query"), dtype=np.float64
        )
        analyzer = matcher.index.analyzer
        pair = pair_matrix(
            [
                text_denials(t, title, analyzer)
                for t, title in zip(texts, stance_titles(matcher, rows), strict=True)
            ]
        )
        out[period] = StanceSet(
            texts, np.asarray([s.label for s in rows]), vectors, [s.source for s in rows], pair
        )
        log.info("stance %s: %d texts (%d spreading)", period, len(rows), int(out[period].y.sum()))
    return out


def band_report(matcher: Matcher, texts: list[str], golds: list[frozenset[str]]) -> dict:
    """Top match's band per text: how many auto/suggest, and how many of those are right."""
    rows = matcher.match(texts, top_k=3)
    out = {"n": len(texts)}
    for band in ("auto", "suggest"):
        picked = [
            (row[0], gold) for row, gold in zip(rows, golds, strict=True) if row and row[0].band == band
        ]
        right = sum(m.kb_id in gold for m, gold in picked)
        out[band] = {
            "n": len(picked),
            "right": right,
            "precision": round(right / len(picked), 4) if picked else None,
        }
    positives = sum(bool(g) for g in golds)
    out["auto_coverage"] = round(out["auto"]["right"] / positives, 4) if positives else None
    out["any_auto"] = sum(any(m.band == "auto" for m in row) for row in rows)
    out["any_link"] = sum(any(m.band != "none" for m in row) for row in rows)
    out["stances"] = {
        s: sum(bool(row) and row[0].stance == s for row in rows)
        for s in ("spreads", "refutes", "unclear", "unrelated")
    }
    return out


def evaluate(
    judge: MatchJudge, index, enc, data: JudgeData, pairs: dict, stance: dict, right: dict, vector_head=None
) -> dict:
    test = pairs["test"]
    p_same = judge.verify(test.x)
    results: dict = {
        "verifier_test": {
            "pairs": len(test),
            "positives": int(test.y.sum()),
            "auc": auc(p_same, test.y),
            "reliability": reliability(p_same, test.y),
            "ranking_over_candidates": ranking_metrics(p_same, test),
        }
    }
    st = stance["test"]
    p_st = judge.p_spreads(st.texts, st.vectors, enc.model_id, pair=st.pair)
    t = judge.thresholds
    results["stance_test"] = stance_metrics(p_st, st.y, t.refutes_below, t.spreads_above)
    vector_judge = (
        MatchJudge(JudgeConfig(judge.config.verifier, judge.config.stance, vector_head, encoder=enc.model_id))
        if vector_head is not None
        else None
    )
    if vector_judge is not None:
        results["stance_test"]["vector_head"] = stance_metrics(
            vector_judge.p_spreads(st.texts, st.vectors, enc.model_id, pair=st.pair),
            st.y,
            t.refutes_below,
            t.spreads_above,
        )

    qs = data.queries["test"]
    texts = [q.text for q in qs]
    plain = Matcher(index, enc, candidates=50)
    judged = Matcher(index, enc, candidates=50, judge=judge, judge_depth=20)
    t0 = time.perf_counter()
    judged_rows = judged.match(texts, top_k=10)
    ms = (time.perf_counter() - t0) * 1000 / max(len(texts), 1)
    results["retrieval_test"] = {
        "retriever": report([[m.kb_id for m in row] for row in plain.match(texts, top_k=10)], qs)["all"],
        "judged": report([[m.kb_id for m in row] for row in judged_rows], qs)["all"],
        "judged_ms_per_query_cached_vectors": round(ms, 2),
    }
    results["bands_test"] = {
        "claims_same_claim": band_report(judged, texts, [right[q.qid] for q in qs]),
        "claims_near_gold": band_report(judged, texts, [q.gold_near for q in qs]),
        "claims_strict_gold": band_report(judged, texts, [frozenset({q.gold}) for q in qs]),
        "offtopic_news": band_report(
            judged, data.offtopic["test"], [frozenset()] * len(data.offtopic["test"])
        ),
        "offtopic_tweets_unseen_source": band_report(
            judged, data.offtopic_tweets, [frozenset()] * len(data.offtopic_tweets)
        ),
        "refutations": band_report(
            judged,
            [s for s, y in zip(st.texts, st.y, strict=True) if y == 0],
            [frozenset()] * int((st.y == 0).sum()),
        ),
    }
    return results


PART_MODELS = (
    "tfidf_logreg",
    "multilingual-e5-small",
    "judge",
    "tfidf_logreg+judge",
    "multilingual-e5-small+judge",
)


def judgement_parts(classification: dict, triage: dict) -> dict:
    """What each part of the one hoax judgement gives (eval.classification's and eval.triage's results)."""
    parts: dict = {}
    summary = classification.get("summary") or {}
    for name in PART_MODELS:
        if name in summary:
            per_split = {
                split: round(entry["models"][name]["macro_f1"], 4)
                for split, entry in (classification.get("splits") or {}).items()
                if name in entry.get("models", {})
            }
            parts[f"classification {name}"] = {
                "mean_macro_f1_disjoint": round(summary[name]["mean_macro_f1_disjoint"], 4),
                "per_split": per_split,
            }
    for where, rep in (triage or {}).items():
        if not rep:
            continue
        keep = ("auto_link_precision", "auto_link_coverage", "queue_precision", "queue_recall")
        entry = {k: rep.get(k) for k in keep}
        groups = {g: v for g, v in rep.items() if isinstance(v, dict) and "n" in v}
        entry["share_queued"] = {g: v["share_queued"] for g, v in groups.items()}
        entry["ece"] = (rep.get("hoax_probability_reliability") or {}).get("ece")
        parts[f"triage {where}"] = entry
    return parts


def record_parts(folder: Path = DEFAULT_DIR, results: Path = RESULTS.parent) -> dict:
    """Write the parts' numbers into the default judge's card (no refit); a part without a result file
    here keeps the numbers the card has."""

    def read(name: str) -> dict:
        path = results / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    judge = MatchJudge.from_pretrained(folder)
    parts = judgement_parts(read("classification.json"), read("triage.json"))
    metrics = judge.card.metrics or {}
    parts = {**(metrics.get("parts") or {}), **parts}
    judge.card.metrics = {**metrics, "parts": parts}
    judge.save_pretrained(folder)
    return parts


def main(argv: list[str] | None = None) -> int:
    from models.encoder import load_encoder
    from saring.config import get_settings, quiet_offline_environment
    from saring.logs import configure_logging

    quiet_offline_environment()
    configure_logging("INFO")
    parser = argparse.ArgumentParser(prog="python -m eval.judge", description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--depth", type=int, default=20, help="candidates judged per text")
    parser.add_argument("--write-default", action="store_true", help="save the judge as models/judge/default")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--views",
        default="multi",
        choices=sorted(VIEW_SCHEMES),
        help="the bench index's dense views (multi: as the product indexes, claims left out)",
    )
    parser.add_argument("--dump-pairs", type=Path, default=None, help="also write the pairs here (JSONL)")
    parser.add_argument(
        "--record-parts",
        action="store_true",
        help="only write eval/results/{classification,triage}.json's numbers into the default judge's card",
    )
    args = parser.parse_args(argv)
    if args.record_parts:
        for name, value in record_parts().items():
            print(name, value)
        return 0

    settings = get_settings()
    data_dir = shared_data_dir()
    if data_dir is None:
        print(f"eval.judge: skipped, no shared data (data_dir={settings.data_dir}); set SARING_DATA_DIR")
        return 0
    kb, data = load(data_dir)
    enc = CachedEncoder(
        load_encoder(args.encoder or settings.encoder_model), settings.home / "cache" / "embeddings"
    )
    index, info, _ = build_bench_index(kb, enc, VIEW_SCHEMES[args.views])
    matcher = Matcher(index, enc, candidates=50)
    right, skip = right_answers(index, data)
    pairs = pair_sets(matcher, data, args.depth, right, skip)
    stance = stance_sets(enc, data, matcher)
    training = {
        "source": "../shared/data (derived/kb_factchecks_unified.csv, derived/train_hoax_valid_pool.csv)",
        "kb_items": len(kb),
        "fit": "published before 2024-01-01 (claims, stance texts); news by text hash",
        "held": "2024 (thresholds, rerank decision)",
        "pairs": {p: {"n": len(pairs[p]), "right": int(pairs[p].y.sum())} for p in PERIODS},
        "stance_texts": {p: {"n": len(stance[p].y), "spreads": int(stance[p].y.sum())} for p in PERIODS},
        "depth": args.depth,
        "view_scheme": f"{args.views} (claims never indexed)",
    }
    judge, fit_metrics = fit_judge(
        pairs["fit"],
        pairs["held"],
        stance["fit"],
        stance["held"],
        encoder_id=enc.model_id,
        training_data=training,
    )
    results = {"index": info, "training": training, "fit": fit_metrics}
    _, vector_head = fit_stance(stance["fit"], enc.model_id)
    results["test"] = evaluate(judge, index, enc, data, pairs, stance, right, vector_head)
    judge.card.metrics = {**fit_metrics, "test": results["test"]}
    if args.dump_pairs:
        dump_pairs(args.dump_pairs, pairs, kb, judge)
    if args.write_default:
        judge.card.version = "default"
        judge.save_pretrained(DEFAULT_DIR)
        print(f"wrote the default judge to {DEFAULT_DIR}")
    _print(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _print(results: dict) -> None:
    fit = results["fit"]
    test = results["test"]
    print("thresholds", fit["thresholds"], "rerank", fit["rerank"])
    print(
        "verifier held-out",
        {k: v for k, v in fit["verifier_held_out"].items() if k != "reliability"},
        "ECE",
        fit["verifier_held_out"]["reliability"]["ece"],
    )
    vt = test["verifier_test"]
    print("verifier test: AUC", vt["auc"], "ECE", vt["reliability"]["ece"], vt["ranking_over_candidates"])
    print("stance test", test["stance_test"])
    for name in ("retriever", "judged"):
        m = test["retrieval_test"][name]
        print(f"retrieval test {name:<10} strict {m['strict']}  near {m['near']}")
    print("judged ms/query", test["retrieval_test"]["judged_ms_per_query_cached_vectors"])
    for name, rep in test["bands_test"].items():
        print("bands", name, rep)


if __name__ == "__main__":
    raise SystemExit(main())
