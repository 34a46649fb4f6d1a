"""Helpers of the citizen-report tests: submitting the /lapor form as a phone would, sample images."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image


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
