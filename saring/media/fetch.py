"""Fetch one image by URL with a size cap (only for sources whose config allows it)."""

from __future__ import annotations

import httpx

from saring.media.storage import MediaError


def fetch_bytes(url: str, *, max_bytes: int, timeout: float = 10.0) -> bytes:
    """The body of ``url`` (http or https), refused past ``max_bytes`` or on an error status."""
    if not url.lower().startswith(("http://", "https://")):
        raise MediaError(f"unsupported media URL: {url}")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise MediaError(f"media URL answered {response.status_code}: {url}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                raise MediaError(f"media too large: {declared} bytes > {max_bytes}")
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise MediaError(f"media too large: more than {max_bytes} bytes")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise MediaError(f"media URL could not be fetched: {exc}") from exc
    return b"".join(chunks)
