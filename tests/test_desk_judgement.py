"""The item page shows, per match, the judge's probability, stance and the evidence that decided it."""

from __future__ import annotations

from sqlalchemy import select

from saring.db.session import session_scope
from saring.db.tables.core import Match, QueueItem

pytest_plugins = ["desk_fixtures"]


def test_item_page_names_the_claim_words_a_post_denies(client_as, desk_seed, db_url):
    item_id = desk_seed.items["cpns"]
    with session_scope(db_url) as session:
        post_id = session.get(QueueItem, item_id).post_id
        match = session.scalars(select(Match).where(Match.post_id == post_id).order_by(Match.rank)).first()
        match.evidence = {**(match.evidence or {}), "denied_terms": ["berbayar"]}
        match.stance, match.p_spreads = "refutes", 0.31
    client, _ = client_as("analyst")
    page = client.get(f"/item/{item_id}")
    assert page.status_code == 200
    assert 'data-testid="denied-terms"' in page.text and "«berbayar»" in page.text
    assert "membantah" in page.text and "31%" in page.text
