"""TurnBackHoax (MAFINDO) scrapes: article CSVs, full-text scrapes, claim lists, 'eya' dumps, headline XLSX.

Shapes, told apart by their header:
  articles   url, classification, category, date (dd/mm/yyyy), narasi, penjelasan, kesimpulan, hasil_periksa,
             link_source, referensi
  scraped    Title ("[SALAH] ..."), FullText (claim + "Pemeriksaan Fakta" + "Kesimpulan"), Author, Url, Date
  claims     ID, TITLE, DATE ("2 Jan 2024"), HOAX_TEXT, LLM_CATEGORY
  eya        index, url, content ("... ===== Narasi: ... ===== Penjelasan: ... ===== Kategori: ...");
             pandas-style header ",0,1" repeated through the file
  headlines  Header ("[SALAH] ..."), Link  (XLSX, or CSV with the same columns)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from factcheck_kb.importers._io import Collector, CsvRow, ImportFormatError, iter_csv, read_csv_header
from factcheck_kb.importers._text import (
    clean,
    date_from_url,
    is_english_label,
    none_if_blank,
    normalise_verdict,
    parse_date,
    raw_label,
    short_hash,
    slug_label,
    split_label,
    split_references,
    tbh_url_key,
    text_quality,
    title_from_slug,
    url_slug,
)
from factcheck_kb.records import FactCheck, ImportResult

FORMAT = "turnbackhoax"
SOURCE = "turnbackhoax"
PUBLISHER = "MAFINDO (TurnBackHoax)"

_SHAPES: dict[str, set[str]] = {
    "articles": {"url", "classification", "narasi", "penjelasan", "kesimpulan"},
    "scraped": {"Title", "FullText", "Url"},
    "claims": {"ID", "TITLE", "DATE", "HOAX_TEXT"},
    "headlines": {"Header", "Link"},
}
_EYA_HEADERS = (["", "0", "1"], ["index", "url", "content"], ["", "url", "content"])


def shape_of(columns: list[str]) -> str | None:
    """Which TurnBackHoax shape a header belongs to, or None."""
    if columns in _EYA_HEADERS:
        return "eya"
    present = set(columns)
    for shape, required in _SHAPES.items():
        if required <= present:
            return shape
    return None


def matches_header(columns: list[str]) -> bool:
    return shape_of(columns) is not None


def kb_id_for(url: str | None, *fallback: object) -> str:
    """'tbh-35352' or 'tbh-20190728-<slug>' from the article URL; a hash of the fallback parts without one."""
    key = tbh_url_key(url)
    return f"tbh-{key}" if key else f"tbh-{short_hash(*fallback)}"


def _date(out: Collector, line: int, value: str, url: str | None = None) -> date | None:
    try:
        return parse_date(value) or date_from_url(url)
    except ValueError as exc:
        fallback = date_from_url(url)
        out.warn_date(line, exc, fallback)
        return fallback


def _record(kb_id: str, title: str, claim: str, explanation: str, conclusion: str, **extra) -> FactCheck:
    return FactCheck(
        kb_id=kb_id,
        source=SOURCE,
        publisher=PUBLISHER,
        title=title,
        claim_text=claim,
        explanation=explanation,
        conclusion=conclusion,
        text_quality=text_quality(title, claim, explanation, conclusion),
        **extra,
    )


# ---------------------------------------------------------------- articles


def _article(out: Collector, row: CsvRow) -> FactCheck:
    url = none_if_blank(row.get("url"))
    slug_label, title = title_from_slug(url_slug(url))
    verdict = (
        normalise_verdict(row.get("classification"))
        or normalise_verdict(re.split(r"\s+sumber\b", clean(row.get("hasil_periksa")), flags=re.I)[0])
        or slug_label
    )
    references = split_references(row.get("link_source")) + split_references(row.get("referensi"))
    return _record(
        kb_id_for(url, title),
        title,
        clean(row.get("narasi")),
        clean(row.get("penjelasan")),
        clean(row.get("kesimpulan")),
        url=url,
        published_date=_date(out, row.line, row.get("date"), url),
        verdict=verdict,
        category=none_if_blank(row.get("category")),
        references=list(dict.fromkeys(references)),
    )


# ---------------------------------------------------------------- scraped full text

_CHECK = re.compile(r"\bPemeriksaan Fakta\b")
_CONCLUSION = re.compile(r"\bKesimpulan\b")
_WRITTEN_BY = re.compile(r"\s*\((?:Ditulis|Penulis)\s+oleh[^)]*\)\s*$", re.I)


def split_full_text(text: str) -> tuple[str, str, str]:
    """Claim / explanation / conclusion of a TurnBackHoax article body."""
    text = _WRITTEN_BY.sub("", clean(text))
    checks = list(_CHECK.finditer(text))
    if not checks:
        return "", text, ""
    claim, rest = text[: checks[0].start()].strip(), text[checks[0].end() :].strip()
    conclusions = list(_CONCLUSION.finditer(rest))
    if conclusions:
        cut = conclusions[-1]
    else:
        later = list(_CHECK.finditer(rest))  # some articles repeat the heading before the verdict
        cut = later[-1] if later else None
    if cut is None:
        return claim, rest, ""
    return claim, rest[: cut.start()].strip(), rest[cut.end() :].strip()


def _scraped(out: Collector, row: CsvRow) -> FactCheck:
    raw_title = clean(row.get("Title"))
    label, title = split_label(raw_title)
    url = none_if_blank(row.get("Url"))
    claim, explanation, conclusion = split_full_text(row.get("FullText"))
    return _record(
        kb_id_for(url, title),
        title,
        claim,
        explanation,
        conclusion,
        url=url,
        published_date=_date(out, row.line, row.get("Date"), url),
        verdict=label,
        language="en" if is_english_label(raw_label(raw_title)) else "id",
    )


# ---------------------------------------------------------------- claims only (alharkan7)

_NO_NARRATIVE = re.compile(r"^\(\s*(?:tidak (?:terdapat|ada) narasi|narasi tidak ditampilkan)\s*\)$", re.I)


def _claims(out: Collector, row: CsvRow) -> FactCheck:
    label, title = split_label(clean(row.get("TITLE")))
    claim = clean(row.get("HOAX_TEXT"))
    if _NO_NARRATIVE.match(claim):
        claim = ""
    own_id = clean(row.get("ID"))
    kb_id = f"tbh-alharkan7-{own_id}" if own_id else f"tbh-{short_hash(title, row.get('DATE'))}"
    return _record(
        kb_id,
        title,
        claim,
        "",
        "",
        published_date=_date(out, row.line, row.get("DATE")),
        verdict=label,
        category=none_if_blank(row.get("LLM_CATEGORY")),
    )


# ---------------------------------------------------------------- eya

_SECTION_NAMES = (
    "Isi Klarifikasi Lengkap",
    "Isi Klarifikasi",
    "Penjelasan Lengkap",
    "Penjelasan",
    "Narasi",
    "Kategori",
    "Sumber",
    "Referensi",
    "Kesimpulan",
    "Fakta",
    "Catatan",
)
_SECTION = re.compile(
    r"(?:={3,}\s*)?\b(" + "|".join(n for name in _SECTION_NAMES for n in (name, name.upper())) + r")\s*:"
)
_INTO = {
    "narasi": "claim",
    "penjelasan": "explanation",
    "penjelasan lengkap": "explanation",
    "isi klarifikasi lengkap": "explanation",
    "isi klarifikasi": "explanation",
    "fakta": "explanation",
    "catatan": "explanation",
    "kesimpulan": "conclusion",
    "kategori": "category",
    "referensi": "references",
    "sumber": "platform",
}


def split_sections(content: str) -> dict[str, str]:
    """'lead ===== Narasi: x ===== Penjelasan: y' -> {'summary': lead, 'claim': x, 'explanation': y}."""
    text = clean(content)
    parts: dict[str, list[str]] = {}
    marks = list(_SECTION.finditer(text))
    # Without any section heading the whole text is the explanation; with them, the lead is a summary.
    parts.setdefault("summary" if marks else "explanation", []).append(
        text[: marks[0].start()] if marks else text
    )
    for index, mark in enumerate(marks):
        following = marks[index + 1] if index + 1 < len(marks) else None
        body = text[mark.end() : following.start() if following else len(text)]
        parts.setdefault(_INTO[mark.group(1).lower()], []).append(body)
    return {k: "\n\n".join(b.strip(" =\n") for b in v if b.strip(" =\n")) for k, v in parts.items()}


def _eya(out: Collector, row: CsvRow) -> FactCheck | None:
    values = list(row.values.values())
    url, content = clean(values[1]), values[2]
    if not url.startswith("http"):
        return None  # a repeated pandas header (",0,1") between the blocks
    label, title = title_from_slug(url_slug(url))
    sections = split_sections(content)
    category = re.split(r"\n|={3,}", sections.get("category", ""))[0].strip()[:100] or None
    conclusion = "\n\n".join(p for p in (sections.get("summary", ""), sections.get("conclusion", "")) if p)
    return _record(
        kb_id_for(url, title),
        title,
        sections.get("claim", ""),
        sections.get("explanation", ""),
        conclusion,
        url=url,
        published_date=date_from_url(url),
        verdict=label,
        category=category,
        references=split_references(sections.get("references", "")),
        language="en" if is_english_label(slug_label(url_slug(url))) else "id",
    )


# ---------------------------------------------------------------- headlines


def _headline(header: object, link: object) -> FactCheck:
    label, title = split_label(clean(header))
    english = is_english_label(raw_label(clean(header)))
    url = none_if_blank(link)
    return _record(
        f"tbh-hl-{tbh_url_key(url) or short_hash(title)}",
        title,
        "",
        "",
        "",
        url=url,
        published_date=date_from_url(url),
        verdict=label,
        language="en" if english else "id",
    )


def read_headlines_xlsx(path: Path) -> ImportResult:
    """The headline workbook: first sheet, a header row with Header and Link; line = spreadsheet row."""
    from openpyxl import load_workbook

    out = Collector(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [clean(h) for h in next(rows, ())]
        if "Header" not in header or "Link" not in header:
            raise ImportFormatError(f"{path}: expected columns Header and Link, found {header}")
        h_col, l_col = header.index("Header"), header.index("Link")
        for number, values in enumerate(rows, start=2):
            if not values or all(v is None or not clean(v) for v in values):
                continue
            if len(values) <= max(h_col, l_col):
                out.error(number, f"expected {len(header)} cells, found {len(values)}")
                continue
            out.add(number, _headline(values[h_col], values[l_col]))
    finally:
        workbook.close()
    return out.finish()


_ROW_READERS: dict[str, Callable[[Collector, CsvRow], FactCheck | None]] = {
    "articles": _article,
    "scraped": _scraped,
    "claims": _claims,
    "eya": _eya,
    "headlines": lambda _out, row: _headline(row.get("Header"), row.get("Link")),
}


def read(path: str | Path) -> ImportResult:
    """Read any TurnBackHoax shape (CSV by header, XLSX headlines)."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_headlines_xlsx(path)
    header = read_csv_header(path)
    shape = shape_of(header)
    if shape is None:
        raise ImportFormatError(f"{path}: not a known TurnBackHoax CSV shape (header {header})")
    out = Collector(path)
    for row in iter_csv(path, out.result):
        record = _ROW_READERS[shape](out, row)
        if record is not None:
            out.add(row.line, record)
    return out.finish()
