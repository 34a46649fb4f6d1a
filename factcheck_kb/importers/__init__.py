"""Importers, one module per source format; ``read(path, fmt=None)`` detects the format when not given.

Formats (``FORMATS``): unified, turnbackhoax, mafindo, komdigi, claimreview, pemda, jsonl.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from factcheck_kb.importers import claimreview, jsonl, komdigi, mafindo, pemda, turnbackhoax, unified
from factcheck_kb.importers._io import ImportFormatError, iter_json_values, read_csv_header
from factcheck_kb.records import ImportResult

log = logging.getLogger(__name__)

Reader = Callable[[Path], ImportResult]

FORMATS: dict[str, Reader] = {
    "unified": unified.read,
    "turnbackhoax": turnbackhoax.read,
    "mafindo": mafindo.read,
    "komdigi": komdigi.read,
    "claimreview": claimreview.read,
    "pemda": pemda.read,
    "jsonl": jsonl.read,
}
ALIASES = {
    "tbh": "turnbackhoax",
    "claim-review": "claimreview",
    "jsonld": "claimreview",
    "factcheck": "jsonl",
}

# Checked in this order; the first whose header test passes wins.
_CSV_DETECTORS: tuple[tuple[str, Callable[[list[str]], bool]], ...] = (
    ("unified", unified.matches_header),
    ("turnbackhoax", turnbackhoax.matches_header),
    ("komdigi", komdigi.matches_header),
    ("mafindo", mafindo.matches_header),
    ("pemda", pemda.matches_header),
)
_JSON_DETECTORS: tuple[tuple[str, Callable[[dict], bool]], ...] = (
    ("claimreview", claimreview.matches_json),
    ("jsonl", jsonl.matches_json),
    ("pemda", pemda.matches_json),
    ("mafindo", mafindo.matches_json),
)
_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson", ".jsonld"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class UnknownFormatError(ImportFormatError):
    """The format was not given and could not be told from the file, or the name is not a known format."""


def _help() -> str:
    return f"pass a format: {', '.join(FORMATS)}"


def _json_objects(path: Path, limit: int = 25) -> list[dict]:
    probe = ImportResult()
    found: list[dict] = []
    for _line, value in iter_json_values(path, probe):
        if isinstance(value, dict):
            found.append(value)
        if len(found) >= limit:
            break
    return found


def detect_format(path: str | Path) -> str:
    """The format name for a file, from its extension and its header columns or first JSON objects."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return "turnbackhoax"
    if suffix in _JSON_SUFFIXES:
        objects = _json_objects(path)
        for name, test in _JSON_DETECTORS:
            if any(test(obj) for obj in objects):
                return name
        keys = sorted(objects[0])[:12] if objects else "no JSON object found"
        raise UnknownFormatError(f"{path}: cannot tell the format of this JSON (keys: {keys}); {_help()}")
    header = read_csv_header(path)
    for name, test in _CSV_DETECTORS:
        if test(header):
            return name
    raise UnknownFormatError(f"{path}: cannot tell the format from the header {header[:14]}; {_help()}")


def read(path: str | Path, fmt: str | None = None) -> ImportResult:
    """Read a knowledge-base file into FactChecks; every bad row is a RowError, the good rows still import."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if fmt is None:
        fmt = detect_format(path)
        log.info("%s: detected format %r", path.name, fmt)
    name = ALIASES.get(fmt.strip().lower(), fmt.strip().lower())
    if name not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}; {_help()}")
    return FORMATS[name](path)


__all__ = ["ALIASES", "FORMATS", "ImportFormatError", "UnknownFormatError", "detect_format", "read"]
