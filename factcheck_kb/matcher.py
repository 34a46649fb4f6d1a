"""Match posts to known fact checks: dense + BM25 candidates, fused, ranked, then judged and banded.

With a match judge (models.judge, the default), the retriever's best candidates are verified: each pair's
absolute evidence (factcheck_kb.evidence) gives P(same claim), the post's words give P(it spreads the claim),
and the bands come from those probabilities (auto: P(same) × P(spreads) over the judge's auto threshold;
suggest: P(same) over its suggest threshold). Without one, the score bands of factcheck_kb.bands apply.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from factcheck_kb.bands import NONE, BandThresholds, PairScore, decide
from factcheck_kb.dense import VIEW_STRIDE, item_of
from factcheck_kb.evidence import (
    ClaimWords,
    PairEvidence,
    claim_denials,
    content_stems,
    denied_words,
    evidence_matrix,
    pair_evidence,
    post_term_stats,
)
from factcheck_kb.fusion import FitQuery, FusionConfig, fit_weighted, fuse
from factcheck_kb.index import Encoder, KBIndex
from factcheck_kb.query_clean import dense_query_text
from factcheck_kb.tokens import is_url_only, url_words, word_count

log = logging.getLogger(__name__)

LEXICAL_CHUNK = 256  # queries scored against the whole BM25 matrix at once


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One ranked KB item for a post; ``score`` is the fused score (or the one signal that ran)."""

    kb_id: str
    score: float
    band: str
    dense_score: float | None
    lexical_score: float | None
    rank: int
    #: the judge's P(the post makes this fact check's claim); None without a judge
    probability: float | None = None
    #: the judge's P(the post spreads the claim rather than reports its debunk)
    p_spreads: float | None = None
    stance: str | None = None
    evidence: dict | None = None


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """How one text is searched: 'hybrid', 'lexical' (short or URL-only) or 'dense' (no lexical index)."""

    mode: str
    dense_text: str
    lexical_text: str
    words: int
    url_only: bool


@dataclass(frozen=True, slots=True)
class Candidates:
    """One query's candidate item ids with their dense (best-view cosine) and lexical (BM25/self) scores."""

    plan: QueryPlan
    item_ids: np.ndarray
    dense: np.ndarray | None
    lexical: np.ndarray | None
    text: str = ""
    vector: np.ndarray | None = None
    lexical_raw: np.ndarray | None = None  # raw BM25 of each candidate (absolute, not per-query scaled)


class Matcher:
    """Batched matcher over an open :class:`KBIndex`; thresholds and fusion default to the manifest's."""

    def __init__(
        self,
        index: KBIndex,
        encoder: Encoder,
        thresholds: BandThresholds | None = None,
        fusion: FusionConfig | None = None,
        *,
        clean_queries: bool = True,
        candidates: int = 50,
        today: date | None = None,
        judge=None,
        judge_depth: int = 10,
    ):
        from factcheck_kb.index import check_encoder

        check_encoder(index.manifest, encoder, index.path)
        self.index = index
        self.encoder = encoder
        self.thresholds = thresholds or index.thresholds
        self.fusion = fusion or index.fusion
        self.clean_queries = clean_queries
        self.n_candidates = int(candidates)
        self.today = today
        self.judge = judge
        self.judge_depth = int(judge_depth)
        self._title_stems: dict[int, frozenset[str]] = {}
        self._claim_words: dict[int, ClaimWords] = {}
        self._rows: dict[int, np.ndarray] | None = None
        self._matrix: np.ndarray | None = None
        self._lex_col: dict[int, int] | None = None
        self._published_cache: dict[int, date | None] = {}

    @classmethod
    def open(cls, index_dir: Path | None = None, encoder: Encoder | None = None, **kwargs) -> Matcher:
        """The matcher for the configured index (``get_settings().index_dir``), encoder and match judge
        (the active one for this encoder, see :func:`models.judge.judge_for`; ``judge=None`` for none)."""
        from saring.config import get_settings

        settings = get_settings()
        if encoder is None:
            from models.encoder import load_encoder

            encoder = load_encoder(settings.encoder_model)
        index = KBIndex.open(index_dir or settings.index_dir, encoder)
        if "judge" not in kwargs:
            from models.judge import judge_for

            kwargs["judge"] = judge_for(encoder.model_id)
        return cls(index, encoder, **kwargs)

    # ------------------------------------------------------------ planning

    def plan(self, text: str) -> QueryPlan:
        text = text or ""
        url_only = is_url_only(text)
        words = word_count(text)
        has_lexical = len(self.index.lexical) > 0
        if url_only:
            return QueryPlan("lexical", "", url_words(text), 0, True)
        if words <= self.thresholds.short_query_words and has_lexical:
            return QueryPlan("lexical", "", text, words, False)
        dense_text = dense_query_text(text, clean=self.clean_queries)
        return QueryPlan("hybrid" if has_lexical else "dense", dense_text, text, words, False)

    # ------------------------------------------------------------ dense helpers

    def _vector_rows(self) -> tuple[dict[int, np.ndarray], np.ndarray]:
        """item id -> row numbers of its view vectors in an in-memory copy of the vectors."""
        if self._rows is None:
            vids, vectors = self.index.dense.all_vectors()
            items = item_of(vids)
            order = np.argsort(vids, kind="stable")
            vids, vectors, items = vids[order], vectors[order], items[order]
            rows: dict[int, np.ndarray] = {}
            if len(items):
                starts = np.flatnonzero(np.r_[True, items[1:] != items[:-1]])
                ends = np.r_[starts[1:], len(items)]
                for s, e in zip(starts, ends, strict=True):
                    rows[int(items[s])] = np.arange(s, e)
            self._rows, self._matrix = rows, np.ascontiguousarray(vectors, dtype=np.float32)
        return self._rows, self._matrix

    def _dense_scores(self, qvec: np.ndarray, item_ids: Sequence[int]) -> np.ndarray:
        """Best-view cosine of each item for one query vector."""
        rows, matrix = self._vector_rows()
        out = np.zeros(len(item_ids), dtype=np.float32)
        for pos, item in enumerate(item_ids):
            r = rows.get(int(item))
            if r is not None and len(r):
                out[pos] = float((matrix[r] @ qvec).max())
        return out

    def _dense_candidates(self, qvecs: np.ndarray) -> list[dict[int, float]]:
        """Per query: item id -> best-view cosine for the top items by FAISS."""
        if not len(qvecs):
            return []
        k_views = min(self.index.dense.ntotal, self.n_candidates * 4)
        scores, vids = self.index.dense.search(qvecs, k_views)
        out = []
        for row_scores, row_ids in zip(scores, vids, strict=True):
            found: dict[int, float] = {}
            for s, vid in zip(row_scores, row_ids, strict=True):
                if vid < 0:
                    continue
                item = int(vid) // VIEW_STRIDE
                if item not in found:
                    found[item] = float(s)
                    if len(found) >= self.n_candidates:
                        break
            out.append(found)
        return out

    # ------------------------------------------------------------ lexical helpers

    def _lexical_columns(self) -> dict[int, int]:
        if self._lex_col is None:
            self._lex_col = {int(i): c for c, i in enumerate(self.index.lexical.ids)}
        return self._lex_col

    def _lexical_rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(normalised score matrix over all lexical docs, raw score matrix) for texts, chunked."""
        lex = self.index.lexical
        tokens = [self.index.analyzer(t) for t in texts]
        norm_parts, raw_parts = [], []
        for start in range(0, len(tokens), LEXICAL_CHUNK):
            raw, self_scores = lex.score_matrix(tokens[start : start + LEXICAL_CHUNK])
            norm_parts.append(lex.normalise(raw, self_scores))
            raw_parts.append(raw)
        if not norm_parts:
            empty = np.zeros((0, len(lex)), np.float32)
            return empty, empty
        return np.vstack(norm_parts), np.vstack(raw_parts)

    # ------------------------------------------------------------ matching

    def _published(self, item_id: int) -> date | None:
        if item_id not in self._published_cache:
            entry = self.index.entry_for_item_id(item_id)
            value = None
            if entry is not None and entry.published:
                try:
                    value = date.fromisoformat(entry.published)
                except ValueError:
                    value = None
            self._published_cache[item_id] = value
        return self._published_cache[item_id]

    def candidates(self, texts: Sequence[str]) -> list[Candidates]:
        """Each text's candidate items (dense top-N plus BM25 top-N) with both scores; one encode call."""
        texts = list(texts)
        plans = [self.plan(t) for t in texts]
        dense_pos = [i for i, p in enumerate(plans) if p.mode in ("hybrid", "dense")]
        qvecs = np.zeros((len(texts), int(self.encoder.dim)), dtype=np.float32)
        dense_found: dict[int, dict[int, float]] = {}
        if dense_pos and self.index.dense.ntotal:
            encoded = self.encoder.encode([plans[i].dense_text for i in dense_pos], kind="query")
            qvecs[dense_pos] = np.asarray(encoded, dtype=np.float32)
            dense_found = dict(zip(dense_pos, self._dense_candidates(qvecs[dense_pos]), strict=True))

        lex_pos = [i for i, p in enumerate(plans) if p.mode in ("hybrid", "lexical")]
        lex_norm, lex_raw = self._lexical_rows([plans[i].lexical_text for i in lex_pos])
        lex_row_of = {qi: r for r, qi in enumerate(lex_pos)}
        lex_ids = self.index.lexical.ids
        cols = self._lexical_columns()

        out: list[Candidates] = []
        for qi, plan in enumerate(plans):
            cand: dict[int, None] = {}
            dense_map = dense_found.get(qi, {})
            cand.update(dict.fromkeys(dense_map))
            lex_row = lex_norm[lex_row_of[qi]] if qi in lex_row_of else None
            if lex_row is not None and len(lex_row):
                raw_row = lex_raw[lex_row_of[qi]]
                n = min(self.n_candidates, len(raw_row))
                top = np.argpartition(-raw_row, n - 1)[:n]
                cand.update(dict.fromkeys(int(lex_ids[c]) for c in top if raw_row[c] > 0))
            items = np.fromiter(cand, dtype=np.int64, count=len(cand))
            dense = lexical = None
            if plan.mode in ("hybrid", "dense"):
                missing = [int(it) for it in items if int(it) not in dense_map]
                extra = dict(zip(missing, self._dense_scores(qvecs[qi], missing), strict=True))
                dense = np.array(
                    [dense_map.get(int(it), extra.get(int(it), 0.0)) for it in items], np.float32
                )
            lexical_raw = None
            if lex_row is not None:
                raw_row = lex_raw[lex_row_of[qi]]
                lexical = np.array(
                    [lex_row[cols[int(it)]] if int(it) in cols else 0.0 for it in items], dtype=np.float32
                )
                lexical_raw = np.array(
                    [raw_row[cols[int(it)]] if int(it) in cols else 0.0 for it in items], dtype=np.float32
                )
            vector = qvecs[qi] if plan.mode in ("hybrid", "dense") else None
            out.append(Candidates(plan, items, dense, lexical, texts[qi], vector, lexical_raw))
        return out

    def fused_scores(self, cand: Candidates, fusion: FusionConfig | None = None) -> np.ndarray:
        """The ranking score of each candidate: fused for hybrid queries, else the one signal that ran."""
        if cand.plan.mode == "hybrid":
            return fuse(cand.dense, cand.lexical, fusion or self.fusion)
        return cand.dense if cand.plan.mode == "dense" else cand.lexical

    def rank(
        self,
        cand: Candidates,
        top_k: int = 10,
        *,
        fusion: FusionConfig | None = None,
        thresholds: BandThresholds | None = None,
    ) -> list[MatchResult]:
        """Fuse, sort and band one query's candidates (judged, when the matcher has a judge)."""
        if not len(cand.item_ids):
            return []
        fused = self.fused_scores(cand, fusion)
        tiebreak = cand.dense if cand.dense is not None else cand.lexical
        if self.judge is not None:
            return self._judged(cand, fused, tiebreak, top_k)
        order = np.lexsort((-tiebreak, -fused))[:top_k]
        plan = cand.plan
        row: list[MatchResult] = []
        for pos in order:
            item = int(cand.item_ids[pos])
            kb_id = self.index.kb_id_of(item)
            if kb_id is None:
                continue
            d = float(cand.dense[pos]) if cand.dense is not None else None
            lx = float(cand.lexical[pos]) if cand.lexical is not None else None
            band = decide(
                thresholds or self.thresholds,
                mode=plan.mode,
                fused=float(fused[pos]),
                dense=d,
                lexical=lx,
                words=plan.words,
                url_only=plan.url_only,
                published=self._published(item),
                today=self.today,
            )
            row.append(_result(kb_id, cand, pos, fused, band, len(row) + 1))
        return row

    # ------------------------------------------------------------ judging

    def _title_stems_of(self, item: int) -> frozenset[str]:
        if item not in self._title_stems:
            entry = self.index.entry_for_item_id(item)
            self._title_stems[item] = content_stems(self.index.analyzer((entry.title or "") if entry else ""))
        return self._title_stems[item]

    def _claim_words_of(self, item: int) -> ClaimWords:
        if item not in self._claim_words:
            entry = self.index.entry_for_item_id(item)
            self._claim_words[item] = ClaimWords.of((entry.title or "") if entry else "", self.index.analyzer)
        return self._claim_words[item]

    def denials(self, cand: Candidates, positions: Sequence[int]) -> list[list[str]]:
        """Per candidate at ``positions``: the words of its claim (title) that the post denies."""
        denied = denied_words(cand.text, self.index.analyzer)
        if not denied:
            return [[] for _ in positions]
        return [claim_denials(denied, self._claim_words_of(int(cand.item_ids[pos]))) for pos in positions]

    def post_stems(self, cand: Candidates) -> frozenset[str]:
        """The content stems the judge compares: of the cleaned post (the URL's words for URL-only posts)."""
        plan = cand.plan
        return content_stems(self.index.analyzer(plan.dense_text or plan.lexical_text or cand.text))

    def evidence(self, cand: Candidates, positions: Sequence[int]) -> list[PairEvidence]:
        """The absolute evidence of the query against the candidates at ``positions``."""
        stems = self.post_stems(cand)
        lexical = self.index.lexical
        stats = post_term_stats(stems, lexical)
        out = []
        for pos in positions:
            item = int(cand.item_ids[pos])
            cosine = float(cand.dense[pos]) if cand.dense is not None else None
            bm25 = float(cand.lexical_raw[pos]) if cand.lexical_raw is not None else 0.0
            out.append(
                pair_evidence(
                    stems,
                    lexical.doc_terms(item),
                    self._title_stems_of(item),
                    cosine,
                    bm25=bm25,
                    terms=stats,
                )
            )
        return out

    def judge_candidates(
        self, cand: Candidates, fused: np.ndarray | None = None, tiebreak: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[PairEvidence], np.ndarray, np.ndarray, list[list[str]]]:
        """The retriever's best ``judge_depth`` candidates (positions), their evidence, P(same claim),
        P(spreads) (of the post, against each candidate where the judge reads pairs) and the claim words
        the post denies."""
        fused = self.fused_scores(cand) if fused is None else fused
        if tiebreak is None:
            tiebreak = cand.dense if cand.dense is not None else cand.lexical
        top = np.lexsort((-tiebreak, -fused))[: self.judge_depth]
        evidence = self.evidence(cand, top)
        p_same = self.judge.verify(evidence_matrix(evidence))
        denials = self.denials(cand, top)
        vectors = None if cand.vector is None else cand.vector.reshape(1, -1)
        model_id = self.encoder.model_id
        if self.judge.reads_pairs and any(denials):
            pair = self.judge.stance_pair(denials)
            many = None if vectors is None else np.repeat(vectors, len(top), axis=0)
            p_spreads = self.judge.p_spreads([cand.text] * len(top), many, model_id, pair=pair)
        else:
            p_spreads = np.full(len(top), float(self.judge.p_spreads([cand.text], vectors, model_id)[0]))
        return top, evidence, p_same, p_spreads, denials

    def _judged(
        self, cand: Candidates, fused: np.ndarray, tiebreak: np.ndarray, top_k: int
    ) -> list[MatchResult]:
        top, evidence, p_same, spreads, denials = self.judge_candidates(cand, fused, tiebreak)
        order = np.argsort(-p_same, kind="stable") if self.judge.config.rerank else np.arange(len(top))
        plan = cand.plan
        row: list[MatchResult] = []
        for j in order[:top_k]:
            pos = int(top[j])
            item = int(cand.item_ids[pos])
            kb_id = self.index.kb_id_of(item)
            if kb_id is None:
                continue
            p_spreads = float(spreads[j])
            band = self.judge.band(
                float(p_same[j]),
                p_spreads,
                words=plan.words,
                url_only=plan.url_only,
                published=self._published(item),
                today=self.today,
            )
            row.append(
                _result(
                    kb_id,
                    cand,
                    pos,
                    fused,
                    band,
                    len(row) + 1,
                    probability=round(float(p_same[j]), 6),
                    p_spreads=round(p_spreads, 6),
                    stance=self.judge.stance_label(p_spreads) if band != NONE else "unrelated",
                    evidence=_with_denials(evidence[j].to_dict(), denials[j]),
                )
            )
        return row

    def match(self, texts: Sequence[str], top_k: int = 10) -> list[list[MatchResult]]:
        """Ranked, banded matches for each text (all queries encoded in one call)."""
        return [self.rank(cand, top_k) for cand in self.candidates(texts)]

    def score_pairs(self, texts: Sequence[str], kb_ids: Sequence[str]) -> list[PairScore]:
        """The matcher's scores of given (text, kb item) pairs, for calibration (unknown items score 0)."""
        if len(texts) != len(kb_ids):
            raise ValueError("texts and kb_ids differ in length")
        plans = [self.plan(t) for t in texts]
        dense_pos = [i for i, p in enumerate(plans) if p.mode in ("hybrid", "dense")]
        qvecs = np.zeros((len(texts), int(self.encoder.dim)), dtype=np.float32)
        if dense_pos:
            qvecs[dense_pos] = self.encoder.encode([plans[i].dense_text for i in dense_pos], kind="query")
        lex_pos = [i for i, p in enumerate(plans) if p.mode in ("hybrid", "lexical")]
        lex_norm, _ = self._lexical_rows([plans[i].lexical_text for i in lex_pos])
        lex_row_of = {qi: r for r, qi in enumerate(lex_pos)}
        cols = self._lexical_columns()
        out = []
        for qi, (plan, kb_id) in enumerate(zip(plans, kb_ids, strict=True)):
            entry = self.index.items.get(kb_id)
            item = entry.item_id if entry else None
            d = lx = None
            if plan.mode in ("hybrid", "dense"):
                d = float(self._dense_scores(qvecs[qi], [item])[0]) if item is not None else 0.0
            if plan.mode in ("hybrid", "lexical"):
                lx = float(lex_norm[lex_row_of[qi]][cols[item]]) if item in cols else 0.0
            if plan.mode == "hybrid":
                fused = (
                    float(fuse(np.array([d]), np.array([lx]), self.fusion)[0])
                    if (self.fusion.method == "weighted")
                    else float(self._rrf_pair(texts[qi], kb_id))
                )
            else:
                fused = d if plan.mode == "dense" else lx
            out.append(PairScore(fused=fused, dense=d, lexical=lx))
        return out

    def fit_queries(
        self,
        texts: Sequence[str],
        golds: Sequence[Collection[str]],
        cands: Sequence[Candidates] | None = None,
    ) -> list[FitQuery]:
        """Hybrid texts' candidates with the right fact checks marked (short and URL-only texts skipped)."""
        cands = self.candidates(texts) if cands is None else cands
        out = []
        for cand, gold in zip(cands, golds, strict=True):
            if cand.plan.mode != "hybrid" or not len(cand.item_ids):
                continue
            wanted = set(gold)
            mask = np.array([self.index.kb_id_of(int(i)) in wanted for i in cand.item_ids], dtype=bool)
            out.append(FitQuery(cand.dense, cand.lexical, mask))
        return out

    def fit_fusion(
        self, texts: Sequence[str], golds: Sequence[Collection[str]], **kwargs
    ) -> tuple[FusionConfig, dict[str, float]]:
        """Weighted fusion fitted on labelled texts (each with its right kb_ids); the matcher is unchanged."""
        return fit_weighted(self.fit_queries(texts, golds), self.encoder.model_id, base=self.fusion, **kwargs)

    def _rrf_pair(self, text: str, kb_id: str) -> float:
        for result in self.match([text], top_k=self.n_candidates)[0]:
            if result.kb_id == kb_id:
                return result.score
        return 0.0


def _with_denials(evidence: dict, denied: list[str]) -> dict:
    return {**evidence, "denied_terms": denied} if denied else evidence


def _result(
    kb_id: str, cand: Candidates, pos: int, fused: np.ndarray, band: str, rank: int, **judged
) -> MatchResult:
    """One ranked result: the candidate's fused, dense and lexical scores (rounded), band, rank, and the
    judge's view when there is one."""
    d = None if cand.dense is None else round(float(cand.dense[pos]), 6)
    lx = None if cand.lexical is None else round(float(cand.lexical[pos]), 6)
    return MatchResult(kb_id, round(float(fused[pos]), 6), band, d, lx, rank, **judged)
