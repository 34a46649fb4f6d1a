"""Text helpers shared by the importers: verdict labels, dates, URL slugs, stable ids, references."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

# ---------------------------------------------------------------- verdicts

_VERDICT_SYNONYMS = {
    "HOAX": "HOAKS",
    "HOAKS": "HOAKS",
    "FALSE": "SALAH",
    "SALAH": "SALAH",
    "KELIRU": "SALAH",
    "SCAM": "PENIPUAN",
    "SATIR": "SATIRE",
    "CLARIFICATION": "KLARIFIKASI",
    "CEKFAKTA": "CEK FAKTA",
    "MISLEADING": "MENYESATKAN",
    "TRUE": "BENAR",
}
_ENGLISH_LABELS = {"FALSE", "TRUE", "MISLEADING", "CLARIFICATION", "SCAM"}
_LABEL_PREFIX = re.compile(r"^\s*[\[(]\s*([^\])]{2,40}?)\s*[\])]\s*[:\-–]?\s*")
_LABEL_SPLIT = re.compile(r"\s*(?:[,/+&]|\bDAN\b)\s*")


def normalise_verdict(label: str | None) -> str | None:
    """Upper-case a verdict label and map spelling variants (HOAX -> HOAKS, FALSE -> SALAH, ...)."""
    if label is None:
        return None
    text = re.sub(r"\s+", " ", str(label).strip().strip("[]()").upper())
    if not text:
        return None
    parts = [p for p in _LABEL_SPLIT.split(text) if p]
    mapped: list[str] = []
    for part in parts:
        canonical = _VERDICT_SYNONYMS.get(part, part)
        if canonical not in mapped:
            mapped.append(canonical)
    return ", ".join(mapped) if mapped else None


def split_label(title: str) -> tuple[str | None, str]:
    """'[SALAH] Foo' -> ('SALAH', 'Foo'); a title without a bracketed label -> (None, title)."""
    match = _LABEL_PREFIX.match(title or "")
    if not match:
        return None, (title or "").strip()
    return normalise_verdict(match.group(1)), title[match.end() :].strip()


def is_english_label(label: str | None) -> bool:
    """TurnBackHoax publishes English versions labelled [FALSE], [MISLEADING], ... (pass the raw label)."""
    return bool(label) and re.sub(r"\s+", " ", label.strip("[]() ").upper()) in _ENGLISH_LABELS


def raw_label(title: str) -> str | None:
    """The bracketed label of a title as written: '[FALSE] Foo' -> 'FALSE'."""
    match = _LABEL_PREFIX.match(title or "")
    return match.group(1) if match else None


def slug_label(slug: str) -> str | None:
    """The first word of a URL slug after any numeric id: '40101-salah-foo' -> 'salah'."""
    words = [w for w in re.split(r"[-_]+", slug) if w and not w.isdigit()]
    return words[0] if words else None


# ---------------------------------------------------------------- text


def clean(value: object) -> str:
    """A field as text: None -> '', non-breaking and zero-width spaces removed, outer space stripped."""
    if value is None:
        return ""
    text = str(value).replace("\xa0", " ").replace("\u200b", "").replace("\u202a", "").replace("\u202c", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def none_if_blank(value: object) -> str | None:
    text = clean(value)
    return text or None


_URL = re.compile(r"https?://[^\s|<>\"']+")


def split_references(text: object) -> list[str]:
    """References from ' | '-joined, numbered or newline-separated text; URLs glued together are split."""
    raw = clean(text)
    refs: list[str] = []
    for part in re.split(r"\s*\|\s*|\n+", raw):
        part = re.sub(r"^\s*\d+[.)]\s*", "", part).strip()
        if not part:
            continue
        if "http" in part:
            for piece in _GLUED.split(part):
                refs.extend(u.rstrip(".,;)") for u in _URL.findall(piece))
        else:
            refs.append(part)
    return list(dict.fromkeys(r for r in refs if len(r) > len("https://") or "://" not in r))


_GLUED = re.compile(r"(?<=[^\s/=?&(:])(?=https?://)")


def first_url(text: object, domain: str | None = None) -> str | None:
    for url in _URL.findall(clean(text)):
        if domain is None or domain in urlsplit(url).netloc:
            return url.rstrip(".,;)")
    return None


# ---------------------------------------------------------------- ids


def short_hash(*parts: object, length: int = 12) -> str:
    blob = "\x1f".join("" if p is None else str(p).strip().lower() for p in parts)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:length]


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII, lower-case, dash-separated; long slugs are cut and given a short hash so they stay unique."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[: max_len - 9].rstrip("-") + "-" + short_hash(text, length=8)
    return slug


def url_slug(url: str | None) -> str:
    """The last non-empty path segment of a URL."""
    if not url:
        return ""
    segments = [s for s in urlsplit(url.strip()).path.split("/") if s]
    return segments[-1] if segments else ""


_TBH_NUMERIC = re.compile(r"/articles/(\d+)")
_TBH_DATED = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([^/?#]+)")


def tbh_url_key(url: str | None) -> str | None:
    """A TurnBackHoax article's own id: '35352' (new site) or '20190728-<slug>' (dated WordPress URLs)."""
    if not url:
        return None
    if match := _TBH_NUMERIC.search(url):
        return match.group(1)
    if match := _TBH_DATED.search(url):
        year, month, day, slug = match.groups()
        return f"{year}{month}{day}-{slugify(slug, 100)}"
    slug = url_slug(url)
    return slugify(slug, 100) if slug else None


def date_from_url(url: str | None) -> date | None:
    if url and (match := _TBH_DATED.search(url)):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


def title_from_slug(slug: str) -> tuple[str | None, str]:
    """'35352-salah-gunung-lawu-bakal-erupsi' -> ('SALAH', 'Gunung lawu bakal erupsi')."""
    words = [w for w in re.split(r"[-_]+", slug) if w]
    if words and words[0].isdigit():
        words = words[1:]
    label = None
    if words and words[0].upper() in _KNOWN_SLUG_LABELS:
        label = normalise_verdict(words[0])
        words = words[1:]
    text = " ".join(words)
    return label, (text[:1].upper() + text[1:]) if text else ""


_KNOWN_SLUG_LABELS = {
    "SALAH",
    "HOAX",
    "HOAKS",
    "BENAR",
    "PENIPUAN",
    "DISINFORMASI",
    "MISINFORMASI",
    "KLARIFIKASI",
    "FITNAH",
    "FALSE",
    "PARODI",
    "SATIRE",
    "BERITA",
    "EDUKASI",
    "HASUT",
    "MISLEADING",
}

# ---------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "februari": 2,
    "february": 2,
    "peb": 2,
    "pebruari": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "nopember": 11,
    "november": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
    "december": 12,
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ T])")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|\s)")
_D_MON_Y = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})")
_MON_D_Y = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_date(value: object) -> date | None:
    """Many spellings of a date -> ``date``; blank -> None; anything else raises ``ValueError``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if not text:
        return None
    try:
        if match := _ISO.match(text):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DMY.match(text):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if (match := _D_MON_Y.search(text)) and match.group(2).lower() in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
        if (match := _MON_D_Y.search(text)) and match.group(1).lower() in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
    except ValueError as exc:  # e.g. 31/02/2026
        raise ValueError(f"not a real date: {text!r} ({exc})") from exc
    raise ValueError(f"date not understood: {text!r}")


_RELATIVE = re.compile(r"^(\d+)\s+(detik|menit|jam|hari|minggu|pekan|bulan|tahun)\s+(?:yang\s+)?lalu$", re.I)
_UNIT_DAYS = {"minggu": 7, "pekan": 7, "bulan": 30, "tahun": 365}


def parse_relative_date(value: object, reference: date | datetime | None) -> date | None:
    """'15 jam lalu', '3 hari lalu', 'kemarin' resolved against ``reference``; absolute dates pass through."""
    text = clean(value).lower()
    if not text:
        return None
    if reference is not None:
        ref = (
            reference
            if isinstance(reference, datetime)
            else datetime(reference.year, reference.month, reference.day)
        )
        if text in {"baru saja", "hari ini"}:
            return ref.date()
        if text == "kemarin":
            return (ref - timedelta(days=1)).date()
        if match := _RELATIVE.match(text):
            amount, unit = int(match.group(1)), match.group(2).lower()
            if unit in {"detik", "menit", "jam"}:
                seconds = amount * {"detik": 1, "menit": 60, "jam": 3600}[unit]
                # A date-only scrape stamp says "that day": hours ago stays on it unless more than a day back.
                delta = (
                    timedelta(seconds=seconds)
                    if isinstance(reference, datetime)
                    else timedelta(days=seconds // 86400)
                )
                return (ref - delta).date()
            days = amount if unit == "hari" else amount * _UNIT_DAYS[unit]
            return (ref - timedelta(days=days)).date()
    elif _RELATIVE.match(text) or text in {"kemarin", "baru saja", "hari ini"}:
        raise ValueError(f"relative date {text!r} with no scrape time to resolve it against")
    return parse_date(value)


def parse_timestamp(value: object) -> date | datetime | None:
    """A scrape stamp: ISO datetime when it has a time, else a date; blank -> None."""
    text = clean(value)
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(text)
    return stamp if ("T" in text or ":" in text) else stamp.date()


def text_quality(title: str, claim: str, explanation: str, conclusion: str) -> str | None:
    """full (has an explanation or conclusion) / claim_only / headline."""
    if explanation.strip() or conclusion.strip():
        return "full"
    if claim.strip():
        return "claim_only"
    if title.strip():
        return "headline"
    return None
