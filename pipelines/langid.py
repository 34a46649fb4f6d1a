"""Language identification for posts: Indonesian, English, regional languages, other, unknown.

Transparent on purpose: each word found in a hand-written list (:mod:`pipelines.lexicons`) adds its
weight to that language, two-word markers ("kaya apa", "matur nuwun") add more, and a few word shapes
add a little for words in no list (Indonesian me-/ber-/-nya, Javanese "dh", Sundanese "eu", English
-tion/-ight); a word in no list that is an Indonesian root (Sastrawi's KBBI-derived list), alone
or with a common affix, adds 0.5 to Indonesian. The highest score wins, Indonesian on ties; a
regional language also wins with two distinctive markers and at least 3/4 of Indonesian's score
(regional posts share most words with Indonesian). Latin-script text in which fewer than 30% of
the words are known is "other". Labels:

- ``"id"``: Indonesian (formal or colloquial/alay);
- ``"en"``: English;
- ``"regional"``: Javanese (detail ``"jv"``), Banjar (``"bjn"``), Malay (``"ms"``), Sundanese (``"su"``);
- ``"other"``: another language or script (detail: the script for non-Latin text, e.g. ``"arabic"``);
- ``"unknown"``: too little text to tell (empty, emoji only, a single unknown word).

Pass the original post text. It is normalised here with the slang dictionary minus the words that
mark a regional language (a general slang pass would turn Banjar "kalu" into "kalau").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import NamedTuple

from pipelines.lexicons import BIGRAMS, LEXICONS
from pipelines.normalise import load_slang, normalise

REGIONAL = frozenset({"jv", "bjn", "ms", "su"})
LABELS = ("id", "en", "regional", "other", "unknown")
REGIONAL_RATIO = 0.75
MIN_EXPLAINED = 0.3  # below this share of known words a Latin-script text is "other"
ROOT_WEIGHT = 0.5  # a word found only in the Indonesian root list (KBBI-derived, via Sastrawi)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ID_PREFIX = ("meng", "meny", "mem", "men", "ber", "ter", "per", "peng", "pem", "pen", "ke")
_EN_SHAPES = ("tion", "sion", "ness", "ful", "ough", "ight", "ould")


class LanguageGuess(NamedTuple):
    """What :func:`identify_language` decided: label, confidence in [0, 1], detail (e.g. "jv")."""

    label: str
    confidence: float
    detail: str | None


@lru_cache(maxsize=1)
def indonesian_roots() -> frozenset[str]:
    """Sastrawi's Indonesian root-word list (about 30k words; empty if the package is missing)."""
    try:
        data = resources.files("Sastrawi").joinpath("Stemmer/data/kata-dasar.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    return frozenset(word for word in data.split() if len(word) >= 3)


@lru_cache(maxsize=1)
def _langid_slang() -> Mapping[str, str]:
    """The slang dictionary minus words that mark a regional language ("ndak", "kalu" stay as written)."""
    regional = set().union(*(LEXICONS[code] for code in REGIONAL))
    return MappingProxyType({k: v for k, v in load_slang().items() if k not in regional})


@lru_cache(maxsize=1)
def _word_entries() -> dict[str, tuple[tuple[str, int], ...]]:
    """Each listed word with the (language, weight) pairs it scores for."""
    entries: dict[str, list[tuple[str, int]]] = {}
    for code, table in LEXICONS.items():
        for word, weight in table.items():
            entries.setdefault(word, []).append((code, weight))
    return {word: tuple(pairs) for word, pairs in entries.items()}


@lru_cache(maxsize=100_000)
def _root_hit(word: str) -> bool:
    """Whether a word, or the word without a common Indonesian affix, is an Indonesian root."""
    roots = indonesian_roots()
    if word in roots:
        return True
    for prefix in ("meng", "meny", "mem", "men", "me", "ber", "be", "ter", "di", "ke", "se", "pe", "per", ""):
        if not word.startswith(prefix):
            continue
        stem = word[len(prefix) :]
        for suffix in ("kan", "an", "nya", "i", "lah", "kah", ""):
            if (
                stem.endswith(suffix)
                and len(stem) - len(suffix) >= 3
                and stem[: len(stem) - len(suffix)] in roots
            ):
                return True
    return False


def _shape_votes(word: str) -> dict[str, float]:
    votes: dict[str, float] = {}
    if len(word) > 5 and (word.startswith(_ID_PREFIX) or word.endswith(("nya", "kan", "lah"))):
        votes["id"] = 0.5
    if "dh" in word or word.endswith("ake"):
        votes["jv"] = 0.8
    if "eu" in word and len(word) > 2:
        votes["su"] = 0.8
    if word.endswith(_EN_SHAPES) or word.startswith("wh"):
        votes["en"] = 0.8
    return votes


def _script(text: str) -> tuple[float, str | None]:
    """Share of letters that are Latin, and the main non-Latin script name."""
    latin = other = 0
    scripts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        if char < "\u0250":  # Basic Latin to Latin Extended-B: skip the slow name lookup
            latin += 1
            continue
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            latin += 1
        else:
            other += 1
            script = name.split(" ")[0].lower() if name else "unknown"
            scripts[script] = scripts.get(script, 0) + 1
    total = latin + other
    main = max(scripts, key=scripts.get) if scripts else None
    return (latin / total if total else 1.0), main


def score_languages(text: str) -> tuple[dict[str, float], dict[str, list[str]], int]:
    """Per-language scores, the words that scored for each, and the number of words."""
    cleaned = normalise(text, slang=_langid_slang()).text
    expanded: list[str] = []
    for word in _WORD.findall(cleaned):
        parts = word.split("-")
        if len(parts) == 2 and parts[0] == parts[1]:
            expanded.append(parts[0])  # a reduplication ("anak-anak") counts once
        else:
            expanded.extend(part for part in parts if part)
    scores = dict.fromkeys(LEXICONS, 0.0)
    hits: dict[str, list[str]] = {code: [] for code in LEXICONS}
    entries = _word_entries()
    for word in expanded:
        found = entries.get(word)
        if found:
            for code, weight in found:
                scores[code] += weight
                hits[code].append(word)
        elif len(word) >= 3 and _root_hit(word):
            scores["id"] += ROOT_WEIGHT
            hits["id"].append(word)
        else:
            for code, vote in _shape_votes(word).items():
                scores[code] += vote
    for first, second in zip(expanded, expanded[1:], strict=False):
        pair = f"{first} {second}"
        for code, table in BIGRAMS.items():
            if table.get(pair):
                scores[code] += table[pair]
                hits[code].append(pair)
    return scores, hits, len(expanded)


def _no_evidence(n_words: int) -> LanguageGuess:
    if n_words <= 2:
        return LanguageGuess("unknown", 0.0, None)
    return LanguageGuess("other", round(min(0.9, 0.3 + 0.1 * n_words), 2), None)


def identify_language(text: str | None) -> LanguageGuess:
    """Label, confidence and detail for one text; see the module docstring."""
    if not text or not text.strip():
        return LanguageGuess("unknown", 0.0, None)
    latin_share, script = _script(text)
    if latin_share < 0.5:
        return LanguageGuess("other", round(1.0 - latin_share, 2), script)
    scores, hits, n_words = score_languages(text)
    if n_words == 0:
        return LanguageGuess("unknown", 0.0, None)
    ranked = sorted(scores, key=lambda code: (scores[code], code == "id"), reverse=True)
    best, second = ranked[0], ranked[1]
    if best == "id":
        # regional texts share most of their words with Indonesian: two distinctive markers and a
        # score close to Indonesian's are enough
        regional = max(sorted(REGIONAL), key=lambda code: scores[code])
        markers = {w for w in hits[regional] if " " in w or LEXICONS[regional].get(w, 0) >= 3}
        if len(markers) >= 2 and scores[regional] >= REGIONAL_RATIO * scores["id"]:
            best, second = regional, "id"
    best_score = scores[best]
    if best_score == 0:
        return _no_evidence(n_words)
    id_share = len(hits["id"]) / n_words
    strong = sum(1 for w in hits[best] if " " in w or LEXICONS[best].get(w, 0) >= 2)
    if best != "id" and strong == 0:
        # Indonesian is the expected language here; any other needs at least one distinctive word
        if id_share < 0.3:
            return _no_evidence(n_words)
        best, second = "id", best
        best_score = scores["id"]
    family = {best} if best == "en" else {best, "id"}  # regional texts lean on Indonesian words
    explained = sum(len([w for w in hits[code] if " " not in w]) for code in family)
    if n_words >= 4 and explained / n_words < MIN_EXPLAINED:
        return LanguageGuess("other", round(1.0 - explained / n_words, 2), None)
    margin = max(0.0, best_score - scores[second]) / best_score
    evidence = min(1.0, best_score / 6.0)
    confidence = round((0.5 + 0.5 * margin) * (0.5 + 0.5 * evidence), 2)
    if best in REGIONAL:
        return LanguageGuess("regional", confidence, best)
    return LanguageGuess(best, confidence, best)


def detect_language(text: str | None) -> str:
    """The language code to store on a post: id, en, jv, bjn, ms, su, other or unknown."""
    guess = identify_language(text)
    return guess.detail if guess.label == "regional" else guess.label


def explain_language(text: str) -> dict:
    """Why a text got its label: the guess, each language's score and the words that scored."""
    scores, hits, n_words = score_languages(text)
    guess = identify_language(text)
    return {
        "label": guess.label,
        "confidence": guess.confidence,
        "detail": guess.detail,
        "words": n_words,
        "scores": {k: round(v, 2) for k, v in scores.items() if v},
        "hits": {k: v for k, v in hits.items() if v},
    }
