"""YouTube Data API connector: commentThreads, videos, search results."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.sources.youtube import parse_response, read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_comment_threads_with_replies():
    result = read(SAMPLES / "youtube_comment_threads.json", source_name="yt")
    top, reply = result.posts
    assert top.external_id == "UgxThread001"
    assert top.text.endswith("mengungsi & jangan tidur di rumah")  # textOriginal, not HTML textDisplay
    assert top.author_handle == "wargapesisir"
    assert top.url == "https://www.youtube.com/watch?v=vKtb2025aa1&lc=UgxThread001"
    assert top.engagement == {"likes": 57, "shares": 0, "comments": 2, "views": 0}
    assert top.raw["kind"] == "youtube#commentThread"
    assert reply.external_id == "UgxThread001.AAAreply1"
    assert reply.posted_at == datetime(2025, 3, 16, 11, 30, tzinfo=UTC)
    assert [(q.position, q.reason) for q in result.quarantined] == [
        ("youtube_comment_threads.json items[1]", "missing text"),
        ("youtube_comment_threads.json items[2]", "bad likes 'banyak'"),
        ("youtube_comment_threads.json items[3]", "bad date '16-03-2025 jam 9 malam'"),
    ]
    assert result.next_cursor["page_token"] == "QURTSl9pMnNiMVpjdGc"


def test_videos_list():
    result = read(SAMPLES / "youtube_videos.json", source_name="yt")
    video = result.posts[0]
    assert video.text.startswith("VIRAL! Gempa besar guncang Kotabaru")
    assert "#gempa #kotabaru" in video.text
    assert video.engagement == {"likes": 1310, "shares": 0, "comments": 402, "views": 48210}
    assert video.author_handle == "Berita Banua TV"
    assert result.posts[1].text == "Klarifikasi: Tidak ada prediksi gempa susulan 7,5 SR"
    assert result.quarantined[0].position == "youtube_videos.json items[2]"
    resumed = read(SAMPLES / "youtube_videos.json", source_name="yt", cursor=result.next_cursor)
    assert [p.external_id for p in resumed.posts] == ["vKtb2025aa2"]


def test_search_result_items_and_wrong_response():
    payload = {
        "kind": "youtube#searchListResponse",
        "items": [
            {
                "kind": "youtube#searchResult",
                "id": {"kind": "youtube#video", "videoId": "abc123"},
                "snippet": {
                    "publishedAt": "2025-03-01T00:00:00Z",
                    "title": "Hoaks bansos",
                    "channelTitle": "C",
                },
            }
        ],
    }
    assert parse_response(payload, source_name="s").posts[0].url == "https://www.youtube.com/watch?v=abc123"
    assert parse_response({"kind": "x"}, source_name="s").quarantined[0].reason.startswith("not a YouTube")
