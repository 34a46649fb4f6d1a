"""Indonesian tokens for lexical search: lower-cased words, stop words out, Sastrawi stems (cached)."""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[0-9a-z]+")
# Words that carry no topic in fact checks and social posts (on top of Sastrawi's 800 stop words).
_EXTRA_STOP_TEXT = """
yg dgn utk tdk sdh krn jg aja gak ga nggak udah dr pd kalo klo tsb dll dsb sbg spt bgt lg tp
jd nya lah kah pun deh dong sih kok nih tuh loh ya ok oke https http www com co id html amp
"""
_EXTRA_STOP = frozenset(_EXTRA_STOP_TEXT.split())


_STEM_CACHE: dict[str, str] = {}
_STEMMER: list = []


def _stemmer(lock: threading.Lock):
    if not _STEMMER:
        with lock:
            if not _STEMMER:
                from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

                _STEMMER.append(StemmerFactory().create_stemmer())
    return _STEMMER[0]


def _sastrawi_stop_words() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


MODES = ("stem", "surface", "both")


_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "9": "g", "7": "t", "8": "b"})
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[0-9])\w{3,}\b", re.IGNORECASE)


def deleet(word: str) -> str:
    """'PR4BOWO' -> 'PRABOWO', 'b3rs1hkan' -> 'bersihkan' ("alay" spelling); 'covid19', 'g20', '2025' stay.

    A word is rewritten when a digit sits between letters, or it is one digit at either end of three or
    more letters (4nak, yan9), and every digit maps to a letter.
    """
    if word.isalpha() or word.isdigit() or not word.isalnum():
        return word
    inner = any(
        c.isdigit() and word[i - 1].isalpha() and word[i + 1].isalpha()
        for i, c in enumerate(word)
        if 0 < i < len(word) - 1
    )
    digits = sum(c.isdigit() for c in word)
    edge = digits == 1 and (word[0].isdigit() or word[-1].isdigit()) and len(word) - 1 >= 3
    if not (inner or edge):
        return word
    mapped = word.translate(_LEET)
    if not mapped.isalpha():
        return word
    if word.isupper() or sum(c.isupper() for c in word) > len(word) // 2:  # keep ALL-CAPS words in caps
        mapped = mapped.upper()
    return mapped


def deleet_text(text: str) -> str:
    """Every alay-spelled word of a text rewritten with :func:`deleet`."""
    return _LEET_WORD.sub(lambda m: deleet(m.group(0)), text or "")


class IndonesianAnalyzer:
    """Turns text into tokens; stems are cached per token (Sastrawi is slow) and can be persisted.

    ``mode``: "stem" (Sastrawi stems), "surface" (words as written) or "both" (each word's stem plus its
    surface form, marked with '=' so the two never collide): stems match morphological variants
    (membagikan / dibagikan), surface forms keep names and words that Sastrawi over-stems.
    """

    def __init__(self, *, mode: str = "both", stop_words: Iterable[str] | None = None, min_len: int = 2):
        if mode not in MODES:
            raise ValueError(f"unknown analyzer mode {mode!r} ({' | '.join(MODES)})")
        self.mode = mode
        self.min_len = min_len
        self.stop_words = (
            frozenset(stop_words) if stop_words is not None else (_sastrawi_stop_words() | _EXTRA_STOP)
        )
        self._cache = _STEM_CACHE  # stems are deterministic: one cache for every analyzer in the process
        self._lock = threading.Lock()

    @property
    def config(self) -> dict:
        """What must match between an index and the analyzer that queries it."""
        return {"mode": self.mode, "min_len": self.min_len, "stop_words": len(self.stop_words)}

    def _stem_word(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        # Digits and mixed tokens (covid19, 2024) are left alone; Sastrawi would drop them.
        stem = word if not word.isalpha() or len(word) <= 3 else (_stemmer(self._lock).stem(word) or word)
        self._cache[word] = stem
        return stem

    def words(self, text: str) -> list[str]:
        """Lower-cased word tokens, URLs turned into their words, accents folded; no stemming."""
        if not text:
            return []
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
        text = _URL.sub(lambda m: " " + re.sub(r"[^0-9a-z]+", " ", m.group(0)) + " ", text)
        return [deleet(w) for w in _WORD.findall(text)]

    def __call__(self, text: str) -> list[str]:
        """Tokens for indexing or querying: stop words and very short tokens removed, stems applied."""
        out: list[str] = []
        for word in self.words(text):
            if len(word) < self.min_len or word in self.stop_words:
                continue
            if self.mode != "surface":
                stem = self._stem_word(word)
                if stem and stem not in self.stop_words:
                    out.append(stem)
            if self.mode == "surface":
                out.append(word)
            elif self.mode == "both":
                out.append("=" + word)
        return out

    def analyze_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self(text) for text in texts]

    # ------------------------------------------------------------ stem cache persistence

    def load_cache(self, path: Path) -> int:
        """Add stems saved earlier; returns how many were read (a broken file is ignored)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        if isinstance(data, dict):
            self._cache.update({str(k): str(v) for k, v in data.items()})
            return len(data)
        return 0

    def save_cache(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._cache, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)


def title_key(title: str) -> str:
    """A title lower-cased with its punctuation folded: copies of one fact check share it."""
    return re.sub(r"[^0-9a-z]+", " ", (title or "").lower()).strip()


def word_count(text: str) -> int:
    """Words in a post as a reader counts them (URLs excluded)."""
    return len(re.findall(r"\w+", _URL.sub(" ", text or "")))


def is_url_only(text: str) -> bool:
    """True when the text is nothing but one or more links (and punctuation)."""
    stripped = (text or "").strip()
    if not stripped or not _URL.search(stripped):
        return False
    return not re.search(r"\w", _URL.sub(" ", stripped))


def url_words(text: str) -> str:
    """The words inside a text's URLs (slugs like 'hoaks-vaksin-chip'), to search URL-only posts."""
    return " ".join(re.sub(r"[^0-9A-Za-z]+", " ", m.group(0)) for m in _URL.finditer(text or ""))
