"""When a handle or a display name imitates another: homoglyphs, leetspeak, separators, affixes, typos.

Pure string functions. Two names are compared on their *skeleton*: Unicode folded (NFKC, accents dropped),
confusable letters and digits mapped to one letter (Cyrillic ``о`` and ``0`` to ``o``; ``1``, ``l``, ``i``,
``|`` to ``l``; ``rn`` to ``m``), separators removed, and the words an impostor adds to look official
(``official``, ``resmi``, ``real``, ``asli``, ``new``, a trailing number) taken off. A registered name and a
look-alike then share a skeleton, or differ by one or two edits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters of other scripts that look like Latin ones (the common confusables of Unicode's confusables.txt).
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h",
    "ԛ": "q", "ԝ": "w", "ı": "i", "ɩ": "i", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "β": "b", "η": "n", "ѵ": "v", "ս": "u", "օ": "o",
}  # fmt: skip
# Leetspeak and look-alike glyphs, after lower-casing; i, l, 1 and | all read as one stroke.
_LEET = {
    "0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s",
    "7": "t", "8": "b", "9": "g", "6": "g", "2": "z",
}  # fmt: skip
_DIGRAPHS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
#: Words an impostor adds to a name to look genuine ("pemkab_kotabaru_official", "real.bupati").
AFFIXES = (
    "official", "offical", "oficial", "officiall", "ofc", "offc", "resmi", "real", "asli", "the", "new",
    "id", "ind", "akun", "account", "acc", "page", "fanpage", "fp", "2", "01", "1",
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s._\-·•|]+")
_TRAILING_DIGITS = re.compile(r"\d+$")


def fold(text: str) -> str:
    """Lower case, NFKC (fullwidth ``ｂｕｐａｔｉ`` is ``bupati``), accents dropped, other scripts'
    look-alikes mapped to Latin."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(_HOMOGLYPHS.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def canonical_handle(handle: str | None) -> str:
    """A handle as platforms compare it: lower case, no leading ``@``, no profile URL around it."""
    value = (handle or "").strip()
    value = re.sub(r"^https?://[^/]+/", "", value)
    value = value.strip("/").split("?")[0]
    return value.lstrip("@").lower()


def words(name: str) -> list[str]:
    """The folded words of a name (split at separators)."""
    return [w for w in _SEPARATORS.split(fold(name)) if w]


def glyphs(text: str) -> str:
    """Leetspeak and look-alike glyphs of a folded text mapped to one letter each."""
    return _glyphs(text)


def _glyphs(text: str) -> str:
    out = "".join(_LEET.get(ch, ch) for ch in text)
    for pair, single in _DIGRAPHS:
        out = out.replace(pair, single)
    return out


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The name with confusables, separators and impostor affixes removed (empty when nothing remains)."""
    parts = [w for w in words(name) if _glyphs(w) not in _AFFIX_GLYPHS]
    if not parts:
        return ""
    joined = "".join(parts)
    stripped = _TRAILING_DIGITS.sub("", joined) or joined
    out = _glyphs(stripped)
    for affix in _GLUED:  # glued on without a separator
        if out.endswith(affix) and len(out) > len(affix) + 3:
            out = out[: -len(affix)]
    return out


_AFFIX_GLYPHS = frozenset(_glyphs(a) for a in AFFIXES)
_GLUED = tuple(_glyphs(a) for a in ("official", "offical", "resmi", "asli", "real"))


def plain(name: str) -> str:
    """The name folded with separators removed, nothing else (to tell a pure separator change)."""
    return "".join(words(name))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at ``limit + 1``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


@dataclass(frozen=True, slots=True)
class Resemblance:
    """How ``candidate`` imitates ``genuine``: a strength in [0, 1] and the trick, in Indonesian."""

    strength: float
    how: str


def resemblance(candidate: str, genuine: str) -> Resemblance | None:
    """The resemblance of a name to a registered one, None when they are the same name or unlike.

    Same skeleton: 1.0 (homoglyph, leetspeak, separator or affix trick); one edit on skeletons of at least
    8 letters: 0.8; two edits on at least 12 letters: 0.3 (a typo-squat, or just a club named after the
    account, "kotabaru.hebat.fc": weak alone).
    """
    if not candidate or not genuine:
        return None
    if candidate.strip().lower() == genuine.strip().lower():
        return None
    a, b = skeleton(candidate), skeleton(genuine)
    if len(b) < 5 or len(a) < 4:
        return None
    if a == b:
        return Resemblance(1.0, _trick(candidate, genuine))
    distance = edit_distance(a, b, limit=2)
    shorter = min(len(a), len(b))
    if distance == 1 and shorter >= 8:
        return Resemblance(0.8, "ejaan hampir sama (beda 1 huruf)")
    if distance == 2 and shorter >= 12:
        return Resemblance(0.3, "ejaan mirip (beda 2 huruf)")
    return None


def _trick(candidate: str, genuine: str) -> str:
    """Which trick makes two names with one skeleton differ, for the reason text."""
    if any(ord(ch) > 127 for ch in candidate) and not any(ord(ch) > 127 for ch in genuine):
        return "huruf tiruan (homoglif) dari aksara lain"
    if plain(candidate) == plain(genuine):
        return "hanya beda tanda pemisah"
    longer = len(plain(candidate)) > len(plain(genuine))
    if longer or any(_glyphs(w) in _AFFIX_GLYPHS for w in words(candidate)):
        return "nama resmi ditambah kata seperti official/resmi/real"
    return "huruf diganti angka/simbol mirip (leetspeak)"


__all__ = [
    "AFFIXES",
    "Resemblance",
    "canonical_handle",
    "edit_distance",
    "fold",
    "glyphs",
    "plain",
    "resemblance",
    "skeleton",
    "words",
]
