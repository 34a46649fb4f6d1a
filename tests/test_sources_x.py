"""X API v2 connector: shapes, quarantine, cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.sources import read_source
from pipelines.sources.x_api_v2 import parse_response, read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_search_page_posts_and_quarantine():
    result = read(SAMPLES / "x_search_recent.json", source_name="x-ktb")
    assert [p.external_id for p in result.posts] == [
        "1897000000000000101",
        "1897000000000000102",
        "1897000000000000103",
    ]
    first = result.posts[0]
    assert first.platform == "x"
    assert first.source == "x-ktb"
    assert first.author_handle == "infowarga_ktb"
    assert first.url == "https://x.com/infowarga_ktb/status/1897000000000000101"
    assert first.posted_at == datetime(2025, 3, 14, 0, 21, 5, tzinfo=UTC)
    assert first.captured_at.tzinfo is not None
    assert first.engagement == {"likes": 96, "shares": 44, "comments": 7, "views": 5120}
    assert first.language is None
    assert first.raw["lang"] == "in"
    # note_tweet carries the full text of a long post
    assert result.posts[2].text.endswith("kada ada pengumuman resmi.")
    reasons = {q.position: q.reason for q in result.quarantined}
    assert reasons == {
        "x_search_recent.json data[3]": "missing text",
        "x_search_recent.json data[4]": "bad date 'kemarin sore'",
        "x_search_recent.json data[5]": "public_metrics has wrong type",
    }
    assert all(q.source == "x-ktb" for q in result.quarantined)
    assert result.next_cursor == {"since_id": "1897000000000000103", "next_token": "b26v89c19zqg8o3fpz5m"}


def test_jsonl_pages_keep_going_after_a_broken_line_and_resume_by_since_id():
    first = read_source("x_api_v2", SAMPLES / "x_pages.jsonl", "x-pages")
    assert len(first.posts) == 2
    assert [q.position for q in first.quarantined] == ["x_pages.jsonl line 3"]
    assert first.next_cursor["next_token"] == "page2token"
    again = read_source("x_api_v2", SAMPLES / "x_pages.jsonl", "x-pages", first.next_cursor)
    assert again.posts == []
    partly = read_source(
        "x_api_v2", SAMPLES / "x_pages.jsonl", "x-pages", {"since_id": "1897000000000000201"}
    )
    assert [p.external_id for p in partly.posts] == ["1897000000000000202"]


def test_single_lookup_and_unknown_author():
    payload = {
        "data": {"id": "42", "text": "Halo Kotabaru", "author_id": "7", "created_at": "2025-01-01T00:00:00Z"}
    }
    result = parse_response(payload, source_name="s")
    assert result.posts[0].url == "https://x.com/i/web/status/42"
    assert result.posts[0].author_handle == "7"
    assert result.posts[0].engagement == {"likes": 0, "shares": 0, "comments": 0, "views": 0}


def test_non_numeric_id_and_non_object_response_are_quarantined():
    bad_id = parse_response(
        {"data": [{"id": "abc", "text": "x", "created_at": "2025-01-01T00:00:00Z"}]}, source_name="s"
    )
    assert bad_id.quarantined[0].reason == "tweet id 'abc' is not numeric"
    not_object = parse_response(["nope"], source_name="s", position="p")
    assert not_object.quarantined[0].position == "p"
