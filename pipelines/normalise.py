"""Normalisation of Indonesian social-media text for matching, clustering and classification.

What it does, in order: Unicode NFKC (so 𝐇𝐎𝐀𝐊𝐒 reads HOAKS) and accents off Latin letters
("memìlìkì" → "memiliki"), URLs / e-mails / mentions out of the
text and into lists, hashtags into words ("#BansosKotabaru" → "bansos kotabaru"), emoji out (kept as a
list), lower case, reduplication ("anak2" → "anak-anak"), leetspeak inside words ("s4y4" → "saya",
never "covid19", "5g" or all-caps codes like "P3K"), stretched letters ("bangeeettt" → "banget",
"maaaaf" → "maaf"), repeated punctuation ("!!!!" → "!"), slang / alay words from the dictionary
``pipelines/demo_data/slang_id.tsv`` ("gak" → "tidak"), and white space.

All functions are pure; the slang dictionary is read once, lazily. About 2,400 posts a second of CPU
time on 10k real posts (mean 180 characters; ``python -m eval.collection_text``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pipelines.lexicons import known_words

log = logging.getLogger(__name__)

SLANG_PATH = Path(__file__).resolve().parent / "demo_data" / "slang_id.tsv"
_NO_SLANG: Mapping[str, str] = MappingProxyType({})

_SHORTENERS = (
    r"bit\.ly|s\.id|t\.co|tinyurl\.com|wa\.me|t\.me|linktr\.ee|shorturl\.at|cutt\.ly|rb\.gy|goo\.gl|youtu\.be"
)
_TLDS = (
    r"com|net|org|info|xyz|site|online|top|click|biz|link|me"
    r"|co\.id|go\.id|or\.id|ac\.id|sch\.id|web\.id|my\.id|id"
)
URL_RE = re.compile(
    rf"(?i)(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    rf"|\b(?:{_SHORTENERS})/[^\s<>\"']+"
    rf"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?"
)
EMAIL_RE = re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,48}[A-Za-z0-9_])?)")
HASHTAG_RE = re.compile(r"(?<![\w#&])#([^\W_][\w]*)")
_EMOJI_CHARS = (
    "\U0001f300-\U0001f5ff\U0001f600-\U0001f64f\U0001f680-\U0001f6ff\U0001f700-\U0001f7ff"
    "\U0001f800-\U0001f8ff\U0001f900-\U0001f9ff\U0001fa00-\U0001faff\U0001f004\U0001f0cf"
    "\U0001f170-\U0001f251\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u2934\u2935"
    "\u3030\u303d\u3297\u3299\u25aa-\u25fe\u24c2\u2122\u2139"
)
_EMOJI_MODS = "\ufe0f\ufe0e\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
EMOJI_RE = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag is two regional indicators
    rf"|[{_EMOJI_CHARS}][{_EMOJI_MODS}]*(?:\u200d[{_EMOJI_CHARS}][{_EMOJI_MODS}]*)*"
    rf"|[\U0001f1e6-\U0001f1ff\u200d{_EMOJI_MODS}]"
)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
WORD_RE = re.compile(r"[^\W_]+(?:[.,]\d+)*")  # "2.500.000" and "08.00" stay one token
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g"}
)
_LEET_INTERIOR = re.compile(r"[a-z][0134-9][a-z]")
_LEET_TOKEN = re.compile(r"(?:[a-z]|(?<!\d)[0134-9](?!\d))+")
_LEET_KEEP = frozenset(
    ["h1n1", "h5n1", "p3k", "b3", "k3", "g20", "mp3", "mp4", "4g", "5g", "covid19", "a4", "r4"]
)
_REDUP_RE = re.compile(r"^([a-z]{2,})2$")
_RUN3_RE = re.compile(r"([a-z])\1{2,}")
_RUN2_RE = re.compile(r"([a-z])\1+")
_LAUGH = ((re.compile(r"^(?:wk){2,}w?$"), "wkwk"), (re.compile(r"^(?:ha){3,}h?$"), "haha"))
_LAUGH += ((re.compile(r"^(?:he){3,}h?$"), "hehe"), (re.compile(r"^(?:hi){3,}h?$"), "hihi"))
_PUNCT_RUN_RE = re.compile(r"([!?.,;:\-~*])\1+")
_MIXED_BANG_RE = re.compile(r"(?:[!?]{2,})")
_SPACE_RE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,.!?;:])")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A post's normalised text and what was taken out of it."""

    text: str
    urls: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    emojis: tuple[str, ...] = ()
    is_url_only: bool = False
    word_count: int = 0

    @property
    def emoji_count(self) -> int:
        return len(self.emojis)


def parse_slang_tsv(text: str) -> dict[str, str]:
    """``slang<TAB>standard`` lines as a dict (comments, blank lines, a header row, extra columns ignored)."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip().lower() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            continue
        if not table and parts[0] in {"slang", "alay", "informal", "kata", "token", "tidak_baku", "from"}:
            continue  # a header row
        table.setdefault(parts[0], parts[1])
    return table


@lru_cache(maxsize=8)
def load_slang(path: str | Path | None = None) -> Mapping[str, str]:
    """The slang dictionary (read once per path); empty, with a warning, when the file is missing."""
    path = Path(path) if path else SLANG_PATH
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        log.warning("slang dictionary %s not found; slang is left as written", path)
        return {}
    table = parse_slang_tsv(text)
    log.debug("loaded %d slang entries from %s", len(table), path)
    return table


def _vocab_for(slang: Mapping[str, str]) -> frozenset[str]:
    """Known words plus the slang dictionary's words (built once per dictionary object)."""
    cached = _VOCAB_CACHE.get(id(slang))
    if cached is not None and cached[0] is slang:
        return cached[1]
    words = set(known_words())
    for key, value in slang.items():
        words.add(key)
        words.update(value.split())
    if len(_VOCAB_CACHE) > 16:
        _VOCAB_CACHE.clear()
    _VOCAB_CACHE[id(slang)] = (slang, frozenset(words))
    return _VOCAB_CACHE[id(slang)][1]


_VOCAB_CACHE: dict[int, tuple[Mapping[str, str], frozenset[str]]] = {}
_WORD_CACHES: dict[int, tuple[Mapping[str, str], dict[str, str]]] = {}


def _word_cache(slang: Mapping[str, str]) -> dict[str, str]:
    """Results per word form for one dictionary (posts repeat words; this makes normalising cheap)."""
    cached = _WORD_CACHES.get(id(slang))
    if cached is None or cached[0] is not slang:
        if len(_WORD_CACHES) > 16:
            _WORD_CACHES.clear()
        cached = _WORD_CACHES[id(slang)] = (slang, {})
    return cached[1]


def _strip_latin_accents(text: str) -> str:
    """ "Oráng memìlìkì" → "Orang memiliki" (an obfuscation trick); marks on other scripts stay."""
    if text.isascii():
        return text
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii() and kept[-1].isalpha():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def split_hashtag(tag: str) -> str:
    """The words of a hashtag: camel case split ("BansosKotabaru" → "Bansos Kotabaru"), else as is."""
    return _CAMEL_RE.sub(" ", tag)


def _deleet(token: str, original: str) -> str:
    if token in _LEET_KEEP or (original.isupper() and sum(c.isdigit() for c in original) == 1):
        return token  # codes like P3K, B3, K3L
    if not _LEET_INTERIOR.search(token) or not _LEET_TOKEN.fullmatch(token):
        return token
    return token.translate(_LEET)


def squeeze_letters(token: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """Undo stretched letters: runs of 3+ become 1 (or 2 when that makes a known word); known doubles stay."""
    for pattern, replacement in _LAUGH:
        if pattern.match(token):
            return replacement
    if not _RUN2_RE.search(token):
        return token
    has_run3 = bool(_RUN3_RE.search(token))
    single = _RUN2_RE.sub(r"\1", token)
    if has_run3:
        one = _RUN3_RE.sub(r"\1", token)
        two = _RUN3_RE.sub(r"\1\1", token)
        for candidate in (one, two, single):
            if candidate in vocabulary:
                return candidate
        return one
    if token in vocabulary:
        return token
    return single if single in vocabulary else token


_AFTER_NUMBER_RE = re.compile(r"\d\s*$")
_UNITS = frozenset(
    ["km", "m", "cm", "mm", "kg", "gr", "g", "mg", "ml", "l", "ha", "mb", "gb", "kb", "kwh", "kw"]
)
_TITLE_RE = re.compile(r"\.\s*[A-Z]")


def _normalise_match(
    match: re.Match[str], slang: Mapping[str, str], vocabulary: frozenset[str], cache: dict[str, str]
) -> str:
    word = match.group(0)
    text, start, end = match.string, match.start(), match.end()
    after_number = word.lower() in _UNITS and _AFTER_NUMBER_RE.search(text[max(0, start - 3) : start])
    if after_number or (text[end : end + 1] == "." and _TITLE_RE.match(text, end)):
        return _normalise_word(word, _NO_SLANG, vocabulary)  # "5 km" is kilometres and "dr. Andi" a doctor
    result = cache.get(word)
    if result is None:
        if len(cache) > 200_000:
            cache.clear()
        result = cache[word] = _normalise_word(word, slang, vocabulary)
    return result


def _normalise_word(original: str, slang: Mapping[str, str], vocabulary: frozenset[str]) -> str:
    token = original.lower()
    if "." in token or "," in token:
        return token  # a number like 2.500.000 or a time like 08.00
    redup = _REDUP_RE.match(token)
    if redup:
        word = slang.get(redup.group(1), redup.group(1))
        return f"{word}-{word}"
    if any(ch.isdigit() for ch in token):
        token = _deleet(token, original)
    if token.isalpha():
        token = squeeze_letters(token, vocabulary)
    return slang.get(token, token)


def _collapse_punctuation(text: str) -> str:
    text = _PUNCT_RUN_RE.sub(lambda m: "..." if m.group(1) == "." else m.group(1), text)
    return _MIXED_BANG_RE.sub(
        lambda m: "?!" if "?" in m.group(0) and "!" in m.group(0) else m.group(0)[0], text
    )


def normalise(
    text: str | None,
    *,
    slang: Mapping[str, str] | None = None,
    use_slang: bool = True,
    url_placeholder: str | None = None,
    keep_mentions: bool = False,
) -> NormalisedText:
    """Normalise one post's text; see the module docstring.

    slang: a dictionary to use instead of ``slang_id.tsv``; use_slang=False skips slang entirely
    (language identification wants regional words left alone); url_placeholder: put this token
    where each URL was (default: drop URLs); keep_mentions: leave "@name" in the text.
    """
    if not text:
        return NormalisedText(text="")
    table: Mapping[str, str] = (load_slang() if slang is None else slang) if use_slang else _NO_SLANG
    vocabulary = _vocab_for(table)
    text = _strip_latin_accents(_INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)))

    urls: list[str] = []

    def _take_url(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;:!?)]}'\"")
        urls.append(url)
        trailing = match.group(0)[len(url) :]  # "…/x," keeps its comma in the text
        return (f" {url_placeholder}" if url_placeholder else " ") + trailing + " "

    def _take_email(match: re.Match[str]) -> str:
        urls.append("mailto:" + match.group(0))
        return " "

    text = EMAIL_RE.sub(_take_email, text)  # before mentions: "@gmail.com" is not a mention
    text = URL_RE.sub(_take_url, text)
    mentions = tuple(m.group(1).lower() for m in MENTION_RE.finditer(text))
    if not keep_mentions:
        text = MENTION_RE.sub(" ", text)
    hashtags = tuple(m.group(1).lower() for m in HASHTAG_RE.finditer(text))
    text = HASHTAG_RE.sub(lambda m: f" {split_hashtag(m.group(1))} ", text)
    emojis = tuple(m.group(0) for m in EMOJI_RE.finditer(text))
    text = EMOJI_RE.sub(" ", text)

    cache = _word_cache(table)
    text = WORD_RE.sub(lambda m: _normalise_match(m, table, vocabulary, cache), text)
    text = _SPACE_RE.sub(" ", _collapse_punctuation(text.lower())).strip()
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    word_count = len(WORD_RE.findall(text))
    if url_placeholder:
        word_count -= len(urls)
    return NormalisedText(
        text=text,
        urls=tuple(urls),
        mentions=mentions,
        hashtags=hashtags,
        emojis=emojis,
        is_url_only=bool(urls) and word_count <= 0,
        word_count=max(word_count, 0),
    )


def normalise_text(text: str | None, **options) -> str:
    """Just the normalised text of :func:`normalise` (same options)."""
    return normalise(text, **options).text
