"""Komdigi hoax clarifications: full-text "[HOAKS]" articles and the stemmed (Sastrawi) dataset.

Shapes:
  fulltext  title, date ("15 jam lalu" or a date), url,
            content ("Penjelasan: ... Faktanya ... Link Counter: urls"), scraped_at (relative dates are
            resolved against it)
  stemmed   id, clean_title (lower-case), stemmed_body, category  -> text_quality "stemmed"
"""

from __future__ import annotations

import re
from pathlib import Path

from factcheck_kb.importers._io import Collector, CsvRow, ImportFormatError, iter_csv, read_csv_header
from factcheck_kb.importers._text import (
    clean,
    none_if_blank,
    normalise_verdict,
    parse_relative_date,
    parse_timestamp,
    short_hash,
    slugify,
    split_label,
    split_references,
    text_quality,
    title_from_slug,
    url_slug,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "komdigi"
SOURCE = "komdigi"
PUBLISHER = "Kementerian Komunikasi dan Digital"
FULLTEXT_COLUMNS = ("title", "date", "url", "content", "scraped_at")
STEMMED_COLUMNS = ("id", "clean_title", "stemmed_body", "category")
_STEMMED_LABELS = {"hoaks", "hoax", "disinformasi", "misinformasi", "klarifikasi"}


def shape_of(columns: list[str]) -> str | None:
    present = set(columns)
    if {"clean_title", "stemmed_body"} <= present:
        return "stemmed"
    if {"title", "url", "content", "scraped_at"} <= present:
        return "fulltext"
    return None


def matches_header(columns: list[str]) -> bool:
    return shape_of(columns) is not None


_LINKS = re.compile(r"^\s*(?:Link Counter|Sumber|Referensi)\s*:\s*$", re.I | re.M)
_LEAD = re.compile(r"^\s*Penjelasan\s*:\s*", re.I)
_FACT = re.compile(r"^\s*(?:Namun,?\s+)?(?:faktanya|padahal|kenyataannya)\b", re.I)


def split_content(content: str) -> tuple[str, str, list[str]]:
    """Claim paragraphs ("Beredar ..."), explanation ("Faktanya ..."), and the Link Counter URLs."""
    text = _LEAD.sub("", clean(content))
    links = _LINKS.search(text)
    body, refs = (text[: links.start()], split_references(text[links.end() :])) if links else (text, [])
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    first_fact = next((i for i, p in enumerate(paragraphs) if _FACT.match(p)), None)
    if not first_fact:  # None, or the text starts with the facts: no separate claim paragraph
        return "", "\n".join(paragraphs), refs
    return "\n".join(paragraphs[:first_fact]), "\n".join(paragraphs[first_fact:]), refs


def _fulltext(out: Collector, row: CsvRow) -> FactCheck:
    url = none_if_blank(row.get("url"))
    slug = url_slug(url)
    label, title = split_label(clean(row.get("title")))
    if not title:
        label, title = title_from_slug(slug)
    claim, explanation, references = split_content(row.get("content"))
    published = None
    try:
        published = parse_relative_date(row.get("date"), parse_timestamp(row.get("scraped_at")))
    except ValueError as exc:
        out.warn_date(row.line, exc)
    kb_id = f"komdigi-{slugify(slug, 120)}" if slug else f"komdigi-{short_hash(title, claim[:200])}"
    return FactCheck(
        kb_id=kb_id,
        source=SOURCE,
        publisher=PUBLISHER,
        title=title,
        claim_text=claim,
        explanation=explanation,
        url=url,
        published_date=published,
        verdict=label or "HOAKS",
        category="Klarifikasi Hoaks",
        references=references,
        text_quality=text_quality(title, claim, explanation, ""),
    )


def _own_id(value: str) -> str:
    text = clean(value)
    try:
        number = float(text)
    except ValueError:
        return slugify(text, 60)
    return str(int(number)) if number.is_integer() else text


def _stemmed(out: Collector, row: CsvRow) -> FactCheck:
    words = clean(row.get("clean_title")).split()
    verdict = None
    if words and words[0].lower() in _STEMMED_LABELS:
        verdict, words = normalise_verdict(words[0]), words[1:]
    title, body = " ".join(words), clean(row.get("stemmed_body"))
    own_id = _own_id(row.get("id"))
    return FactCheck(
        kb_id=f"komdigi-{own_id}" if own_id else f"komdigi-{short_hash(title, body[:200])}",
        source=SOURCE,
        publisher=PUBLISHER,
        title=title,
        explanation=body,
        verdict=verdict,
        category=none_if_blank(row.get("category")),
        text_quality="stemmed",
    )


def read(path: str | Path) -> ImportResult:
    """Read either Komdigi CSV shape (told apart by the header)."""
    path = Path(path)
    shape = shape_of(read_csv_header(path))
    if shape is None:
        raise ImportFormatError(
            f"{path}: not a Komdigi CSV (expected {FULLTEXT_COLUMNS} or {STEMMED_COLUMNS})"
        )
    handler = _stemmed if shape == "stemmed" else _fulltext
    out = Collector(path)
    for row in iter_csv(path, out.result):
        out.add(row.line, handler(out, row))
    return out.finish()
