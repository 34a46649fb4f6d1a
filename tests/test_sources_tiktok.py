"""TikTok Research API connector."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.sources.tiktok import parse_response, read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_query_videos_response():
    result = read(SAMPLES / "tiktok_query_videos.json", source_name="tt")
    first, spoken = result.posts
    assert first.external_id == "7480000000000000001"
    assert first.url == "https://www.tiktok.com/@infobansos.terbaru/video/7480000000000000001"
    assert first.posted_at == datetime(2025, 3, 16, 0, 0, tzinfo=UTC)
    assert first.engagement == {"likes": 2310, "shares": 940, "comments": 188, "views": 88100}
    assert first.raw["region_code"] == "ID"
    assert spoken.text.startswith("warga kotabaru hati hati")  # voice_to_text when no description
    assert [q.reason for q in result.quarantined] == [
        "bad date 'tadi malam' (create_time must be unix seconds)",
        "video_description has wrong type list",
    ]
    assert result.quarantined[0].position == "tiktok_query_videos.json data.videos[2]"
    assert result.next_cursor == {
        "since": "2025-03-16T02:00:00+00:00",
        "api_cursor": 100,
        "search_id": "7423095817283932178",
        "has_more": True,
    }


def test_error_response_is_quarantined_not_raised():
    payload = {"error": {"code": "invalid_params", "message": "bad query", "log_id": "x"}}
    result = parse_response(payload, source_name="tt")
    assert result.posts == []
    assert result.quarantined[0].reason == "not a video query response (no data)"


def test_resume_skips_older_videos():
    first = read(SAMPLES / "tiktok_query_videos.json", source_name="tt")
    again = read(SAMPLES / "tiktok_query_videos.json", source_name="tt", cursor=first.next_cursor)
    assert [p.external_id for p in again.posts] == ["7480000000000000002"]
