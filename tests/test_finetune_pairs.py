"""Training pairs for claim -> fact-check fine-tuning: time cut-off, exclusions, claim never a passage."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from matching_helpers import sample_factchecks

from factcheck_kb.finetune_pairs import training_pairs


def test_pairs_respect_the_cutoff_and_never_put_the_claim_on_the_passage_side():
    items = sample_factchecks()
    pairs = training_pairs(items, before=date(2025, 1, 1))
    # only t-kb-03 (2024-05) and t-kb-06 (2024-11) are earlier than 2025
    assert sorted({p.kb_id for p in pairs}) == ["t-kb-03", "t-kb-06"]
    by_id = {fc.kb_id: fc for fc in items}
    for pair in pairs:
        assert pair.positive == by_id[pair.kb_id].title  # one view per item: its title
        assert by_id[pair.kb_id].claim_text not in pair.positive
        assert pair.anchor and len(pair.anchor.split()) <= 48


def test_pairs_skip_undated_excluded_and_claimless_items():
    items = sample_factchecks()
    undated = replace(items[0], kb_id="undated", published_date=None)
    claimless = replace(items[2], kb_id="claimless", claim_text="")
    pairs = training_pairs([*items, undated, claimless], before=date(2026, 1, 1), exclude={"t-kb-01"})
    ids = {p.kb_id for p in pairs}
    assert "undated" not in ids and "claimless" not in ids and "t-kb-01" not in ids
    assert len(training_pairs(items, views_per_item=2)) > len(training_pairs(items))
