"""Reading files with physical line numbers (CSV, JSON, JSONL) and collecting records and row errors."""

from __future__ import annotations

import csv
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from factcheck_kb.records import FactCheck, ImportResult, RowError

log = logging.getLogger(__name__)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # full articles are far longer than the 128 KiB default


MAX_CATEGORY, MAX_VERDICT = 100, 50  # the kb_items column widths


class ImportFormatError(ValueError):
    """The file cannot be read as the format asked for (wrong columns, not UTF-8, not JSON)."""


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc})") from exc


def read_csv_header(path: Path) -> list[str]:
    """The first record of a CSV file (BOM and outer spaces removed)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc})") from exc
    return [h.strip() for h in header]


@dataclass(slots=True)
class CsvRow:
    """One CSV record: the line it starts on and its values by column name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "") or ""


def iter_csv(path: Path, result: ImportResult) -> Iterator[CsvRow]:
    """Records after the header, each with the line it starts on; wrong column counts become RowErrors."""
    previous_end = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise ImportFormatError(f"{path}: empty file, no header")
            previous_end = reader.line_num
            for values in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue  # blank line
                if len(values) != len(header):
                    result.errors.append(
                        RowError(path.name, start, f"expected {len(header)} columns, found {len(values)}")
                    )
                    continue
                yield CsvRow(start, dict(zip(header, values, strict=True)))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc})") from exc
    except csv.Error as exc:
        result.errors.append(RowError(path.name, previous_end + 1, f"CSV syntax error: {exc}"))


# ---------------------------------------------------------------- JSON


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _scan_array(text: str, start: int) -> Iterator[tuple[int, object]]:
    """Elements of the JSON array whose '[' is at ``start``, each with the line it starts on."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    index = ws.match(text, start + 1).end()
    while index < len(text) and text[index] != "]":
        value, end = decoder.raw_decode(text, index)
        yield _line_of(text, index), value
        index = ws.match(text, end).end()


_LIST_KEYS = ("@graph", "data", "results", "items", "records", "claims")


def iter_json_values(path: Path, result: ImportResult) -> Iterator[tuple[int, object]]:
    """Objects in a JSON document (one object, an array, or a list under @graph/data/...) or in JSONL.

    Each comes with the physical line it starts on; a broken JSONL line becomes a RowError and the rest
    still reads. A broken single document is one RowError at the line the parser stopped on.
    """
    text = read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole_error:
        if _looks_like_jsonl(path, text):
            yield from _iter_jsonl(path, text, result)
        else:
            result.errors.append(RowError(path.name, whole_error.lineno, f"broken JSON: {whole_error.msg}"))
        return
    if isinstance(document, list):
        yield from _scan_array(text, text.index("["))
        return
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list):
                match = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
                if match:
                    yield from _scan_array(text, match.end() - 1)
                else:
                    for item in document[key]:
                        yield 1, item
                return
        yield _line_of(text, text.index("{")), document
        return
    result.errors.append(
        RowError(path.name, 1, f"expected a JSON object or array, found {type(document).__name__}")
    )


def _looks_like_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return True
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return False
    return True


def _iter_jsonl(path: Path, text: str, result: ImportResult) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            result.errors.append(
                RowError(path.name, number, f"broken JSON line: {exc.msg} (column {exc.colno})")
            )


def first_json_object(path: Path) -> dict | None:
    """The first object in a JSON/JSONL file, for format detection; None when there is none."""
    probe = ImportResult()
    try:
        for _line, value in iter_json_values(path, probe):
            if isinstance(value, dict):
                return value
            return None
    except (json.JSONDecodeError, ImportFormatError):
        return None
    return None


# ---------------------------------------------------------------- collecting


@dataclass(slots=True)
class Collector:
    """Adds records to an ImportResult: rejects rows without text and repeated kb_ids, keeps warnings."""

    path: Path
    result: ImportResult = field(default_factory=ImportResult)
    _seen: dict[str, int] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.path.name

    def error(self, line: int, reason: str) -> None:
        self.result.errors.append(RowError(self.file, line, reason))

    def warn_date(self, line: int, exc: Exception, fallback: date | None = None) -> None:
        """A date that does not parse: reported; the row is still imported, without it or with a fallback."""
        kept = f"date {fallback.isoformat()} from its URL" if fallback else "no date"
        self.error(line, f"{exc}; row imported with {kept}")

    def add(self, line: int, record: FactCheck) -> bool:
        if record.category and len(record.category) > MAX_CATEGORY:
            record.category = record.category[:MAX_CATEGORY].rstrip()
        if record.verdict and len(record.verdict) > MAX_VERDICT:
            record.verdict = record.verdict[:MAX_VERDICT].rstrip()
        if not record.has_text:
            self.error(line, "no text: title, claim, explanation and conclusion are all empty")
            return False
        if not record.kb_id:
            self.error(line, "no id could be made for this row")
            return False
        if record.kb_id in self._seen:
            self.error(
                line, f"duplicate kb_id {record.kb_id!r} (first at line {self._seen[record.kb_id]}); skipped"
            )
            return False
        self._seen[record.kb_id] = line
        self.result.records.append(record)
        return True

    def finish(self) -> ImportResult:
        log.info(
            "%s: %d records, %d row errors", self.file, len(self.result.records), len(self.result.errors)
        )
        return self.result
