"""Images on posts (issue 12): storage by SHA-256 with limits, quarantine with a reason, OCR, pHash, URLs only
where the source allows them (a server on 127.0.0.1), and the drop folder's ``media`` field."""

from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import pytest
from PIL import Image

from pipelines.demo_data import images as render
from pipelines.sources.base import media_refs
from pipelines.sources.drop_folder import read as read_drop
from saring.media.ingest import MediaOptions, process_media, with_ocr_text
from saring.media.ocr import languages_installed, preprocess
from saring.media.phash import DEFAULT_MAX_DISTANCE, HashIndex, distance, image_hash
from saring.media.records import MediaRef
from saring.media.storage import MediaLimits

needs_tesseract = pytest.mark.skipif(
    "ind" not in languages_installed(),
    reason="Tesseract with Indonesian data is not installed (scripts/ensure_test_services.sh installs it)",
)

POSTER = render.poster("BANTUAN TUNAI Rp 600.000", "dari Bupati Kotabaru. Daftar lewat formulir online.")


def _png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def _options(tmp_path: Path, **kwargs) -> MediaOptions:
    return MediaOptions(media_dir=tmp_path / "media", ocr=kwargs.pop("ocr", False), **kwargs)


def test_an_image_is_stored_once_by_sha256_and_bad_ones_get_a_reason(tmp_path):
    (tmp_path / "a.png").write_bytes(_png(POSTER))
    (tmp_path / "b.png").write_bytes(_png(POSTER))  # the same bytes under another name
    (tmp_path / "notes.txt").write_text("bukan gambar")
    (tmp_path / "broken.jpg").write_bytes(_png(POSTER)[:200])
    (tmp_path / "big.png").write_bytes(_png(render.photo(1, size=(1200, 900))))
    refs = media_refs(
        ["a.png", {"path": "b.png"}, "notes.txt", "broken.jpg", "big.png", "missing.png", "../escape.png", 7],
        base_dir=tmp_path,
    )
    result = process_media(refs, _options(tmp_path, limits=MediaLimits(max_pixels=1_000_000), max_per_post=9))
    assert len(result.images) == 1  # a.png and b.png are one file
    image = result.images[0]
    stored = tmp_path / "media" / image.relpath
    assert stored.read_bytes() == _png(POSTER) and image.sha256 in stored.name and image.mime == "image/png"
    reasons = [p.reason for p in result.problems]
    assert reasons[0].startswith("not an image")
    assert reasons[1].startswith(("broken image", "not an image"))
    assert reasons[2].startswith("image too large")
    assert reasons[3].startswith("media file not found")
    assert reasons[4].startswith("media path outside the source's folder")
    assert reasons[5] == "media entry has wrong type int"
    ref = MediaRef(path=str(tmp_path / "a.png"))
    too_big = process_media([ref], _options(tmp_path, limits=MediaLimits(10)))
    assert too_big.problems[0].reason.startswith("media too large")


def test_urls_are_fetched_only_where_the_source_allows(tmp_path):
    body = _png(POSTER)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/poster.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        off = process_media(media_refs([{"url": f"{url}/poster.png"}], base_dir=None), _options(tmp_path))
        assert not off.images and "fetching media URLs is off" in off.problems[0].reason
        urls = [f"{url}/poster.png", f"{url}/gone.png"]
        refs = media_refs(urls, base_dir=None, options={"fetch_media": True})
        on = process_media(refs, _options(tmp_path))
        assert len(on.images) == 1 and on.images[0].size == len(body)
        assert "answered 404" in on.problems[0].reason
        capped = process_media(refs[:1], _options(tmp_path, limits=MediaLimits(max_bytes=100)))
        assert capped.problems[0].reason.startswith("media too large")
    finally:
        server.shutdown()


def test_re_posted_copies_hash_near_and_other_images_far():
    base = image_hash(POSTER)
    for copy in (render.jpeg(POSTER, 30), render.resize(POSTER, 0.5), render.crop(POSTER, 0.9)):
        assert distance(base, image_hash(copy)) <= DEFAULT_MAX_DISTANCE
    assert distance(base, image_hash(render.photo(3))) > DEFAULT_MAX_DISTANCE
    index = HashIndex([("kb-1", base), ("kb-2", image_hash(render.photo(3)))])
    hits = index.nearest([image_hash(render.jpeg(POSTER, 30))])
    assert [h.key for h in hits] == ["kb-1"]


def test_dark_mode_is_inverted_and_small_images_scaled():
    dark = render.chat_screenshot([("Listrik padam total tiga hari", False)], dark=True, size=(300, 400))
    prepared, inverted = preprocess(dark)
    assert inverted and prepared.mode == "L" and min(prepared.size) > 300
    assert not preprocess(render.chat_screenshot([("halo", False)]))[1]


@needs_tesseract
def test_ocr_reads_a_poster_and_a_dark_chat(tmp_path):
    chat = render.chat_screenshot([("Air PDAM tercemar bakteri E. coli", False)], dark=True)
    (tmp_path / "poster.jpg").write_bytes(b"")
    render.save(render.jpeg(POSTER, 30), tmp_path / "poster.jpg")
    render.save(chat, tmp_path / "chat.png")
    refs = media_refs(["poster.jpg", "chat.png"], base_dir=tmp_path)
    result = process_media(refs, _options(tmp_path, ocr=True))
    words = result.ocr_text.lower()
    for word in ("bantuan", "600.000", "bupati", "kotabaru", "pdam", "tercemar", "bakteri"):
        assert word in words, (word, words)
    assert with_ocr_text("cek ini!!", result.ocr_text).startswith("cek ini!!\n\n")


def test_posts_images_are_read_side_by_side_and_a_shared_image_only_once(tmp_path, monkeypatch):
    """attach_media runs posts on several threads; two posts meeting one image at once read it once."""
    import time as time_module

    from pipelines.post_media import attach_media
    from pipelines.records import PostRecord
    from saring.media import ingest

    calls: list[int] = []
    reading, most_at_once = [0], [0]
    lock = threading.Lock()

    def slow_read(image, options):  # noqa: ANN001, ANN202 - stands in for Tesseract's seconds only
        with lock:
            calls.append(image.size[0])
            reading[0] += 1
            most_at_once[0] = max(most_at_once[0], reading[0])
        time_module.sleep(0.3)
        with lock:
            reading[0] -= 1
        return f"teks {image.size[0]}", 0.3

    monkeypatch.setattr(ingest, "_read", slow_read)
    monkeypatch.setattr(ingest, "_OCR_CACHE", type(ingest._OCR_CACHE)())
    shared = render.poster("PENDAFTARAN CPNS", "lewat tautan ini")
    render.save(shared, tmp_path / "shared.png")
    render.save(render.resize(POSTER, 0.5), tmp_path / "other.png")
    records = [
        PostRecord(
            source="drop",
            platform="facebook",
            external_id=str(i),
            text=f"cek ini {i}",
            media=media_refs([name], base_dir=tmp_path),
        )
        for i, name in enumerate(["shared.png", "shared.png", "other.png", "shared.png"])
    ]
    problems, _ = attach_media(records, _options(tmp_path, ocr=True, workers=4))
    assert problems == []
    assert sorted(calls) == sorted({shared.size[0], POSTER.size[0] // 2})  # each distinct image read once
    assert most_at_once[0] == 2  # the two images were read side by side
    assert [r.ocr_text for r in records] == [f"teks {shared.size[0]}"] * 2 + [
        f"teks {POSTER.size[0] // 2}",
        f"teks {shared.size[0]}",
    ]
    assert len({r.images[0].sha256 for r in records}) == 2


def test_the_drop_folder_keeps_media_and_the_text_still_goes_through(tmp_path):
    render.save(POSTER, tmp_path / "img" / "poster.png")
    (tmp_path / "posts.jsonl").write_text(
        '{"id": "p1", "platform": "facebook", "text": "cek ini!!", "posted_at": "2026-10-01T08:00:00+08:00", '
        '"media": [{"path": "img/poster.png"}, {"url": "https://example.invalid/x.jpg"}]}\n'
        '{"id": "p2", "platform": "facebook", "posted_at": "2026-10-01T08:00:00+08:00", '
        '"media": [{"path": "img/poster.png"}]}\n',
        encoding="utf-8",
    )
    result = read_drop(tmp_path, source_name="drop")
    assert not result.quarantined and [p.external_id for p in result.posts] == ["p1", "p2"]
    first, image_only = result.posts
    assert first.media[0].path == str((tmp_path / "img" / "poster.png").resolve())
    assert first.media[1].url and not first.media[1].fetch
    assert image_only.text == "" and image_only.media


def test_x_api_v2_keeps_includes_media_only_where_fetching_is_allowed():
    from pipelines.sources.x_api_v2 import parse_response

    page = {
        "data": [
            {
                "id": "1790000000000000001",
                "text": "cek ini!!",
                "created_at": "2026-10-01T00:00:00.000Z",
                "author_id": "42",
                "attachments": {"media_keys": ["3_1", "7_2"]},
            }
        ],
        "includes": {
            "users": [{"id": "42", "username": "ktb_update"}],
            "media": [
                {"media_key": "3_1", "type": "photo", "url": "https://pbs.twimg.example/media/a.jpg"},
                {"media_key": "7_2", "type": "video", "preview_image_url": "https://pbs.twimg.example/b.jpg"},
            ],
        },
    }
    [post] = parse_response(page, source_name="x", options={"fetch_media": True}).posts
    assert [m.url for m in post.media] == [
        "https://pbs.twimg.example/media/a.jpg",
        "https://pbs.twimg.example/b.jpg",
    ]
    assert all(m.fetch for m in post.media)
    assert parse_response(page, source_name="x").posts[0].media == []


def test_telegram_export_photos_beside_the_json_become_media(tmp_path):
    import json

    from pipelines.sources.telegram import read as read_telegram

    render.save(POSTER, tmp_path / "photos" / "photo_1@01-10-2026_08-00-00.jpg")
    export = {
        "name": "Info Kotabaru",
        "type": "public_channel",
        "id": 99,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date_unixtime": "1790000000",
                "text": "",
                "photo": "photos/photo_1@01-10-2026_08-00-00.jpg",
            },
            {
                "id": 2,
                "type": "message",
                "date_unixtime": "1790000100",
                "text": "",
                "photo": "(File not included. Change data exporting settings to download.)",
            },
            {
                "id": 3,
                "type": "message",
                "date_unixtime": "1790000200",
                "text": "cek ini!!",
                "photo": "photos/photo_1@01-10-2026_08-00-00.jpg",
            },
        ],
    }
    (tmp_path / "result.json").write_text(json.dumps(export), encoding="utf-8")
    result = read_telegram(tmp_path / "result.json", source_name="tg")
    assert [p.external_id for p in result.posts] == ["99/1", "99/3"]  # the photo-less one is skipped
    assert all(p.media and p.media[0].path.endswith(".jpg") for p in result.posts)
    assert result.posts[0].text == ""


def test_youtube_thumbnails_and_tiktok_covers_where_fetching_is_allowed(tmp_path):
    import json

    from pipelines.sources.tiktok import read as read_tiktok
    from pipelines.sources.youtube import read as read_youtube

    (tmp_path / "yt.json").write_text(
        json.dumps(
            {
                "items": [
                    {
                        "kind": "youtube#video",
                        "id": "abc123",
                        "snippet": {
                            "title": "Banjir Sampanahan",
                            "publishedAt": "2026-10-01T00:00:00Z",
                            "channelTitle": "Kabar",
                            "thumbnails": {
                                "default": {"url": "https://i.ytimg.example/vi/abc123/default.jpg"},
                                "high": {"url": "https://i.ytimg.example/vi/abc123/hqdefault.jpg"},
                            },
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    allowed = {"fetch_media": True}
    [video] = read_youtube(tmp_path / "yt.json", source_name="yt", options=allowed).posts
    assert [m.url for m in video.media] == ["https://i.ytimg.example/vi/abc123/hqdefault.jpg"]
    assert read_youtube(tmp_path / "yt.json", source_name="yt").posts[0].media == []
    (tmp_path / "tt.json").write_text(
        json.dumps(
            {
                "data": {
                    "videos": [
                        {
                            "id": 7301,
                            "video_description": "cek ini!!",
                            "create_time": 1790000000,
                            "username": "kabar.pamukan",
                            "cover_image_url": "https://p16.tiktokcdn.example/cover.jpeg",
                        }
                    ]
                }
            }
        ),
        encoding="utf-8",
    )
    [clip] = read_tiktok(tmp_path / "tt.json", source_name="tt", options=allowed).posts
    assert [m.url for m in clip.media] == ["https://p16.tiktokcdn.example/cover.jpeg"] and clip.media[0].fetch


def _stored(tmp_path: Path, name: str, img: Image.Image) -> tuple[str, str]:
    path = tmp_path / f"{name}.png"
    render.save(img, path)
    return image_hash(img), str(path)


def test_local_features_find_the_copies_phash_misses_and_not_a_look_alike(tmp_path):
    from saring.media.local import DEFAULT_MIN_AGREEMENT, local_features, verify

    body = "Dinas Sosial membagikan bantuan tunai Rp 600.000 untuk setiap KK. Daftar lewat tautan."
    poster = render.poster("INFO PENTING", body)
    look_alike = render.poster(
        "INFO PENTING", "PLN memadamkan listrik total selama 3 hari mulai besok malam."
    )
    corner = render.crop(poster, 0.85, anchor="top-left")
    original = local_features(poster)
    assert verify(local_features(corner), original).agreement >= DEFAULT_MIN_AGREEMENT
    assert verify(local_features(render.screenshot_of(poster)), original).agreement >= DEFAULT_MIN_AGREEMENT
    # same template, same title, other text: the header verifies geometrically, the pixels do not agree
    assert verify(local_features(look_alike), original).agreement < DEFAULT_MIN_AGREEMENT

    index = HashIndex()
    for key, img in (("kb-1", poster), ("kb-2", look_alike), ("kb-3", render.photo(3))):
        index.add(key, *_stored(tmp_path, key, img))
    value, path = _stored(tmp_path, "corner", corner)
    assert distance(value, image_hash(poster)) > DEFAULT_MAX_DISTANCE  # pHash alone misses it
    [hit] = index.nearest([value], paths=[path])
    assert (hit.key, hit.method) == ("kb-1", "local") and hit.inliers >= 12
    assert hit.agreement >= DEFAULT_MIN_AGREEMENT and hit.distance == distance(value, image_hash(poster))
    assert index.nearest([value]) == []  # no file, no local features: pHash only
    phash_only = HashIndex(min_agreement=2.0)
    phash_only.add("kb-1", *_stored(tmp_path, "kb-1", poster))
    assert phash_only.nearest([value], paths=[path]) == []
    # a pHash hit stays a pHash hit (first), the local stage only looks at what pHash did not find
    jpeg_value, jpeg_path = _stored(tmp_path, "jpeg", render.jpeg(poster, 30))
    hits = index.nearest([jpeg_value], paths=[jpeg_path])
    assert (hits[0].key, hits[0].method) == ("kb-1", "phash") and {h.method for h in hits} == {"phash"}


def test_a_local_image_match_links_the_fact_check_with_its_evidence():
    from pipelines.image_matching import image_reason, merge_image_matches
    from saring.media.phash import HashHit

    [row] = merge_image_matches([], [HashHit("kb-1", 70, 40, "local", 0.9)], {}, top_k=3)
    assert row.band == "auto" and row.score == 0.9
    assert row.evidence == {
        "image_distance": 70,
        "image_method": "local",
        "image_inliers": 40,
        "image_agreement": 0.9,
    }
    assert "40 titik cocok" in image_reason(row) and "90%" in image_reason(row)
    [phash_row] = merge_image_matches([], [HashHit("kb-2", 6)], {}, top_k=3)
    assert phash_row.evidence["image_method"] == "phash" and "jarak pHash 6" in image_reason(phash_row)


def test_a_corner_crop_re_post_joins_the_pictures_cluster_by_local_features(tmp_path):
    from pipelines.records import PostRecord
    from pipelines.triage import posts_to_score
    from saring.config import get_settings

    options = MediaOptions(media_dir=get_settings().media_dir, ocr=False)
    poster = render.poster(
        "WASPADA", "PDAM menyatakan air ledeng tercemar bakteri E. coli. Sebarkan ke grup."
    )
    sources = {"a": poster, "b": render.crop(poster, 0.85, anchor="top-left"), "c": render.photo(5)}
    records = []
    for name, img in sources.items():
        render.save(img, tmp_path / f"{name}.png")
        stored = process_media([MediaRef(path=str(tmp_path / f"{name}.png"))], options).images
        records.append(PostRecord("t", "facebook", name, f"caption {name} lain sekali", images=stored))
    assert distance(records[0].images[0].phash, records[1].images[0].phash) > DEFAULT_MAX_DISTANCE
    posts = posts_to_score(records)
    assert all(Path(p.image_files[0]).is_file() for p in posts)
    assert [p.cluster_size for p in posts] == [2, 2, 1]  # the crop joined the poster's issue, the photo not
