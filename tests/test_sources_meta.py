"""Meta Business Suite CSV and Content Library JSON connector."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.sources.meta_export import read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_facebook_business_suite_csv():
    result = read(SAMPLES / "meta_facebook_posts.csv", source_name="fb")
    assert [p.external_id for p in result.posts] == ["122158000000000001", "122158000000000002"]
    post = result.posts[0]
    assert post.platform == "facebook"
    assert post.author_handle == "Kabar Kotabaru Hari Ini"
    # "03/14/2025 08:21" is month-first, local WITA (UTC+8)
    assert post.posted_at == datetime(2025, 3, 14, 0, 21, tzinfo=UTC)
    assert post.engagement == {"likes": 880, "shares": 150, "comments": 210, "views": 12400}
    assert post.raw["permalink"].endswith("122158000000000001")
    assert result.posts[1].text.startswith("Video banjir Sebuku\nRekaman warga")
    reasons = [(q.position, q.reason) for q in result.quarantined]
    assert reasons == [
        (
            "meta_facebook_posts.csv line 4",
            "Post ID '1.22158E+17' was mangled by a spreadsheet (scientific notation)",
        ),
        ("meta_facebook_posts.csv line 5", "missing text (Description and Title are empty)"),
        ("meta_facebook_posts.csv line 6", "bad date '31/14/2025 99:00'"),
        ("meta_facebook_posts.csv line 7", "bad views 'banyak'"),
    ]


def test_instagram_csv_and_timezone_option():
    result = read(SAMPLES / "meta_instagram_posts.csv", source_name="ig", options={"timezone": "WIB"})
    assert {p.platform for p in result.posts} == {"instagram"}
    assert result.posts[0].author_handle == "kotabaru.update"
    assert result.posts[0].posted_at == datetime(2025, 3, 15, 12, 30, tzinfo=UTC)  # 19:30 WIB
    assert result.posts[1].engagement["views"] == 12000
    assert result.quarantined[0].reason == "expected 18 columns, found 7"


def test_content_library_json_nested_and_dotted():
    result = read(SAMPLES / "meta_content_library.json", source_name="mcl")
    assert [p.external_id for p in result.posts] == ["3344556677001", "3344556677002"]
    nested, dotted = result.posts
    assert nested.engagement == {"likes": 812, "shares": 530, "comments": 240, "views": 40100}
    assert dotted.author_handle == "Bapenda Kalsel"
    assert dotted.engagement["shares"] == 88
    assert dotted.platform == "facebook"
    assert nested.posted_at == datetime(2025, 3, 15, 6, 0, tzinfo=UTC)
    assert [q.reason for q in result.quarantined] == ["missing text", "bad likes 'banyak'"]


def test_folder_and_since_cursor(tmp_path):
    for name in ("meta_facebook_posts.csv", "meta_instagram_posts.csv"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    (tmp_path / "notes.txt").write_text("ignored")
    first = read(tmp_path, source_name="meta")
    assert len(first.posts) == 4
    assert first.next_cursor == {"since": "2025-03-16T00:00:00+00:00"}
    again = read(tmp_path, source_name="meta", cursor=first.next_cursor)
    assert [p.external_id for p in again.posts] == ["18011000000000002"]  # same minute: comes again


def test_csv_without_post_id_is_quarantined_as_a_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Nama,Isi\nA,B\n")
    result = read(path, source_name="meta")
    assert result.posts == []
    assert result.quarantined[0].position == "other.csv"
