"""Ranking metrics for the retrieval benchmark: R@k and MRR per period and per source, strict and lenient."""

from __future__ import annotations

from collections.abc import Sequence

from eval.retrieval_data import Query

KS = (1, 5, 10)


def first_hit(ranked: Sequence[str], gold: frozenset[str] | set[str]) -> int | None:
    """0-based rank of the first gold id in ``ranked``, or None."""
    for pos, kb_id in enumerate(ranked):
        if kb_id in gold:
            return pos
    return None


def metrics(
    rankings: Sequence[Sequence[str]], queries: Sequence[Query], *, lenient: bool = False, near: bool = False
) -> dict:
    """R@1, R@5, R@10 and MRR (over the top 10) for aligned rankings and queries.

    Gold: the item itself (strict), or any item with the same title (lenient), or a near duplicate (near).
    """
    n = len(queries)
    if n == 0:
        return {"n": 0}
    hits = {k: 0 for k in KS}
    rr = 0.0
    for ranked, query in zip(rankings, queries, strict=True):
        gold = query.gold_near if near else query.gold_equivalent if lenient else {query.gold}
        pos = first_hit(ranked[: max(KS)], gold)
        if pos is None:
            continue
        for k in KS:
            hits[k] += pos < k
        rr += 1.0 / (pos + 1)
    out = {"n": n}
    out.update({f"R@{k}": round(hits[k] / n, 4) for k in KS})
    out["MRR"] = round(rr / n, 4)
    return out


def report(rankings: Sequence[Sequence[str]], queries: Sequence[Query]) -> dict:
    """Metrics for all queries, per period, and per source within each period; strict and lenient."""
    groups: dict[str, list[int]] = {"all": list(range(len(queries)))}
    for i, q in enumerate(queries):
        groups.setdefault(q.period, []).append(i)
        groups.setdefault(f"{q.period}/{q.source}", []).append(i)
    out = {}
    for name in sorted(groups, key=lambda g: (g.count("/"), g)):
        idx = groups[name]
        ranks = [rankings[i] for i in idx]
        qs = [queries[i] for i in idx]
        out[name] = {
            "strict": metrics(ranks, qs),
            "lenient": metrics(ranks, qs, lenient=True),
            "near": metrics(ranks, qs, near=True),
        }
    return out


def line(name: str, rep: dict, period: str = "later", which: str = "strict") -> str:
    """One printable row: R@1 / R@5 / R@10 / MRR for a period."""
    m = rep.get(period, {}).get(which, {})
    if not m or not m.get("n"):
        return f"{name:<34} (no queries)"
    return (
        f"{name:<34} R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  R@10 {m['R@10']:.3f}  MRR {m['MRR']:.3f}"
        f"  (n={m['n']})"
    )
