"""Fit a match judge on an install's own KB and TRC verdicts (what `saring judge train` runs).

Pairs come from the KB itself, as in eval.judge: every item with a circulating claim is a query whose right
answer is the item (and items with the same normalised title), searched in a temporary index of the whole
KB with every claim blanked (title view), so the claim never finds itself. TRC verdicts add the posts the
desk decided: a post decided hoaks/disinformasi/misinformasi with a linked fact check spreads that claim; one
decided bukan_hoaks with a linked fact check reports its debunk; one decided bukan_hoaks without a link
makes none of its matched claims (those pairs are negatives). Stance texts are the claims (spreading), the
items' tagged headlines and conclusions (refuting) and the decided posts. Fit/held-out: a hash of the id.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from factcheck_kb.records import FactCheck
from factcheck_kb.tokens import title_key

log = logging.getLogger(__name__)
SPREADING_VERDICTS = frozenset({"hoaks", "disinformasi", "misinformasi"})


@dataclass(slots=True)
class DecidedPost:
    text: str
    verdict: str
    kb_id: str | None
    matched: list[str]


def _held(key: str, share: float = 0.3) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % 1000 < share * 1000


def decided_posts(session) -> list[DecidedPost]:
    """The TRC's verdicts with each post's text, linked fact check and stored matches."""
    from sqlalchemy import select

    from saring.db.tables.core import KBItem, Match, Post, Verdict

    kb_ids = dict(session.execute(select(KBItem.id, KBItem.kb_id)).all())
    matched: dict[int, list[str]] = {}
    for post_id, kb_pk in session.execute(select(Match.post_id, Match.kb_item_id)):
        matched.setdefault(post_id, []).append(kb_ids.get(kb_pk, ""))
    out = []
    for verdict, text in session.execute(select(Verdict, Post.text).join(Post, Post.id == Verdict.post_id)):
        link = kb_ids.get(verdict.kb_item_id) if verdict.kb_item_id else None
        out.append(DecidedPost(text, verdict.verdict, link, matched.get(verdict.post_id, [])))
    return out


def fit_from_kb(
    factchecks: list[FactCheck],
    decided: list[DecidedPost],
    encoder,
    *,
    depth: int = 20,
    progress: Callable[[str], None] | None = None,
):
    """A judge fitted on this KB and these verdicts, with its metrics; raises ValueError when too few."""
    from factcheck_kb.index import KBIndex, build_or_update
    from factcheck_kb.judge_pairs import candidate_pairs
    from factcheck_kb.matcher import Matcher
    from factcheck_kb.query_clean import dense_query_text
    from factcheck_kb.views import ViewScheme
    from models.judge.stance_cues import pair_matrix, refutation_texts, text_denials
    from models.judge.train import StanceSet, fit_judge

    say = progress or (lambda _msg: None)
    queries = [
        fc for fc in factchecks if fc.claim_text.strip() and (fc.title or fc.conclusion or fc.explanation)
    ]
    if len(queries) < 20:
        raise ValueError(f"only {len(queries)} KB items carry a circulating claim; at least 20 are needed")
    by_title: dict[str, set[str]] = {}
    for fc in factchecks:
        by_title.setdefault(title_key(fc.title), set()).add(fc.kb_id)
    blanked = [replace(fc, claim_text="") for fc in factchecks]
    folder = Path(tempfile.mkdtemp(prefix="saring-judge-")) / "index"
    say(f"indexing {len(blanked)} items with their claims blanked")
    scheme = ViewScheme(include_claim=False, max_chunks=0, use_conclusion=False)
    build_or_update(folder, blanked, encoder, scheme=scheme)
    matcher = Matcher(KBIndex.open(folder, encoder), encoder, candidates=50)

    texts, golds, held = [], [], []
    for fc in queries:
        texts.append(fc.claim_text)
        golds.append(frozenset(by_title.get(title_key(fc.title), set()) | {fc.kb_id}))
        held.append(_held(fc.kb_id))
    stance_texts, stance_y, stance_held, stance_titles = [], [], [], []
    titles = {fc.kb_id: fc.title for fc in factchecks}
    for fc in queries:
        stance_texts.append(dense_query_text(fc.claim_text))
        stance_y.append(1)
        stance_held.append(_held(fc.kb_id))
        stance_titles.append(fc.title)
        for text in refutation_texts(fc):
            stance_texts.append(text)
            stance_y.append(0)
            stance_held.append(_held(fc.kb_id))
            stance_titles.append(fc.title)
    for post in decided:
        spreads = post.verdict in SPREADING_VERDICTS
        if post.kb_id:
            texts.append(post.text)
            golds.append(frozenset({post.kb_id}))
            held.append(_held(post.text))
            if spreads or post.verdict == "bukan_hoaks":
                stance_texts.append(post.text)
                stance_y.append(1 if spreads else 0)
                stance_held.append(_held(post.text))
                stance_titles.append(titles.get(post.kb_id))
        elif post.verdict == "bukan_hoaks":
            texts.append(post.text)
            golds.append(frozenset())
            held.append(_held(post.text))
    say(f"judging the candidates of {len(texts)} texts")
    held_arr = np.asarray(held)
    parts = {}
    for name, mask in (("fit", ~held_arr), ("held", held_arr)):
        idx = np.flatnonzero(mask)
        parts[name] = candidate_pairs(matcher, [texts[i] for i in idx], [golds[i] for i in idx], depth=depth)
    if int(parts["fit"].y.sum()) < 10 or int(parts["held"].y.sum()) < 5:
        raise ValueError("too few right pairs among the candidates to fit a judge")
    vectors = np.asarray(encoder.encode([dense_query_text(t) for t in stance_texts], kind="query"))
    analyzer = matcher.index.analyzer
    pair = pair_matrix(
        [text_denials(t, title, analyzer) for t, title in zip(stance_texts, stance_titles, strict=True)]
    )
    st = StanceSet(stance_texts, np.asarray(stance_y), vectors, pair=pair)
    sh = np.asarray(stance_held)
    training = {
        "kb_items": len(factchecks),
        "claim_queries": len(queries),
        "trc_verdicts": len(decided),
        "pairs": {k: {"n": len(v), "right": int(v.y.sum())} for k, v in parts.items()},
        "split": "30% held out by a hash of the id",
    }
    judge, metrics = fit_judge(
        parts["fit"],
        parts["held"],
        st.subset(~sh),
        st.subset(sh),
        encoder_id=encoder.model_id,
        training_data=training,
    )
    return judge, metrics, parts["held"]


def held_out_auc(judge, pairs) -> float | None:
    from models.judge.train import auc

    return auc(judge.verify(pairs.x), pairs.y)


__all__ = ["DecidedPost", "decided_posts", "fit_from_kb", "held_out_auc"]
