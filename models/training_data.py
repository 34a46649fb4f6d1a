"""Training examples for the hoax classifier: labelled files read through `datasets`, plus TRC verdicts."""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import datasets
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.classifier.splits import text_key
from saring.db.tables.core import Post, Verdict

log = logging.getLogger(__name__)

COLUMNS = ("text", "label", "source", "key", "date", "origin")
TEXT_COLUMNS = ("text", "text_normalised", "tweet", "narasi", "FullText", "content", "body")
LABEL_COLUMNS = ("label", "hoax", "verdict", "expected_label")
DATE_COLUMNS = ("date", "posted_at", "tanggal", "Date")
ID_COLUMNS = ("source_id", "id", "ID", "external_id", "url", "Url")
HOAX_VALUES = {"1", "1.0", "true", "hoax", "hoaks", "disinformasi", "misinformasi", "fake", "salah"}
NOT_HOAX_VALUES = {"0", "0.0", "false", "not_hoax", "bukan_hoaks", "bukan hoaks", "valid", "fakta", "benar"}
SKIP_VALUES = {"perlu_investigasi"}
VERDICT_LABELS = {
    "hoaks": 1,
    "disinformasi": 1,
    "misinformasi": 1,
    "bukan_hoaks": 0,
    "perlu_investigasi": None,
}
_TBH_FACTCHECK_MARKER = re.compile(r"\s*Pemeriksaan Fakta\b")
_TWEET_ID = re.compile(r"/status(?:es)?/(\d{12,})")
_URL_DATE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")
_MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row: where it is and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class TrainingDataError(ValueError):
    """Training data that cannot be used; lists every problem as file:line: reason."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:_MAX_ERRORS_SHOWN])
        more = len(problems) - _MAX_ERRORS_SHOWN
        extra = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) in the training data:\n{shown}{extra}")


@dataclass(slots=True)
class TrainingSet:
    """Examples ready to train on, and a snapshot describing exactly which data they are."""

    dataset: datasets.Dataset
    snapshot: dict = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return list(self.dataset["text"])

    @property
    def labels(self) -> list[int]:
        return [int(v) for v in self.dataset["label"]]


def parse_label(value: object) -> int | None:
    """Map a label cell to 1 (hoax) / 0 (not hoax) / None (skip); raises ValueError when unknown."""
    if value is None or (isinstance(value, float) and value != value):
        raise ValueError("missing label")
    if isinstance(value, bool):
        return int(value)
    text = str(value).strip().lower()
    if not text:
        raise ValueError("missing label")
    if text in HOAX_VALUES:
        return 1
    if text in NOT_HOAX_VALUES:
        return 0
    if text in SKIP_VALUES:
        return None
    raise ValueError(f"unknown label value {str(value)!r} (expected 0/1, hoax/not_hoax or a TRC verdict)")


def parse_date(value: object) -> str:
    """Best-effort ISO date (YYYY-MM-DD) of a date cell; empty string when absent or unreadable."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return ""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d-%b-%y", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:19], fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        return ""


def tweet_date(url: str) -> str:
    """Date encoded in an X/Twitter status id (snowflake ids, from late 2010); empty when none."""
    match = _TWEET_ID.search(url or "")
    if not match or int(match.group(1)) < 2**40:
        return ""
    millis = (int(match.group(1)) >> 22) + 1288834974657
    return datetime.fromtimestamp(millis / 1000, tz=UTC).date().isoformat()


def url_date(url: str) -> str:
    """Date in a news URL path such as /read/2025/07/02/...; empty when none."""
    match = _URL_DATE.search(url or "")
    if not match:
        return ""
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return ""


def claim_part(text: str) -> str:
    """A TurnBackHoax article cut to the claim as circulated (before 'Pemeriksaan Fakta')."""
    parts = _TBH_FACTCHECK_MARKER.split(text, maxsplit=1)
    return parts[0].strip() if len(parts) == 2 and parts[0].strip() else text


def _first(row: dict, names: Iterable[str]) -> str | None:
    for name in names:
        if name in row:
            return name
    return None


def _row_to_example(row: dict, path: str, line: int, default_source: str) -> dict | None:
    """One raw row -> example dict; None when the row is deliberately skipped; ValueError when bad."""
    text_col = _first(row, TEXT_COLUMNS)
    label_col = _first(row, LABEL_COLUMNS)
    raw_text = row.get(text_col) if text_col else None
    text = claim_part(str(raw_text)).strip() if raw_text is not None else ""
    if not text:
        raise ValueError(
            f"empty text (column {text_col!r})"
            if text_col
            else f"no text field (one of {', '.join(TEXT_COLUMNS)})"
        )
    label = parse_label(row.get(label_col) if label_col else None)
    if label is None:
        return None
    date_col = _first(row, DATE_COLUMNS)
    id_col = _first(row, ID_COLUMNS)
    ident = str(row.get(id_col) or "") if id_col else ""
    when = parse_date(row.get(date_col)) if date_col else ""
    if not when:
        when = tweet_date(ident) or url_date(ident)
    source = str(row.get("source") or "").strip() or default_source
    return {
        "text": text,
        "label": label,
        "source": source,
        "key": text_key(text),
        "date": when,
        "origin": f"{path}:{line}",
    }


def _check_columns(columns: Iterable[str], path: str) -> None:
    cols = list(columns)
    problems = []
    if not _first(dict.fromkeys(cols), TEXT_COLUMNS):
        problems.append(
            RowProblem(path, 1, f"no text column (one of {', '.join(TEXT_COLUMNS)}); found {cols}")
        )
    if not _first(dict.fromkeys(cols), LABEL_COLUMNS):
        problems.append(
            RowProblem(path, 1, f"no label column (one of {', '.join(LABEL_COLUMNS)}); found {cols}")
        )
    if problems:
        raise TrainingDataError(problems)


def _iter_csv(path: Path) -> Iterator[tuple[int, dict]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, strict=True)
        start = 1
        try:
            if reader.fieldnames is None:
                raise TrainingDataError([RowProblem(str(path), 1, "empty file (no header)")])
            _check_columns(reader.fieldnames, str(path))
            start = reader.line_num + 1
            for row in reader:
                if None in row:
                    yield start, {"__error__": f"{len(row[None])} more field(s) than the header has"}
                elif any(v is None for v in row.values()):
                    yield start, {"__error__": "fewer fields than the header has"}
                else:
                    yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise TrainingDataError([RowProblem(str(path), start, f"CSV does not parse: {exc}")]) from exc
        except UnicodeDecodeError as exc:
            raise TrainingDataError(
                [RowProblem(str(path), max(start, reader.line_num), f"not UTF-8 text: {exc}")]
            ) from exc


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise TrainingDataError([RowProblem(str(path), 1, f"not UTF-8 text: {exc}")]) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, {"__error__": f"JSON does not parse: {exc.msg} (column {exc.colno})"}
            continue
        if not isinstance(row, dict):
            yield number, {"__error__": f"expected a JSON object, got {type(row).__name__}"}
            continue
        yield number, row


def _iter_hf_folder(path: Path) -> Iterator[tuple[int, dict]]:
    data = datasets.load_from_disk(str(path))
    if isinstance(data, datasets.DatasetDict):
        data = datasets.concatenate_datasets(list(data.values()))
    _check_columns(data.column_names, str(path))
    yield from enumerate(data, start=1)


def read_labelled_file(path: str | Path, *, skip_invalid: bool = False) -> tuple[list[dict], dict]:
    """Read one labelled file (CSV, JSONL or a saved `datasets` folder) into examples and its description."""
    path = Path(path)
    if not path.exists():
        raise TrainingDataError([RowProblem(str(path), 0, "file not found")])
    if path.is_dir():
        rows = _iter_hf_folder(path)
    elif path.suffix.lower() in {".jsonl", ".json", ".ndjson"}:
        rows = _iter_jsonl(path)
    elif path.suffix.lower() in {".csv", ".tsv", ".txt"}:
        rows = _iter_csv(path)
    else:
        raise TrainingDataError([RowProblem(str(path), 0, f"unknown file type {path.suffix!r} (csv, jsonl)")])
    examples: list[dict] = []
    problems: list[RowProblem] = []
    skipped = 0
    for line, row in rows:
        if "__error__" in row:
            problems.append(RowProblem(str(path), line, row["__error__"]))
            continue
        try:
            example = _row_to_example(row, str(path), line, path.stem)
        except ValueError as exc:
            problems.append(RowProblem(str(path), line, str(exc)))
            continue
        if example is None:
            skipped += 1
        else:
            examples.append(example)
    if problems and not skip_invalid:
        raise TrainingDataError(problems)
    if not examples:
        raise TrainingDataError(problems or [RowProblem(str(path), 0, "no labelled examples in the file")])
    for problem in problems:
        log.warning("skipped bad row %s", problem)
    description = {
        "path": str(path),
        "sha256": _file_sha256(path),
        "rows": len(examples),
        "skipped_unlabelled": skipped,
        "skipped_invalid": len(problems),
        "labels": {
            "hoax": sum(e["label"] for e in examples),
            "not_hoax": sum(1 - e["label"] for e in examples),
        },
    }
    return examples, description


def _file_sha256(path: Path) -> str:
    if path.is_dir():
        digest = hashlib.sha256()
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(child.read_bytes())
        return digest.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_verdicts(session: Session, *, since: datetime | None = None) -> tuple[list[dict], dict]:
    """The TRC's latest verdict per post (joined to the post's text), mapped to training labels."""
    query = (
        select(Verdict, Post).join(Post, Verdict.post_id == Post.id).order_by(Verdict.decided_at, Verdict.id)
    )
    if since is not None:
        query = query.where(Verdict.decided_at > since)
    latest: dict[int, tuple[Verdict, Post]] = {}
    for verdict, post in session.execute(query):
        latest[post.id] = (verdict, post)
    examples: list[dict] = []
    problems: list[RowProblem] = []
    counts: Counter[str] = Counter()
    for verdict, post in latest.values():
        where = RowProblem("verdicts", verdict.id, "")
        if verdict.verdict not in VERDICT_LABELS:
            problems.append(RowProblem(where.path, where.line, f"unknown verdict value {verdict.verdict!r}"))
            continue
        counts[verdict.verdict] += 1
        label = VERDICT_LABELS[verdict.verdict]
        text = (post.text or post.text_normalised or "").strip()  # raw text, as the scoring flow passes
        if label is None:
            continue
        if not text:
            log.warning("verdict %s: post %s has no text; skipped", verdict.id, post.id)
            counts["skipped_empty_text"] += 1
            continue
        when = post.posted_at or verdict.decided_at
        examples.append(
            {
                "text": text,
                "label": label,
                "source": "trc_verdicts",
                "key": text_key(text),
                "date": when.date().isoformat() if when else "",
                "origin": f"verdict:{verdict.id}",
            }
        )
    if problems:
        raise TrainingDataError(problems)
    decided = [v.decided_at for v, _ in latest.values()]
    description = {
        "source": "verdicts",
        "since": since.isoformat() if since else None,
        "rows": len(examples),
        "verdict_counts": dict(counts),
        "max_verdict_id": max((v.id for v, _ in latest.values()), default=None),
        "last_decided_at": max(decided).isoformat() if decided else None,
    }
    return examples, description


def count_verdicts(session: Session, *, since: datetime | None = None) -> dict:
    """Verdicts decided after `since`: all of them and those that carry a training label."""
    query = select(Verdict.verdict)
    if since is not None:
        query = query.where(Verdict.decided_at > since)
    values = list(session.scalars(query))
    labelled = sum(1 for v in values if VERDICT_LABELS.get(v) is not None)
    return {"total": len(values), "labelled": labelled}


def merge_examples(groups: list[list[dict]]) -> tuple[list[dict], dict]:
    """Merge groups in order: within a group the first copy of a text wins, a later group (e.g. TRC
    verdicts) overrides an earlier group's label for the same text."""
    merged: dict[str, dict] = {}
    conflicts = duplicates = 0
    for group in groups:
        firsts: dict[str, dict] = {}
        for example in group:
            if example["key"] in firsts:
                duplicates += 1
                conflicts += firsts[example["key"]]["label"] != example["label"]
            else:
                firsts[example["key"]] = example
        for key, example in firsts.items():
            if key in merged:
                duplicates += 1
                conflicts += merged[key]["label"] != example["label"]
            merged[key] = example
    return list(merged.values()), {"duplicates_dropped": duplicates, "label_conflicts": conflicts}


def build_training_set(
    paths: Iterable[str | Path] = (),
    *,
    session: Session | None = None,
    include_verdicts: bool = False,
    verdicts_since: datetime | None = None,
    skip_invalid: bool = False,
) -> TrainingSet:
    """Labelled files plus (optionally) every TRC verdict, de-duplicated, as a `datasets.Dataset`."""
    groups: list[list[dict]] = []
    files: list[dict] = []
    for path in paths:
        examples, description = read_labelled_file(path, skip_invalid=skip_invalid)
        groups.append(examples)
        files.append(description)
    verdict_info = None
    if include_verdicts:
        if session is None:
            raise ValueError("include_verdicts needs a database session")
        examples, verdict_info = read_verdicts(session, since=verdicts_since)
        groups.append(examples)
    merged, merge_info = merge_examples(groups)
    if not merged:
        raise TrainingDataError([RowProblem("(training data)", 0, "no labelled examples at all")])
    labels = Counter(e["label"] for e in merged)
    if len(labels) < 2:
        raise TrainingDataError([RowProblem("(training data)", 0, f"only one class present: {dict(labels)}")])
    dataset = datasets.Dataset.from_dict({c: [e[c] for e in merged] for c in COLUMNS})
    fingerprint = hashlib.sha256(
        "\n".join(sorted(f"{e['key']}\t{e['label']}" for e in merged)).encode()
    ).hexdigest()
    snapshot = {
        "files": files,
        "verdicts": verdict_info,
        "examples": len(merged),
        "labels": {"hoax": labels[1], "not_hoax": labels[0]},
        "sources": dict(Counter(e["source"] for e in merged)),
        "fingerprint": fingerprint,
        **merge_info,
    }
    return TrainingSet(dataset=dataset, snapshot=snapshot)
