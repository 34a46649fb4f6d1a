"""Connectors: each reads one kind of input and returns posts, quarantined records and a resume cursor.

Every connector module has ``read(location, *, source_name, cursor=None, options=None) -> ReadResult``
(the :class:`SourceReader` protocol); :func:`read_source` dispatches on a source entry's ``kind``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.sources import drop_folder, meta_export, rss, telegram, tiktok, tipline, x_api_v2, youtube
from pipelines.sources.base import (
    ReadResult,
    SourceError,
    SourceReader,
    TransientSourceError,
)

#: kind (as written in the sources YAML) -> connector
CONNECTORS: dict[str, SourceReader] = {
    "x_api_v2": x_api_v2.read,
    "meta_export": meta_export.read,
    "youtube_data_api": youtube.read,
    "tiktok_research": tiktok.read,
    "telegram_export": telegram.read,
    "rss": rss.read,
    "drop_folder": drop_folder.read,
    "jsonl_drop": drop_folder.read,
    "tipline_csv": tipline.read,
}


def read_source(
    kind: str,
    location: str | Path,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read one source with the connector for ``kind``; raises SourceError for an unknown kind."""
    try:
        connector = CONNECTORS[kind]
    except KeyError:
        raise SourceError(f"unknown source kind {kind!r}; known: {', '.join(sorted(CONNECTORS))}") from None
    return connector(location, source_name=source_name, cursor=cursor, options=options)


__all__ = ["CONNECTORS", "ReadResult", "SourceError", "SourceReader", "TransientSourceError", "read_source"]
