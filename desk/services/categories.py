"""Topic categories of local hoaxes and a keyword guess of an item's category and kecamatan."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

CATEGORIES: dict[str, str] = {
    "bansos": "Bantuan sosial",
    "rekrutmen": "Rekrutmen CPNS / PPPK / ASN",
    "bencana": "Bencana",
    "kesehatan": "Kesehatan",
    "pemilu": "Pemilu dan politik",
    "penipuan": "Penipuan / akun palsu",
    "akun_palsu": "Akun palsu / penipuan (meniru akun resmi)",
    "pendidikan": "Pendidikan",
    "infrastruktur": "Infrastruktur",
    "energi": "Energi (listrik, BBM, elpiji)",
    "keamanan": "Keamanan dan ketertiban",
    "lainnya": "Lainnya",
}

# Checked in this order: fraud first (fake Bupati accounts often promise aid or jobs).
# Keys follow the pipeline's KB categories (pipelines/demo_data), so routing sees the same words.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "penipuan": (
        "penipuan",
        "akun palsu",
        "akun wa",
        "mengatasnamakan",
        "catut",
        "transfer",
        "pulsa",
        "undian",
        "hadiah",
        "nomor rekening",
        "link pendaftaran palsu",
    ),
    "bansos": (
        "bansos",
        "bantuan sosial",
        "blt",
        "pkh",
        "bpnt",
        "sembako",
        "bantuan tunai",
        "kartu prakerja",
        "bantuan langsung",
        "dtks",
    ),
    "rekrutmen": ("cpns", "pppk", "asn", "honorer", "lowongan", "rekrutmen", "formasi", "pns", "seleksi"),
    "bencana": (
        "banjir",
        "gempa",
        "tsunami",
        "longsor",
        "kebakaran",
        "puting beliung",
        "gelombang tinggi",
        "bencana",
        "evakuasi",
        "rob",
    ),
    "kesehatan": (
        "vaksin",
        "covid",
        "virus",
        "obat",
        "rumah sakit",
        "puskesmas",
        "penyakit",
        "dbd",
        "stunting",
        "kesehatan",
        "bpjs kesehatan",
        "wabah",
    ),
    "pemilu": ("pemilu", "pilkada", "kpu", "bawaslu", "caleg", "paslon", "kampanye", "surat suara", "tps"),
    "pendidikan": ("sekolah", "guru", "siswa", "ppdb", "beasiswa", "ujian", "kip kuliah"),
    "energi": (
        "listrik",
        "pln",
        "pemadaman",
        "bbm",
        "solar",
        "pertalite",
        "pertamax",
        "elpiji",
        "lpg",
        "gas melon",
        "spbu",
    ),
    "infrastruktur": (
        "jalan rusak",
        "jembatan",
        "air bersih",
        "pdam",
        "pelabuhan",
        "jalan putus",
        "proyek jalan",
    ),
    "keamanan": ("begal", "penculikan", "culik", "perampokan", "kerusuhan", "bentrok", "narkoba"),
}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (category, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE))
        for category, words in _KEYWORDS.items()
    ]


_SYNONYMS = {
    "kepegawaian": "rekrutmen",
    "lowongan": "rekrutmen",
    "politik": "pemilu",
    "bantuan": "bansos",
    "scam": "penipuan",
    "fraud": "penipuan",
    "impersonation": "akun_palsu",
    "akun palsu": "akun_palsu",
    "health": "kesehatan",
    "disaster": "bencana",
    "bencana alam": "bencana",
    "listrik": "energi",
    "kriminal": "keamanan",
}


def normalise_category(value: str | None) -> str | None:
    """Map free text (a KB category, a pipeline label) onto one of :data:`CATEGORIES`, or None."""
    if not value:
        return None
    key = value.strip().lower()
    if key in CATEGORIES:
        return key
    return _SYNONYMS.get(key) or guess_category(key, default=None)


def guess_category(text: str, *, default: str | None = "lainnya") -> str | None:
    """The first category whose keywords appear in the text."""
    for category, pattern in _patterns():
        if pattern.search(text or ""):
            return category
    return default


def guess_kecamatan(text: str, names: Iterable[str]) -> str | None:
    """The longest kecamatan name mentioned in the text (``Kec. Sampanan`` or plain ``Sampanan``)."""
    lowered = (text or "").lower()
    found = [name for name in names if name and re.search(r"\b" + re.escape(name.lower()) + r"\b", lowered)]
    return max(found, key=len) if found else None


def category_label(value: str | None) -> str:
    return CATEGORIES.get(value or "", value or "—")


def categories_in_use(extra: Sequence[str | None]) -> list[str]:
    """Known categories plus any other value seen in the data, known ones first."""
    seen = [c for c in extra if c and c not in CATEGORIES]
    return list(CATEGORIES) + sorted(set(seen))
