"""Evidence that a post and a fact check make the same claim, measured the same way for every post.

Every number here is a property of the (post, fact check) pair alone: nothing is divided by the best
candidate's score, by the post's score against itself, or by a rank. So 0.3 means the same for a short post
and a long one, for a demo KB of 73 items and the real one of 17,000, and appending unrelated words to a post
can only lower its coverage, never raise a match.

The features (names as in :data:`FEATURES`):

- ``cosine``: the encoder's cosine of the post and the item's best view (0 when no dense search ran);
- ``coverage_post``: share of the post's distinct content stems found in the fact check's text;
- ``coverage_title``: share of the fact check title's distinct content stems found in the post;
- ``shared_terms``: log(1 + number of shared content stems);
- ``post_terms``: log(1 + number of distinct content stems in the post);
- ``numbers_shared`` / ``numbers_conflict``: numbers (amounts, dates, counts) in both, and numbers of the
  post absent from a fact check that has numbers of its own (capped at 3);
- ``bm25``: log(1 + raw BM25 of the post against the fact check), not divided by anything of the post's;
- ``idf_coverage_post``: the post's stems weighted by idf, the share found in the fact check (a word no
  fact check has counts with the highest idf, so unknown words lower it instead of dropping out);
- ``rare_shared`` / ``rare_missing``: log(1 + rare stems, held by at most 0.2% of the KB, that the post
  shares with the fact check / that the fact check lacks): names, places and numbers are what make a claim;
- products of the cosine with both coverages (the two kinds of evidence reinforce each other).

:func:`claim_denials` is evidence of another kind: the words of the fact check's claim (its title) that the
post denies ("tidak bisa tangkal" against "dapat menangkal"). It is no verifier feature (a denial is still the
same claim) but the stance head's pair cue: the post reports the debunk.

The age of the fact check is deliberately not a feature: in the KB's own pairs a claim and its article are
always the same age, so a model would learn "new fact check = match". Age is applied as a rule instead
(``BandThresholds.max_auto_age_days``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from factcheck_kb.tokens import deleet_text


class TermStats(Protocol):
    """What the evidence needs of the KB's term statistics (factcheck_kb.lexical.BM25Index has it)."""

    def idf(self, term: str) -> float: ...

    def is_rare(self, term: str) -> bool: ...


FEATURES = (
    "cosine",
    "dense_missing",
    "coverage_post",
    "coverage_title",
    "shared_terms",
    "post_terms",
    "numbers_shared",
    "numbers_conflict",
    "cosine_x_coverage_post",
    "cosine_x_coverage_title",
    "bm25",
    "idf_coverage_post",
    "rare_shared",
    "rare_missing",
)
NUMBER_CAP = 3


def content_stems(tokens: Iterable[str]) -> frozenset[str]:
    """The stems of an analyzer's output (its '=surface' forms left out)."""
    return frozenset(t for t in tokens if t and not t.startswith("="))


def _numbers(stems: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in stems if t.isdigit())


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """The raw evidence of one (post, fact check) pair; see the module docstring."""

    cosine: float | None
    coverage_post: float
    coverage_title: float
    shared_terms: int
    post_terms: int
    numbers_shared: int
    numbers_conflict: int
    bm25: float = 0.0
    idf_coverage_post: float = 0.0
    rare_shared: int = 0
    rare_missing: int = 0

    def vector(self) -> list[float]:
        """The features in :data:`FEATURES` order."""
        cos = float(self.cosine) if self.cosine is not None else 0.0
        return [
            cos,
            0.0 if self.cosine is not None else 1.0,
            self.coverage_post,
            self.coverage_title,
            math.log1p(self.shared_terms),
            math.log1p(self.post_terms),
            float(min(self.numbers_shared, NUMBER_CAP)),
            float(min(self.numbers_conflict, NUMBER_CAP)),
            cos * self.coverage_post,
            cos * self.coverage_title,
            math.log1p(max(self.bm25, 0.0)),
            self.idf_coverage_post,
            math.log1p(self.rare_shared),
            math.log1p(self.rare_missing),
        ]

    def to_dict(self) -> dict:
        return {
            "cosine": None if self.cosine is None else round(float(self.cosine), 4),
            "coverage_post": round(self.coverage_post, 4),
            "coverage_title": round(self.coverage_title, 4),
            "shared_terms": self.shared_terms,
            "post_terms": self.post_terms,
            "numbers_shared": self.numbers_shared,
            "numbers_conflict": self.numbers_conflict,
            "bm25": round(self.bm25, 3),
            "idf_coverage_post": round(self.idf_coverage_post, 4),
            "rare_shared": self.rare_shared,
            "rare_missing": self.rare_missing,
        }


@dataclass(frozen=True, slots=True)
class PostTermStats:
    """What the KB's term statistics say of one post's stems (the same for all its candidates)."""

    idf: dict[str, float]
    rare: frozenset[str]


def post_term_stats(post_stems: frozenset[str], terms: TermStats) -> PostTermStats:
    return PostTermStats(
        {t: terms.idf(t) for t in post_stems}, frozenset(t for t in post_stems if terms.is_rare(t))
    )


def pair_evidence(
    post_stems: frozenset[str],
    doc_stems: frozenset[str],
    title_stems: frozenset[str],
    cosine: float | None,
    *,
    bm25: float = 0.0,
    terms: TermStats | PostTermStats | None = None,
) -> PairEvidence:
    """Evidence of one pair from the post's content stems, the fact check's document and title stems, the
    raw BM25 and the KB's term statistics (or the post's, from :func:`post_term_stats`, when one post is
    compared with many fact checks)."""
    shared = post_stems & doc_stems
    idf_cov = 0.0
    rare_shared = rare_missing = 0
    if terms is not None and post_stems:
        stats = terms if isinstance(terms, PostTermStats) else post_term_stats(post_stems, terms)
        total = sum(stats.idf.values())
        idf_cov = sum(stats.idf[t] for t in shared) / total if total > 0 else 0.0
        rare_shared = len(stats.rare & shared)
        rare_missing = len(stats.rare - shared)
    post_numbers = _numbers(post_stems)
    doc_numbers = _numbers(doc_stems)
    conflict = len(post_numbers - doc_numbers) if doc_numbers else 0
    return PairEvidence(
        cosine=None if cosine is None else float(cosine),
        coverage_post=len(shared) / len(post_stems) if post_stems else 0.0,
        coverage_title=len(title_stems & post_stems) / len(title_stems) if title_stems else 0.0,
        shared_terms=len(shared),
        post_terms=len(post_stems),
        numbers_shared=len(post_numbers & doc_numbers),
        numbers_conflict=conflict,
        bm25=float(bm25),
        idf_coverage_post=idf_cov,
        rare_shared=rare_shared,
        rare_missing=rare_missing,
    )


def evidence_matrix(rows: Iterable[PairEvidence]) -> np.ndarray:
    """Stacked feature vectors, shape (n, len(FEATURES))."""
    data = [r.vector() for r in rows]
    return np.asarray(data, dtype=np.float64).reshape(len(data), len(FEATURES))


# ------------------------------------------------------------------ the post denies the claim

_NEGATORS = frozenset("tidak tak tdk gak ga nggak ngga enggak ndak bukan bkn belum blm tiada".split())  # noqa: SIM905
# words between a negator and what it denies ("tidak akan bisa membersihkan"), and debunk words themselves
_FILLERS = frozenset(
    "ada bisa dapat akan pernah lagi mampu boleh perlu harus juga pula sama sekali terbukti benar bener "  # noqa: SIM905
    "sedang sudah lah kok ya itu ini hoaks hoax yang yg".split()
)
# a negation under a condition or in a relative clause threatens rather than denies: "kalau nggak bayar
# namanya dicoret", "yg gak bayar gak boleh ikut ujian"
_CONDITIONS = frozenset(
    "kalau kalo klo kl jika jikalau bila apabila asal asalkan agar supaya biar yang yg siapa barang".split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+(?:-\w+)*")


def negated_words(text: str) -> list[str]:
    """The words a negator denies: the first word after each tidak/tak/bukan/belum… past the fillers (not
    after "kalau", "jika", "yang"…: a threat, not a denial)."""
    words = [w.lower() for w in _WORD.findall(deleet_text(text or ""))]
    out: list[str] = []
    for i, word in enumerate(words):
        if word not in _NEGATORS or (i and words[i - 1] in _CONDITIONS):
            continue
        for following in words[i + 1 : i + 6]:
            if following in _NEGATORS:
                break
            if following not in _FILLERS:
                out.append(following)
                break
    return out


Analyzer = Callable[[str], list[str]]
#: the words a text denies, each with the KB analyzer's tokens for it (stems and surface forms)
Denied = tuple[tuple[str, frozenset[str]], ...]


def denied_words(text: str, analyzer: Analyzer) -> Denied:
    """The words a text denies (:func:`negated_words`), each with its analyzer tokens: read once per text."""
    return tuple((w, frozenset(analyzer(w))) for w in dict.fromkeys(negated_words(text)))


@dataclass(frozen=True, slots=True)
class ClaimWords:
    """A fact check title's words (the KB analyzer's stems and surface forms) and those it denies itself."""

    tokens: frozenset[str]
    denied: frozenset[str]

    @classmethod
    def of(cls, title: str, analyzer: Analyzer) -> ClaimWords:
        own = frozenset(t for _, tokens in denied_words(title, analyzer) for t in tokens)
        return cls(frozenset(analyzer(title or "")), own)


def claim_denials(denied: Denied, claim: ClaimWords) -> list[str]:
    """The words of a fact check's claim (its title) that a post denies (``denied``, from
    :func:`denied_words`) and the title does not: "Jambu Kristal Tidak Bisa Tangkal Covid-19" against "Jambu
    Kristal Putih Dapat Menangkal Covid-19" gives ["tangkal"]."""
    return [word for word, tokens in denied if tokens & claim.tokens and not tokens & claim.denied]
