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


def _export(tmp_path: Path, posts: list) -> Path:
    import json

    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": posts}), encoding="utf-8")
    return path


def _image(src: str) -> dict:
    return {"media": {"image": {"src": src, "height": 720, "width": 720}}}


def test_graph_api_and_content_library_media_become_media_refs(tmp_path):
    cdn = "https://scontent.example/v/"
    facebook_album = {
        "id": "1_2",
        "message": "Bantuan tunai Rp 600.000, daftar di tautan",
        "created_time": "2026-03-01T10:00:00+0000",
        "permalink_url": "https://www.facebook.com/kabar/posts/2",
        "full_picture": cdn + "cover.jpg",  # the album's cover: the attachments are taken instead
        "attachments": {
            "data": [
                {
                    "type": "album",
                    "url": "https://www.facebook.com/album/1",
                    "subattachments": {
                        "data": [{**_image(cdn + "a.jpg"), "type": "photo"}, _image(cdn + "b.jpg")]
                    },
                },
                {**_image(cdn + "video-thumb.jpg"), "type": "video_inline"},
            ]
        },
    }
    facebook_picture_only = {
        "id": "1_3",
        "message": "Foto banjir",
        "created_time": "2026-03-01T11:00:00+0000",
        "full_picture": cdn + "full.jpg",
    }
    instagram_carousel = {
        "id": "179",
        "caption": "Listrik padam tiga hari",
        "timestamp": "2026-03-02T01:00:00+0000",
        "permalink": "https://www.instagram.com/p/abc/",
        "media_type": "CAROUSEL_ALBUM",
        "media_url": cdn + "ig-cover.jpg",
        "children": {
            "data": [
                {"id": "1", "media_type": "IMAGE", "media_url": cdn + "ig-1.jpg"},
                {
                    "id": "2",
                    "media_type": "VIDEO",
                    "media_url": cdn + "ig-2.mp4",
                    "thumbnail_url": cdn + "ig-2.jpg",
                },
            ]
        },
    }
    reel = {
        "id": "180",
        "caption": "Reel",
        "timestamp": "2026-03-02T02:00:00+0000",
        "permalink": "https://www.instagram.com/reel/x/",
        "media_type": "VIDEO",
        "media_url": cdn + "reel.mp4",
        "thumbnail_url": cdn + "reel.jpg",
    }
    library = {
        "id": "900",
        "text": "Beras 20 kg dibagikan",
        "creation_time": "2026-03-03T01:00:00",
        "statistics": {"reaction_count": 3},
        "multimedia": [
            {"type": "photo", "url": cdn + "lib.jpg"},
            {"type": "video", "url": cdn + "lib.mp4", "thumbnail_url": cdn + "lib-thumb.jpg"},
        ],
        "media": ["pictures/local.png", "../outside.png"],
    }
    path = _export(tmp_path, [facebook_album, facebook_picture_only, instagram_carousel, reel, library])
    result = read(path, source_name="meta", options={"fetch_media": True})
    assert result.quarantined == []
    by_id = {p.external_id: p for p in result.posts}
    assert [m.url for m in by_id["1_2"].media] == [cdn + "a.jpg", cdn + "b.jpg", cdn + "video-thumb.jpg"]
    assert all(m.fetch for m in by_id["1_2"].media)
    assert [m.url for m in by_id["1_3"].media] == [cdn + "full.jpg"]
    assert [m.url for m in by_id["179"].media] == [cdn + "ig-1.jpg", cdn + "ig-2.jpg"]
    assert by_id["179"].platform == "instagram" and by_id["179"].text == "Listrik padam tiga hari"
    assert by_id["179"].posted_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert [m.url for m in by_id["180"].media] == [cdn + "reel.jpg"]  # a video keeps its thumbnail only
    local, outside = by_id["900"].media[2:]
    assert [m.url for m in by_id["900"].media[:2]] == [cdn + "lib.jpg", cdn + "lib-thumb.jpg"]
    assert local.path == str((tmp_path / "pictures" / "local.png").resolve()) and local.problem is None
    assert outside.path is None and "outside the source's folder" in (outside.problem or "")

    # without options.fetch_media the URLs are kept as references, never fetched
    assert not any(m.fetch for p in read(path, source_name="meta").posts for m in p.media)
