"""RSS connector against a feed served on 127.0.0.1 (conditional GET, errors)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.sources import SourceError, TransientSourceError, read_source
from pipelines.sources.rss import read, strip_html

SAMPLES = Path(__file__).parent / "samples" / "sources"
FEED = (SAMPLES / "rss_feed.xml").read_bytes()
ETAG = '"feed-v1"'
LAST_MODIFIED = "Fri, 14 Mar 2025 08:00:00 GMT"


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requests.append({"path": self.path, "if_none_match": self.headers.get("If-None-Match")})
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.end_headers()
                return
            self._send(200, FEED, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        elif self.path == "/down.xml":
            self._send(503, b"maintenance", {})
        elif self.path == "/html":
            self._send(200, b"<html><body>Bukan feed</body></html>", {"Content-Type": "text/html"})
        else:
            self._send(404, b"not found", {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fetch_parse_and_conditional_get(feed_server):
    url = f"{feed_server}/feed.xml"
    first = read_source("rss", url, "berita-banua")
    assert [p.external_id for p in first.posts] == [
        "bb-2025-0314-001",
        "https://berita-banua.example/2025/03/14/pdam-layak",
    ]
    post = first.posts[0]
    assert post.platform == "news"
    assert post.text.startswith(
        "Pemkab Kotabaru bantah kabar bansos Rp2,5 juta lewat tautan\n\nDiskominfo Kotabaru"
    )
    assert "<b>" not in post.text
    assert post.posted_at == datetime(2025, 3, 14, 4, 0, tzinfo=UTC)
    assert first.posts[1].posted_at == datetime(2025, 3, 13, 23, 30, tzinfo=UTC)  # +0800 respected
    assert first.posts[1].author_handle == "Berita Banua Kalsel"
    assert [(q.position, q.reason) for q in first.quarantined] == [
        ("entries[2]", "missing text (no title and no summary)"),
        ("entries[3]", "bad date 'Sabtu, 15 Maret 2025'"),
    ]
    assert first.next_cursor["etag"] == ETAG
    assert first.next_cursor["last_modified"] == LAST_MODIFIED

    second = read(url, source_name="berita-banua", cursor=first.next_cursor)
    assert second.posts == [] and second.quarantined == []
    assert second.next_cursor == first.next_cursor
    assert _Handler.requests[-1]["if_none_match"] == ETAG


def test_server_errors(feed_server):
    with pytest.raises(TransientSourceError, match="HTTP 503"):
        read(f"{feed_server}/down.xml", source_name="s")
    with pytest.raises(SourceError, match="HTTP 404") as info:
        read(f"{feed_server}/missing.xml", source_name="s")
    assert not isinstance(info.value, TransientSourceError)
    not_feed = read(f"{feed_server}/html", source_name="s")
    assert not_feed.posts == []
    assert not_feed.quarantined[0].position == "feed"


def test_connection_refused_is_transient():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    with pytest.raises(TransientSourceError, match="network error"):
        read(f"http://127.0.0.1:{port}/feed.xml", source_name="s", options={"timeout": 2})


def test_local_file_and_since():
    first = read(SAMPLES / "rss_feed.xml", source_name="s")
    assert len(first.posts) == 2
    again = read(SAMPLES / "rss_feed.xml", source_name="s", cursor=first.next_cursor)
    assert [p.external_id for p in again.posts] == ["bb-2025-0314-001"]


def test_strip_html():
    assert strip_html("<p>Satu &amp;  dua</p><p>tiga<br/>empat</p>") == "Satu & dua\ntiga\nempat"
