"""Query-side cleaning: strip fact-checkers' reporting framing around a circulating claim.

Claims quoted in fact checks are wrapped in framing such as "Akun Facebook “X” pada Jumat (12/9/2025)
membagikan video [arsip] dengan narasi: “…” Per Rabu (10/12/2025) konten tersebut telah mendapat 2.600 tanda
suka …". The account name, dates, archive markers and engagement counts say nothing about the claim and pull
both lexical and dense search towards other fact checks written in the same template. Plain social-media posts
pass through unchanged (the patterns need the framing's own words).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from factcheck_kb.tokens import deleet_text

_DAYS = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Jumar|Sabtu|Minggu|Ahad)"
_DATE_NUM = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}"
_MONTHS = (
    r"(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Sep|Okt|Nov|Des)"
)
_PLATFORM = (
    r"(?:Facebook|FB|TikTok|Tiktok|Instagram|IG|X|Twitter|Twitter\s*\(X\)|YouTube|Youtube|Threads|WhatsApp"
    r"|Telegram)"
)
# to the end of the sentence: a full stop before a capital or a quote (not the one in "2.600"), or the end
_TO_SENTENCE_END = r"[^“”\"]*?(?:\.(?=\s+[A-Z“\"])|$)"
_QUOTED_NAME = r"[“\"'‘][^”\"'’\n]{1,80}[”\"'’]"

_SUBS: list[tuple[re.Pattern[str], str]] = [
    # archive markers: [arsip], [ arsip ], ( arsip cadangan ), [arsip 1]
    (re.compile(r"[\[(]\s*arsip[^\])]{0,20}[\])]", re.IGNORECASE), " "),
    # glued words in some scrapes: membagikanvideo, mengunggahfoto, membagikantautan
    (
        re.compile(r"\b(membagikan|mengunggah|mencuitkan)(video|foto|tautan|narasi|gambar|unggahan)", re.I),
        r"\1 \2",
    ),
    # engagement report: "Per Rabu (10/12/2025) konten tersebut telah mendapat …" to the end of that sentence
    (
        re.compile(
            r"\b(?:Per|Hingga|Sampai)\s+(?:"
            + _DAYS
            + r"\s*,?\s*)?\(?\s*(?:"
            + _DATE_NUM
            + r"|tangkapan layar[^,.]{0,30})"
            r"\s*\)?\s*,?\s*[^“”\"()]{0,120}?\b(?:tanda suka|komentar|ditonton|dilihat|dibagikan|disukai|"
            r"interaksi|views?|likes?)\b" + _TO_SENTENCE_END,
            re.IGNORECASE,
        ),
        " ",
    ),
    (
        re.compile(
            r"\b(?:unggahan|konten|video|foto)\s+(?:tersebut\s+|ini\s+|itu\s+)?(?:telah|sudah)\s+"
            r"(?:dibagikan|disukai|ditonton|dilihat)\b" + _TO_SENTENCE_END,
            re.IGNORECASE,
        ),
        " ",
    ),
    # "Tim Pemeriksa Fakta Mafindo (TurnBackHoax) juga menemukan …" sentence
    (
        re.compile(
            r"\bTim\s+Pemeriksa\s+Fakta\s+Mafindo\s*(?:\(TurnBackHoax\))?\s+(?:juga\s+)?menemukan", re.I
        ),
        " ",
    ),
    # accounts and pages with their quoted names
    (
        re.compile(
            r"\b(?:(?:dari|oleh)\s+)?(?:akun|kanal|page|halaman|grup|channel)\s+(?:"
            + _PLATFORM
            + r"\s*)?(?:\(X\)\s*)?(?:"
            + _QUOTED_NAME
            + r"|@\w+)?",
            re.IGNORECASE,
        ),
        " ",
    ),
    (re.compile(r"\(\s*(?:https?://)?(?:www\.)?facebook\.com/\S*\s*\)", re.I), " "),
    # dates: "pada Jumat (12/9/2025)", "Minggu, (12/1/2025)", "Rabu, 23/10/2024", "(23/11/2025)"
    (
        re.compile(
            r"\b(?:pada\s+)?(?:"
            + _DAYS
            + r"\s*,?\s*)?\(\s*(?:"
            + _DATE_NUM
            + r"|\d{1,2}\s+"
            + _MONTHS
            + r"\s+\d{4})\s*\)",
            re.IGNORECASE,
        ),
        " ",
    ),
    (re.compile(r"\b(?:pada\s+)?" + _DAYS + r"\s*,?\s*" + _DATE_NUM, re.IGNORECASE), " "),
    # framing verbs and narration markers
    (
        re.compile(
            r"\b(?:Beredar\s+(?:sebuah\s+)?(?:unggahan\s+)?"
            r"(?:video|foto|tautan|gambar|pesan berantai|unggahan)?"
            r"|(?:membagikan|mengunggah|mencuitkan)\s+(?:sebuah\s+)?(?:video|foto|tautan|gambar|unggahan)?"
            r"|(?:yang\s+)?(?:berisi|dengan|disertai|beserta)\s+narasi\s*"
            r"(?:lengkapnya|sebagai berikut|selengkapnya|berikut)?\s*:?"
            r"|Berikut\s+(?:narasi|cuitan|isi)(?:nya)?\s*(?:lengkap(?:nya)?|selengkapnya)?\s*:?"
            r"|Unggahan\s+(?:tersebut\s+|itu\s+)?disertai\s+(?:narasi|takarir|keterangan)\s*:?"
            r"|narasi\s+(?:sebagai\s+berikut|lengkapnya)\s*:?)",
            re.IGNORECASE,
        ),
        " ",
    ),
    (re.compile(r"[“”\"‘’]"), " "),
    (re.compile(r"\s+([,.:;])"), r"\1"),
    (re.compile(r"(?:^|\s)[,.:;]+(?=\s|$)"), " "),
    (re.compile(r"\s+"), " "),
]


def clean_query(text: str) -> str:
    """The claim without its reporting framing; returns the input when cleaning would leave almost nothing."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    out = text
    for pattern, repl in _SUBS:
        out = pattern.sub(repl, out)
    out = out.strip(" ,.:;-")
    # Never strip a real post down to nothing: keep the original when under a quarter of the words survive.
    if len(out.split()) < max(2, len(text.split()) // 4):
        return text.strip()
    return out


# Long posts are cut before encoding: the claim sits at the start, and encoding cost grows with length.
MAX_QUERY_WORDS = 96


@lru_cache(maxsize=16384)
def dense_query_text(text: str, *, clean: bool = True, max_words: int = MAX_QUERY_WORDS) -> str:
    """The text the encoder sees for a post: framing stripped (optionally) and cut to ``max_words`` words.

    Cached: scoring plans each post twice (the text to encode, then the match), and re-posts repeat texts.
    """
    out = clean_query(text) if clean else (text or "").strip()
    out = deleet_text(out)
    words = out.split()
    return " ".join(words[:max_words]) if len(words) > max_words else out
