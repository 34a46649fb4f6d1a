"""The product's one hoax judgement on the classification benchmark's posts: text signal + judged KB match.

Each post goes through ``pipelines.score.analyse_posts`` (what the score flow and ``saring triage`` run)
against the real 17k KB *as it stood on the post's date*: only fact checks published strictly before the
post can be matched, so a post never meets the fact check written about it later. The KB is indexed with
claims blanked (the retrieval benchmark's title view): the pool's fact-check claims are KB claim texts, and
a claim must not find itself. Posts without a date are judged on their text alone (no honest KB exists
for them).

Parts, each measured on the same splits by ``eval.classification``:
- ``judge``: the judged match alone (no classifier): p = P(same) × P(spreads) of the best known hoax;
- ``<text>+judge``: the combined probability 1 − (1 − s)(1 − text × (1 − r)) with the text model's
  probability (TF-IDF or the E5 classifier), decided at the text model's own threshold.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from factcheck_kb.matcher import Candidates, Matcher
from pipelines.scoring import KBInfo, PostToScore

log = logging.getLogger(__name__)


class AsOfMatcher(Matcher):
    """The product's matcher, blind to fact checks published on or after ``as_of``."""

    as_of: date | None = None

    def candidates(self, texts: Sequence[str]) -> list[Candidates]:
        found = super().candidates(texts)
        if self.as_of is None:
            return found
        return [self._before(cand, self.as_of) for cand in found]

    def _before(self, cand: Candidates, as_of: date) -> Candidates:
        keep = np.array(
            [(p := self._published(int(i))) is not None and p < as_of for i in cand.item_ids], dtype=bool
        )
        if keep.all():
            return cand

        def cut(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[keep]

        return replace(
            cand,
            item_ids=cand.item_ids[keep],
            dense=cut(cand.dense),
            lexical=cut(cand.lexical),
            lexical_raw=cut(cand.lexical_raw),
        )


class TextModel:
    """A benchmark text model seen through the classifier interface ``classify_posts`` calls."""

    def __init__(self, predict, threshold: float):
        self._predict = predict
        self.threshold = threshold

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._predict(list(texts)), dtype=float)


class JudgedKB:
    """The real KB index, the packaged judge and the product's analysis of posts against them."""

    def __init__(self, data_dir: Path, encoder_name: str, cache_root: Path):
        from eval.embed_cache import CachedEncoder
        from eval.retrieval import VIEW_SCHEMES, build_bench_index
        from eval.retrieval_data import load_kb, without_claims
        from models.encoder import load_encoder
        from models.judge import default_judge
        from pipelines.runtime import SharedEncoder

        kb = without_claims(load_kb(Path(data_dir)))
        self.encoder = CachedEncoder(load_encoder(encoder_name), cache_root)
        index, _, _ = build_bench_index(kb, self.encoder, VIEW_SCHEMES["title"])
        self.shared = SharedEncoder(self.encoder)
        self.judge = default_judge()
        self.matcher = AsOfMatcher(index, self.shared, candidates=50, judge=self.judge, judge_depth=20)
        self.kb = {fc.kb_id: KBInfo(verdict=fc.verdict, category=fc.category) for fc in kb}

    def _lookup(self, ids: set[str]) -> dict[str, KBInfo]:
        return {i: self.kb[i] for i in ids if i in self.kb}

    def probabilities(self, examples: Sequence[dict], text_model: object | None) -> np.ndarray:
        """The one hoax probability per example (the text model's alone where the post has no date)."""
        from pipelines.score import analyse_posts

        by_day: dict[date | None, list[int]] = defaultdict(list)
        for i, e in enumerate(examples):
            by_day[date.fromisoformat(e["date"][:10]) if e.get("date") else None].append(i)
        out = np.zeros(len(examples))
        for day, rows in by_day.items():
            posts = [PostToScore(post_id=i, text=examples[i]["text"], platform="bench") for i in rows]
            self.matcher.as_of = day
            analysis = analyse_posts(
                posts,
                self.shared,
                self.matcher if day is not None else None,
                text_model,
                kb_lookup=self._lookup,
                top_k=3,
            )
            out[rows] = [p or 0.0 for p in analysis.probabilities]
        return out
