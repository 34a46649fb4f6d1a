"""The Pemda's complaint / tipline export (aduan masyarakat) as CSV.

Saring's own documented shape, modelled on what a Diskominfo desk keeps when it logs reports from
WhatsApp, SP4N-LAPOR!, e-mail and walk-ins (one row per report; ``,`` or ``;`` delimited, UTF-8 or
Excel's cp1252; header names are case-insensitive)::

    nomor_laporan   ADU-2025-000123            required, unique per source
    tanggal_laporan 14/03/2025 08:21           required; day-first or ISO; local time (options.timezone, WITA)
    kanal           WhatsApp | SP4N-LAPOR! | Email | Media Sosial | Langsung     required
    pelapor         0812****7788 / a***@gmail.com   already masked at the desk; kept only in raw
    isi_laporan     what the reporter says circulates (often a forwarded message)
    tautan          link(s) to the content, separated by spaces, ";" or new lines
    lampiran        attachment file names (screenshots), separated by ";"
    kecamatan       optional: where the reporter is (e.g. Pulau Laut Utara)
    kategori        optional: the desk's category (bansos, kesehatan, penipuan, …)

A report needs ``isi_laporan`` or ``tautan``; with only a link the text is the link (the normaliser
marks it URL-only). ``platform`` is where the content circulates as far as known: the first link's
site (facebook, instagram, x, tiktok, youtube, whatsapp, telegram), else "whatsapp" for reports that
came in over WhatsApp (forwarded chain messages), else "tipline".

Cursor: ``{"since": "<latest tanggal_laporan seen, ISO>"}``; exports are cumulative, so a re-run skips
reports older than ``since`` (same-minute reports come again and are de-duplicated by the database).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pipelines.records import PostRecord
from pipelines.sources.base import (
    ReadResult,
    RecordError,
    apply_time_cursor,
    engagement,
    existing_path,
    parse_datetime,
    quarantine,
    read_text_lenient,
    require_id,
    resolve_timezone,
    utcnow,
)

REQUIRED = ("nomor_laporan", "tanggal_laporan", "kanal", "isi_laporan")
KANAL = {
    "whatsapp": "whatsapp",
    "wa": "whatsapp",
    "sp4n-lapor!": "lapor",
    "sp4n-lapor": "lapor",
    "lapor": "lapor",
    "lapor!": "lapor",
    "email": "email",
    "e-mail": "email",
    "media sosial": "media_sosial",
    "langsung": "langsung",
    "telepon": "telepon",
}
_SITES = (
    ("facebook.com", "facebook"),
    ("fb.watch", "facebook"),
    ("instagram.com", "instagram"),
    ("twitter.com", "x"),
    ("x.com", "x"),
    ("tiktok.com", "tiktok"),
    ("youtube.com", "youtube"),
    ("youtu.be", "youtube"),
    ("wa.me", "whatsapp"),
    ("chat.whatsapp.com", "whatsapp"),
    ("t.me", "telegram"),
)


def split_links(value: str | None) -> list[str]:
    """The links in a ``tautan`` cell."""
    return [
        part for part in re.split(r"[\s;,]+", value or "") if part.startswith(("http://", "https://", "www."))
    ]


def platform_of(links: list[str], kanal: str) -> str:
    """Where the reported content circulates: the first link's site, else WhatsApp for WA reports."""
    for link in links:
        host = re.sub(r"^(https?://)?(www\.|m\.|web\.|mobile\.)?", "", link.lower()).split("/", 1)[0]
        for site, platform in _SITES:
            if host == site or host.endswith("." + site):
                return platform
    return "whatsapp" if kanal == "whatsapp" else "tipline"


def parse_report(row: Mapping[str, str], *, source_name: str, tz: tzinfo) -> PostRecord:
    """One report row (keys lower-cased) as a PostRecord. Raises RecordError."""
    report_id = require_id(row.get("nomor_laporan"), "nomor_laporan")
    kanal_text = (row.get("kanal") or "").strip()
    if not kanal_text:
        raise RecordError("missing kanal")
    kanal = KANAL.get(kanal_text.lower(), kanal_text.lower())
    links = split_links(row.get("tautan"))
    text = (row.get("isi_laporan") or "").strip() or " ".join(links)
    if not text:
        raise RecordError("missing text (isi_laporan and tautan are empty)")
    raw = dict(row)
    raw["kanal_normalised"] = kanal
    raw["lampiran_list"] = [p.strip() for p in (row.get("lampiran") or "").split(";") if p.strip()]
    return PostRecord(
        source=source_name,
        platform=platform_of(links, kanal),
        external_id=report_id,
        text=text,
        author_handle=None,  # the reporter is not the author of what they report
        url=links[0] if links else None,
        posted_at=parse_datetime(row.get("tanggal_laporan"), tz=tz, day_first=True),
        captured_at=utcnow(),
        engagement=engagement(),
        raw=raw,
    )


def _read_file(path: Path, source_name: str, tz: tzinfo) -> ReadResult:
    result = ReadResult()
    text = read_text_lenient(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [re.sub(r"\s+", "_", h.strip().lower()) for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.quarantined.append(
            quarantine(source_name, path.name, f"not a tipline export: missing {missing}", header)
        )
        return result
    start_line = 2
    for row in reader:
        where = f"{path.name} line {start_line}"
        start_line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.quarantined.append(
                quarantine(source_name, where, f"expected {len(header)} columns, found {len(row)}", row)
            )
            continue
        values = dict(zip(header, row, strict=True))
        try:
            result.posts.append(parse_report(values, source_name=source_name, tz=tz))
        except RecordError as exc:
            result.quarantined.append(quarantine(source_name, where, str(exc), values))
    return result


def read(
    location: str | Path,
    *,
    source_name: str,
    cursor: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ReadResult:
    """Read a tipline CSV export (or a folder of them); see the module docstring."""
    tz = resolve_timezone((options or {}).get("timezone"))
    path = existing_path(location)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    result = ReadResult()
    for file in files:
        result.extend(_read_file(file, source_name, tz))
    result.next_cursor = {"since": apply_time_cursor(result, cursor)}
    return result
