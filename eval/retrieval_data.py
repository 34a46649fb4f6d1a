"""Data for the retrieval benchmark: the full KB (claims never indexed) and claim->fact-check query pairs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from factcheck_kb.records import FactCheck
from factcheck_kb.tokens import title_key

log = logging.getLogger(__name__)

UNIFIED = Path("derived") / "kb_factchecks_unified.csv"
# The earlier period ends here; later-period queries are the time-disjoint evaluation set.
DEFAULT_SPLIT = date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class Query:
    """A circulating claim, the fact check written about it, and its period."""

    qid: str
    text: str
    gold: str
    gold_equivalent: frozenset[str]
    source: str
    published: date | None
    period: str
    gold_near: frozenset[str] = frozenset()


def shared_data_dir() -> Path | None:
    """The real data folder (settings.data_dir) when it holds the unified KB, else None."""
    from saring.config import get_settings

    data_dir = get_settings().data_dir
    return Path(data_dir) if data_dir is not None and (Path(data_dir) / UNIFIED).is_file() else None


def _read_pandas(path: Path) -> list[FactCheck]:
    """Fallback reader (used only while the unified importer is unavailable)."""
    import pandas as pd

    df = pd.read_csv(path, keep_default_na=False, dtype=str)
    out = []
    for row in df.itertuples(index=False):
        try:
            published = date.fromisoformat(row.published_date) if row.published_date else None
        except ValueError:
            published = None
        out.append(
            FactCheck(
                kb_id=row.kb_id,
                source=row.source,
                title=row.title,
                claim_text=row.claim_text,
                explanation=row.explanation,
                conclusion=row.conclusion,
                url=row.source_url or None,
                published_date=published,
                verdict=row.verdict or None,
                category=row.category or None,
                text_quality=row.text_quality or None,
            )
        )
    return out


def load_kb(data_dir: Path) -> list[FactCheck]:
    """Every item of the unified KB, through the project's importer when it is there."""
    path = Path(data_dir) / UNIFIED
    try:
        from factcheck_kb.importers import read
    except ImportError:
        read = None
    if read is not None:
        result = read(path)
        if result.errors:
            log.info("unified importer reported %d bad rows (skipped)", len(result.errors))
        return list(result.records)
    return _read_pandas(path)


def is_turnbackhoax(fc: FactCheck) -> bool:
    return fc.source.split("(", 1)[0].strip().lower() in ("turnbackhoax", "mafindo")


NEAR_DUP_JACCARD = 0.8


def _title_tokens(fc: FactCheck, analyzer) -> frozenset[str]:
    return frozenset(analyzer(fc.title or ""))


def near_duplicates(kb: list[FactCheck], targets: set[str], threshold: float = NEAR_DUP_JACCARD) -> dict:
    """kb_id -> ids of items whose stemmed title words overlap its own with Jaccard >= threshold.

    Catches the same hoax checked by another publisher ("Prabowo Mengesahkan Hukuman Mati untuk Koruptor"
    vs "presiden prabowo sahkan hukuman mati untuk koruptor"); titles of fewer than three words are skipped.
    """
    from factcheck_kb.tokens import IndonesianAnalyzer

    analyzer = IndonesianAnalyzer(mode="stem")
    tokens = {fc.kb_id: _title_tokens(fc, analyzer) for fc in kb}
    postings: dict[str, list[str]] = {}
    for kb_id, toks in tokens.items():
        for t in toks:
            postings.setdefault(t, []).append(kb_id)
    out: dict[str, set[str]] = {}
    for kb_id in targets:
        mine = tokens.get(kb_id, frozenset())
        if len(mine) < 3:
            continue
        overlap: dict[str, int] = {}
        for t in mine:
            for other in postings[t]:
                overlap[other] = overlap.get(other, 0) + 1
        out[kb_id] = {
            other
            for other, n in overlap.items()
            if other != kb_id and n / len(mine | tokens[other]) >= threshold
        }
    return out


def build_queries(kb: list[FactCheck], split: date = DEFAULT_SPLIT) -> list[Query]:
    """TurnBackHoax items with both a circulating claim and an article become (claim -> item) queries.

    Answers accepted: strict = the gold id; lenient = also an item with the same normalised title (the same
    fact check copied by another source); near = also an item whose title is a near duplicate
    (:func:`near_duplicates`, the same hoax checked by another publisher).
    """
    by_title: dict[str, set[str]] = {}
    for fc in kb:
        key = title_key(fc.title)
        if key:
            by_title.setdefault(key, set()).add(fc.kb_id)
    golds = {fc.kb_id for fc in kb if is_turnbackhoax(fc) and fc.claim_text.strip()}
    near = near_duplicates(kb, golds)
    queries = []
    for fc in kb:
        if not (
            is_turnbackhoax(fc)
            and fc.claim_text.strip()
            and (fc.explanation.strip() or fc.conclusion.strip())
        ):
            continue
        equivalent = frozenset(by_title.get(title_key(fc.title), set()) | {fc.kb_id})
        period = "later" if fc.published_date and fc.published_date >= split else "earlier"
        queries.append(
            Query(
                qid=fc.kb_id,
                text=fc.claim_text,
                gold=fc.kb_id,
                gold_equivalent=equivalent,
                source=fc.source,
                published=fc.published_date,
                period=period,
                gold_near=frozenset(equivalent | near.get(fc.kb_id, set())),
            )
        )
    return queries


def without_claims(kb: list[FactCheck]) -> list[FactCheck]:
    """The KB as the benchmark indexes it: every item, its claim text blanked (the claim is the query)."""
    return [replace(fc, claim_text="") for fc in kb]
