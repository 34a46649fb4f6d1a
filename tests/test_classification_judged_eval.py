"""The classification benchmark's judged models see the KB as it stood on each post's date."""

from __future__ import annotations

from datetime import date

from matching_helpers import POSTS, sample_factchecks

from eval.classification_judged import AsOfMatcher
from factcheck_kb.index import KBIndex, build_or_update


def test_a_post_never_meets_a_fact_check_published_on_or_after_its_date(tmp_path, use_encoder):
    folder = tmp_path / "index"
    build_or_update(folder, sample_factchecks(), use_encoder)
    matcher = AsOfMatcher(KBIndex.open(folder, use_encoder), use_encoder)
    texts = list(POSTS.values())
    assert [row[0].kb_id for row in matcher.match(texts, top_k=3)] == list(POSTS)

    matcher.as_of = date(2025, 3, 14)  # t-kb-01's own day: only t-kb-03 (2024-05) and t-kb-06 (2024-11) exist
    rows = matcher.match(texts, top_k=6)
    assert {m.kb_id for row in rows for m in row} <= {"t-kb-03", "t-kb-06"}
    assert rows[2][0].kb_id == "t-kb-03"  # the vaccine-chip post still finds the older check

    matcher.as_of = date(2024, 1, 1)
    assert all(row == [] for row in matcher.match(texts, top_k=3))
