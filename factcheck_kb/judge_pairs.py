"""Labelled (post, fact check) candidate pairs from a matcher: what a match judge is fitted and tested on.

Each text is searched like a post; its best ``depth`` candidates by the retriever's fused score become pairs
with their absolute evidence. A pair is labelled 1 when the candidate is one of the text's right fact checks,
0 otherwise (hard negatives from the retriever's own top candidates); candidates listed in ``ignore`` (the
same hoax checked by another publisher, say) are left out rather than called wrong. Texts with no right
fact check (off-topic posts, mainstream news) give negatives only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from factcheck_kb.evidence import evidence_matrix
from factcheck_kb.matcher import Matcher


def candidate_pairs(
    matcher: Matcher,
    texts: Sequence[str],
    golds: Sequence[Collection[str]] | None = None,
    *,
    ignore: Sequence[Collection[str]] | None = None,
    depth: int = 20,
):
    """A :class:`models.judge.train.PairSet` of the texts' top candidates (and their query vectors)."""
    from models.judge.stance_cues import pair_matrix
    from models.judge.train import PairSet

    texts = list(texts)
    golds = golds if golds is not None else [()] * len(texts)
    ignore = ignore if ignore is not None else [()] * len(texts)
    rows, labels, groups, ranks, kb_ids, denials = [], [], [], [], [], []
    vectors = np.zeros((len(texts), int(matcher.encoder.dim)), dtype=np.float32)
    for qi, cand in enumerate(matcher.candidates(texts)):
        if cand.vector is not None:
            vectors[qi] = cand.vector
        if not len(cand.item_ids):
            continue
        fused = matcher.fused_scores(cand)
        tiebreak = cand.dense if cand.dense is not None else cand.lexical
        top = np.lexsort((-tiebreak, -fused))[:depth]
        wanted, skip = set(golds[qi]), set(ignore[qi])
        keep, keep_labels, keep_ranks = [], [], []
        for rank, pos in enumerate(top):
            kb_id = matcher.index.kb_id_of(int(cand.item_ids[pos]))
            if kb_id is None or (kb_id in skip and kb_id not in wanted):
                continue
            keep.append(int(pos))
            keep_labels.append(1 if kb_id in wanted else 0)
            keep_ranks.append(rank)
            kb_ids.append(kb_id)
        if not keep:
            continue
        rows.append(evidence_matrix(matcher.evidence(cand, keep)))
        denials.extend(matcher.denials(cand, keep))
        labels.extend(keep_labels)
        ranks.extend(keep_ranks)
        groups.extend([qi] * len(keep))
    x = np.vstack(rows) if rows else np.zeros((0, evidence_matrix([]).shape[1]))
    return PairSet(
        x,
        np.asarray(labels, dtype=int),
        np.asarray(groups, dtype=int),
        np.asarray(ranks, dtype=int),
        texts,
        vectors,
        kb_ids,
        pair_matrix(denials),
    )
