"""Text preparation of collected posts: near-duplicate threshold, language identification, throughput.

    python -m eval.collection_text [--posts 10000]

1. Near-duplicate threshold: word-shingle Jaccard on self-written copy / different-claim pairs
   (tests/samples/dedup/pairs.tsv) and on the demo posts' duplicate groups (``dup_of``, taken
   transitively) against every other demo pair, for unigram/bigram shingles and several thresholds.
2. Language identification accuracy on the self-written sets (tests/samples/langid/*.tsv) and on the
   demo posts (``lang`` hint: bjn/jv, else Indonesian).
3. Throughput of normalise + langid + dedup on N texts: real post texts from the shared data
   (train/derived pool, read in place, never copied) when present, else demo texts repeated.

Prints the numbers and writes eval/results/collection_text.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from collections import Counter
from pathlib import Path

from pipelines.dedup import DedupIndex, jaccard, shingles
from pipelines.langid import identify_language
from pipelines.normalise import normalise, normalise_text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results" / "collection_text.json"
PAIRS = ROOT / "tests" / "samples" / "dedup" / "pairs.tsv"
LANG_SETS = ROOT / "tests" / "samples" / "langid"
DEMO_POSTS = ROOT / "pipelines" / "demo_data" / "posts.jsonl"
REGIONAL = {"jv", "bjn", "ms", "su"}


def _demo_posts() -> list[dict]:
    if not DEMO_POSTS.exists():
        return []
    posts = []
    for line in DEMO_POSTS.read_text(encoding="utf-8").splitlines():
        try:
            post = json.loads(line)
        except ValueError:
            continue
        if isinstance(post, dict) and isinstance(post.get("id"), str) and str(post.get("text") or "").strip():
            posts.append(post)
    return posts


def _groups(posts: list[dict]) -> dict[str, str]:
    parent = {p["id"]: p["id"] for p in posts}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for post in posts:
        if post.get("dup_of") in parent:
            parent[find(post["id"])] = find(post["dup_of"])
    return {key: find(key) for key in parent}


def dedup_sweep() -> dict:
    """Recall on duplicate pairs and false merges on other pairs, per shingle size and threshold."""
    rows = [
        line.split("\t")
        for line in PAIRS.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    posts = _demo_posts()
    group = _groups(posts)
    report: dict = {
        "own_pairs": {"same": sum(r[0] == "1" for r in rows), "different": sum(r[0] == "0" for r in rows)}
    }
    for size in (1, 2):
        sets = {p["id"]: shingles(normalise_text(p["text"]), size) for p in posts}
        ids = list(sets)
        demo_pos, demo_neg = [], []
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                (demo_pos if group[a] == group[b] else demo_neg).append(jaccard(sets[a], sets[b]))
        own = [
            (r[0], jaccard(shingles(normalise_text(r[1]), size), shingles(normalise_text(r[2]), size)))
            for r in rows
        ]
        own_pos = [v for s, v in own if s == "1"]
        own_neg = [v for s, v in own if s == "0"]
        by_threshold = {}
        for threshold in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8):
            found = sum(v >= threshold for v in own_pos + demo_pos)
            by_threshold[str(threshold)] = {
                "recall": round(found / max(1, len(own_pos) + len(demo_pos)), 3),
                "duplicate_pairs_found": found,
                "false_merges": sum(v >= threshold for v in own_neg + demo_neg),
            }
        report[f"shingle_{size}"] = {
            "own_same_min": round(min(own_pos), 3),
            "own_different_max": round(max(own_neg), 3),
            "demo_duplicate_pairs": len(demo_pos),
            "demo_other_pairs": len(demo_neg),
            "demo_same_min": round(min(demo_pos), 3) if demo_pos else None,
            "demo_different_max": round(max(demo_neg), 3) if demo_neg else None,
            "by_threshold": by_threshold,
        }
    return report


def _lang_rows(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip("\t"):
            continue
        code, _detail, text = (line.split("\t") + ["", ""])[:3]
        rows.append((code, text))
    return rows


def _accuracy(rows: list[tuple[str, str]]) -> dict:
    exact = label = 0
    confusion: Counter = Counter()
    for code, text in rows:
        guess = identify_language(text)
        expected = "regional" if code in REGIONAL else code
        got = guess.detail if guess.label == "regional" else guess.label
        label += guess.label == expected
        exact += got == code
        confusion[f"{code}->{got}"] += 1
    n = len(rows)
    return {"n": n, "exact": round(exact / n, 3), "label": round(label / n, 3), "confusion": dict(confusion)}


def langid_accuracy() -> dict:
    report = {path.stem: _accuracy(_lang_rows(path)) for path in sorted(LANG_SETS.glob("*.tsv"))}
    posts = _demo_posts()
    if posts:
        report["demo_posts"] = _accuracy([(p.get("lang") or "id", p["text"]) for p in posts])
    return report


def _real_texts(limit: int) -> tuple[list[str], str]:
    from saring.config import get_settings

    data_dir = get_settings().data_dir
    pool = data_dir / "derived" / "train_hoax_valid_pool.csv" if data_dir else None
    if pool and pool.exists():
        with pool.open(encoding="utf-8", newline="") as handle:
            texts = [row.get("text") or "" for row in csv.DictReader(handle)]
        texts = [t for t in texts if t.strip()]
        while len(texts) < limit:
            texts = texts + texts
        return texts[:limit], f"shared data: {pool.name}"
    demo = [p["text"] for p in _demo_posts()] or ["Info bansos Rp2,5 juta untuk warga Kotabaru"]
    return (demo * (limit // len(demo) + 1))[:limit], "demo posts repeated"


def _timed(function):
    """Run ``function()``; return its result, wall seconds and CPU seconds (the machine may be shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def throughput(n_posts: int) -> dict:
    texts, origin = _real_texts(n_posts)
    normalised, norm_wall, norm_cpu = _timed(lambda: [normalise(t) for t in texts])
    labels, lang_wall, lang_cpu = _timed(lambda: Counter(identify_language(t).label for t in texts))
    index = DedupIndex()
    assignments, dedup_wall, dedup_cpu = _timed(
        lambda: index.assign_many((str(i), n.text) for i, n in enumerate(normalised))
    )
    blob = index.to_bytes()
    _, load_wall, load_cpu = _timed(lambda: DedupIndex.from_bytes(blob))
    n = len(texts)
    return {
        "texts": n,
        "origin": origin,
        "per_s_cpu": {
            "normalise": round(n / norm_cpu),
            "langid": round(n / lang_cpu),
            "dedup_assign": round(n / dedup_cpu),
        },
        "per_s_wall": {
            "normalise": round(n / norm_wall),
            "langid": round(n / lang_wall),
            "dedup_assign": round(n / dedup_wall),
        },
        "dedup_index_bytes": len(blob),
        "dedup_index_load_s": {"cpu": round(load_cpu, 2), "wall": round(load_wall, 2)},
        "clusters": len(index.clusters()),
        "assignment_methods": dict(Counter(a.method for a in assignments)),
        "language_labels": dict(labels),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    args = parser.parse_args()
    results = {
        "machine": platform.platform(),
        "dedup": dedup_sweep(),
        "langid": langid_accuracy(),
        "throughput": throughput(args.posts),
    }
    for size in (1, 2):
        block = results["dedup"][f"shingle_{size}"]
        print(
            f"dedup, word {size}-grams: same-min own {block['own_same_min']} demo {block['demo_same_min']}; "
            f"different-max own {block['own_different_max']} demo {block['demo_different_max']}"
        )
        for threshold, row in block["by_threshold"].items():
            print(
                f"  t={threshold}: recall {row['recall']} ({row['duplicate_pairs_found']} pairs), "
                f"false merges {row['false_merges']}"
            )
    for name, row in results["langid"].items():
        print(f"langid {name}: n={row['n']} exact {row['exact']} label {row['label']}")
    print("throughput:", json.dumps(results["throughput"], ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
