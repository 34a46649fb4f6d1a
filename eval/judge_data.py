"""Data for the match judge, from ../shared/data, split by time (and by source for the off-topic texts).

Periods: *fit* (published before 2024), *held* (2024: thresholds and the rerank decision are chosen here),
*test* (2025 on, the retrieval benchmark's later period). Nothing of the test period is fitted on.

- Claim queries: TurnBackHoax/MAFINDO circulating claims, each with its own article as the right fact
  check (eval.retrieval_data); same-title copies count as right, near duplicates are left out of the pairs.
- Off-topic texts (no right fact check): mainstream news (zainoor, label 0), split by a hash of the text
  into fit / held / test; non-hoax tweets (UMPO, label 0) are test only, a source never fitted on.
- Stance texts: *spreads* = the circulating claims (framing stripped) and hoax tweets; *refutes* = what a
  debunk looks like when passed on: the fact check's headline with its verdict tag as published
  ("[SALAH] …", "[HOAKS] …"), and its conclusion ("Faktanya, …").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from eval.retrieval_data import Query, is_turnbackhoax
from factcheck_kb.query_clean import dense_query_text
from factcheck_kb.records import FactCheck
from models.judge.stance_cues import refutation_texts

FIT_END = date(2024, 1, 1)
HELD_END = date(2025, 1, 1)
PERIODS = ("fit", "held", "test")


def period_of(day: date | None, key: str = "") -> str:
    """fit / held / test by date; undated texts by a hash of ``key`` (60/20/20)."""
    if day is None:
        bucket = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % 10
        return "fit" if bucket < 6 else "held" if bucket < 8 else "test"
    return "fit" if day < FIT_END else "held" if day < HELD_END else "test"


def hash_period(key: str) -> str:
    return period_of(None, key)


@dataclass(slots=True)
class StanceText:
    text: str
    label: int  # 1 spreads, 0 refutes
    source: str
    period: str
    kb_id: str | None = None  # the fact check it is about (None: a tweet, compared with its best candidate)


@dataclass(slots=True)
class JudgeData:
    queries: dict[str, list[Query]] = field(default_factory=dict)
    offtopic: dict[str, list[str]] = field(default_factory=dict)
    offtopic_tweets: list[str] = field(default_factory=list)
    stance: list[StanceText] = field(default_factory=list)


def _words(text: str, n: int) -> str:
    return " ".join((text or "").split()[:n])


def build(kb: list[FactCheck], queries: list[Query], pool: list[dict]) -> JudgeData:
    data = JudgeData()
    for name in PERIODS:
        data.queries[name] = []
        data.offtopic[name] = []
    for q in queries:
        data.queries[period_of(q.published, q.qid)].append(q)
        data.stance.append(
            StanceText(dense_query_text(q.text), 1, q.source, period_of(q.published, q.qid), q.gold)
        )
    query_ids = {q.qid for q in queries}
    for fc in kb:
        if not (fc.kb_id in query_ids or (is_turnbackhoax(fc) and fc.conclusion.strip())):
            continue
        for text in refutation_texts(fc):
            data.stance.append(
                StanceText(text, 0, fc.source, period_of(fc.published_date, fc.kb_id), fc.kb_id)
            )
    for ex in pool:
        text = (ex.get("text") or "").strip()
        if len(text.split()) < 5:
            continue
        if ex["source"] == "zainoor_news_valid":
            data.offtopic[hash_period(text)].append(_words(text, 120))
        elif ex["source"] == "umpo_tweets" and ex["label"] == 0:
            data.offtopic_tweets.append(text)
        elif ex["source"] == "umpo_tweets" and ex["label"] == 1:
            data.stance.append(StanceText(text, 1, "umpo_tweets", hash_period(text)))
    return data


def load(data_dir: Path):
    """(KB with claims blanked, JudgeData) from the shared data folder."""
    from eval.classification import load_pool
    from eval.retrieval_data import build_queries, load_kb, without_claims

    kb = load_kb(Path(data_dir))
    queries = build_queries(kb)
    data = build(kb, queries, load_pool(Path(data_dir)))
    return without_claims(kb), data


SAME_CLAIM_COSINE, SAME_CLAIM_OVERLAP = 0.90, 0.8
AMBIGUOUS_COSINE, AMBIGUOUS_OVERLAP = 0.90, 0.5


def same_claim_items(index, targets: set[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each target item: KB items that check the same claim, and items too close to call.

    The KB holds the same hoax several times (TurnBackHoax scraped by several projects, Komdigi's copy of
    it, a check repeated a year later). Two items check the same claim when their titles' E5 cosine is at
    least 0.90 and at least 80% of the shorter title's stems are in the other ("NASA Prediksi Kiamat
    Internet pada 2025" / "NASA Bersiap Menghadapi Kiamat Internet Karena Badai Matahari Besar pa[da] 2025");
    with 50-80% they are left out of the pairs, neither right nor wrong ("Lowongan Kerja di Taspen" /
    "Lowongan Kerja di Ombudsman" is 75%). The rule reads only the KB's titles, never a query.
    """
    from factcheck_kb.dense import VIEW_STRIDE
    from factcheck_kb.evidence import content_stems

    vids, vectors = index.dense.all_vectors()
    title_rows = {int(v) // VIEW_STRIDE: r for r, v in enumerate(vids) if int(v) % VIEW_STRIDE == 0}
    entries = list(index.items.values())
    rows = np.asarray([title_rows.get(e.item_id, -1) for e in entries])
    ok = rows >= 0
    entries = [e for e, good in zip(entries, ok, strict=True) if good]
    matrix = np.asarray(vectors[rows[ok]], dtype=np.float32)
    stems = [content_stems(index.analyzer(e.title or "")) for e in entries]
    position = {e.kb_id: i for i, e in enumerate(entries)}
    same: dict[str, set[str]] = {}
    ambiguous: dict[str, set[str]] = {}
    wanted = [k for k in targets if k in position]
    for start in range(0, len(wanted), 512):
        chunk = wanted[start : start + 512]
        sims = matrix[[position[k] for k in chunk]] @ matrix.T
        for k, row in zip(chunk, sims, strict=True):
            mine = stems[position[k]]
            for j in np.flatnonzero(row >= min(SAME_CLAIM_COSINE, AMBIGUOUS_COSINE)):
                other = entries[j].kb_id
                if other == k or len(mine) < 2 or len(stems[j]) < 2:
                    continue
                overlap = len(mine & stems[j]) / min(len(mine), len(stems[j]))
                if row[j] >= SAME_CLAIM_COSINE and overlap >= SAME_CLAIM_OVERLAP:
                    same.setdefault(k, set()).add(other)
                elif row[j] >= AMBIGUOUS_COSINE and overlap >= AMBIGUOUS_OVERLAP:
                    ambiguous.setdefault(k, set()).add(other)
    return same, ambiguous
