"""Helpers of the citizen-report tests: submitting the /lapor form as a phone would, sample images."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from desk.services.access import Viewer
from desk.services.decisions import VerdictInput, decide
from pipelines.clustering import cluster_posts
from saring.db.session import session_scope
from saring.db.tables.core import QueueItem
from saring.db.tables.desk import User
from saring.db.tables.reports import CitizenReport


def png_bytes(width: int = 60, height: int = 120, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def form_token(client: TestClient) -> str:
    page = client.get("/lapor")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def submit(
    client: TestClient,
    token: str | None = None,
    *,
    screenshot: tuple[str, bytes, str] | None = None,
    **fields: str,
):
    """POST the form (multipart when there is a file); returns the response without following redirects."""
    data = {"csrf_token": token if token is not None else form_token(client), **fields}
    files = {"screenshot": screenshot} if screenshot else None
    return client.post("/lapor", data=data, files=files, follow_redirects=False)


def errors_of(html: str) -> dict[str, str]:
    """Field -> message of the per-field refusals on a form page."""
    return dict(re.findall(r'<p class="err" id="err-([a-z_]+)" role="alert">([^<]+)</p>', html))


def code_of(response) -> str:  # noqa: ANN001
    assert response.status_code == 303, response.text[:300]
    match = re.match(r"/lapor/(LP-[A-Z0-9]{8})\?baru=1$", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def queue_issue(url: str, codes: list[str]) -> int:
    """Cluster the reports' posts (the score flow's first step) and queue the first, as scoring would."""
    with session_scope(url) as s:
        post_ids = list(
            s.scalars(select(CitizenReport.post_id).where(CitizenReport.tracking_code.in_(codes)))
        )
    cluster_posts(post_ids, url)
    with session_scope(url) as s:
        item = QueueItem(post_id=min(post_ids), status="baru", priority=0.6, band="none", reasons=["laporan"])
        s.add(item)
        s.flush()
        return item.id


def decide_item(url: str, item_id: int, verdict: str) -> None:
    with session_scope(url) as s:
        trc = Viewer.of(s.scalar(select(User).where(User.username == "rina.trc")))
        item = s.get(QueueItem, item_id)
        decide(s, item_id, VerdictInput(verdict, "Sudah dicek ke PDAM.", item.version_id), trc)
