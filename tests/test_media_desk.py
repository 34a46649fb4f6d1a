"""The desk shows a post's images, their OCR text and image matches; the evidence pack carries each image file
with its SHA-256 and capture time (issue 12)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from sqlalchemy import select

from pipelines.demo_data import images as render
from saring.config import get_settings
from saring.db.session import session_scope
from saring.db.tables.core import Match, Post
from saring.db.tables.media import PostMedia
from saring.media.ingest import MediaOptions, process_media
from saring.media.records import MediaRef
from saring.media.rows import ensure_media_files

pytest_plugins = ["desk_fixtures"]

OCR = "BANTUAN TUNAI Rp 600.000 dari Bupati Kotabaru"


def _attach_poster(db_url, tmp_path, post_id: int) -> str:
    poster = render.poster("BANTUAN TUNAI Rp 600.000", "dari Bupati Kotabaru")
    source = render.save(poster, tmp_path / "p.png")
    options = MediaOptions(media_dir=get_settings().media_dir, ocr=False)
    image = process_media([MediaRef(path=str(source))], options).images[0]
    with session_scope(db_url) as session:
        media_id = ensure_media_files(session, [image])[image.sha256]
        session.add(PostMedia(post_id=post_id, media_id=media_id, position=0, source_ref="p.png"))
        session.get(Post, post_id).ocr_text = OCR
        match = session.scalars(select(Match).where(Match.post_id == post_id).order_by(Match.rank)).first()
        match.evidence = {**(match.evidence or {}), "image_distance": 6}
    return image.sha256


def test_item_page_shows_images_ocr_text_and_the_image_match(client_as, desk_seed, db_url, tmp_path):
    item_id = desk_seed.items["cpns"]
    with session_scope(db_url) as session:
        from saring.db.tables.core import QueueItem

        post_id = session.get(QueueItem, item_id).post_id
    sha = _attach_poster(db_url, tmp_path, post_id)
    client, token = client_as("analyst")
    page = client.get(f"/item/{item_id}")
    assert page.status_code == 200
    assert f'src="/item/{item_id}/gambar/{sha}"' in page.text
    assert 'data-testid="ocr-text"' in page.text and "BANTUAN TUNAI Rp 600.000" in page.text
    assert 'data-testid="image-match"' in page.text and "jarak pHash 6" in page.text
    image = client.get(f"/item/{item_id}/gambar/{sha}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert hashlib.sha256(image.content).hexdigest() == sha
    assert client.get(f"/item/{item_id}/gambar/{'0' * 64}").status_code == 404
    other = desk_seed.items["banjir"]
    assert client.get(f"/item/{other}/gambar/{sha}").status_code == 404  # not that item's image

    pack = client.post(f"/item/{item_id}/bukti", data={"csrf_token": token})
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    names = {n.split("/", 1)[1]: n for n in archive.namelist()}
    assert f"images/{sha}.png" in names
    data = archive.read(names[f"images/{sha}.png"])
    assert hashlib.sha256(data).hexdigest() == sha
    assert f"{sha}  images/{sha}.png" in archive.read(names["SHA256SUMS"]).decode()
    evidence = json.loads(archive.read(names["evidence.json"]))
    [listed] = evidence["images"]
    assert listed["sha256"] == sha and listed["captured_at"] and listed["file"] == f"images/{sha}.png"
    assert evidence["item"]["post"]["ocr_text"] == OCR
    assert any(m["image_distance"] == 6 for m in evidence["item"]["matches"])
    assert f"images/{sha}.png" in archive.read(names["evidence.html"]).decode()


def test_anonymous_visitors_get_no_images(desk_app, desk_seed):
    from fastapi.testclient import TestClient

    with TestClient(desk_app) as client:
        response = client.get(f"/item/{desk_seed.items['cpns']}/gambar/{'0' * 64}", follow_redirects=False)
    assert response.status_code in (303, 401, 403)
