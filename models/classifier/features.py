"""Optional features beside the sentence embedding: simple surface signals and the best KB match score."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SIGNAL_NAMES = (
    "caps_ratio",
    "all_caps_words",
    "exclamations",
    "questions",
    "call_to_share",
    "urgency",
    "has_link",
    "mentions_hashtags",
    "emoji",
    "debunk_words",
    "log_length",
)
FEATURE_GROUPS = ("signals", "kb_score", "lexical")  # lexical: a TF-IDF channel fused in the head

_WORD = re.compile(r"\w+", re.UNICODE)
_CALL_TO_SHARE = re.compile(
    r"\b(sebar(kan|luaskan)?|bagikan|viralkan|share|forward|teruskan|broadcast|kirim(kan)? ke|"
    r"sampaikan ke)\b",
    re.IGNORECASE,
)
_URGENCY = re.compile(
    r"\b(segera|penting|awas|hati[- ]hati|waspada|darurat|breaking|heboh|gempar|viral|innalillahi|"
    r"mohon|tolong)\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"(https?://|www\.|bit\.ly|t\.co/|\b\w+\.(com|id|co\.id|net|org)\b)", re.IGNORECASE)
_MENTION = re.compile(r"[@#]\w+")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_DEBUNK = re.compile(
    r"\b(hoaks|hoax|klarifikasi|faktanya|cek fakta|tidak benar|disinformasi)\b", re.IGNORECASE
)


def text_signals(text: str) -> list[float]:
    """The surface signals of one text, in SIGNAL_NAMES order."""
    letters = [c for c in text if c.isalpha()]
    words = _WORD.findall(text)
    long_words = [w for w in words if len(w) >= 3 and w.isalpha()]
    return [
        sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 10 else 0.0,
        sum(w.isupper() for w in long_words) / len(long_words) if long_words else 0.0,
        float(np.log1p(text.count("!"))),
        float(np.log1p(text.count("?"))),
        float(bool(_CALL_TO_SHARE.search(text))),
        float(bool(_URGENCY.search(text))),
        float(bool(_LINK.search(text))),
        float(np.log1p(len(_MENTION.findall(text)))),
        float(np.log1p(len(_EMOJI.findall(text)))),
        float(bool(_DEBUNK.search(text))),
        float(np.log1p(len(text))),
    ]


def signal_features(texts: Sequence[str]) -> np.ndarray:
    """Signals for many texts: float32 (n, len(SIGNAL_NAMES))."""
    return np.asarray([text_signals(t) for t in texts], dtype=np.float32).reshape(
        len(texts), len(SIGNAL_NAMES)
    )


def build_features(
    embeddings: np.ndarray,
    texts: Sequence[str],
    groups: Sequence[str] = (),
    kb_scores: Sequence[float] | None = None,
) -> np.ndarray:
    """The head's input: the embedding, then each requested feature group in FEATURE_GROUPS order."""
    unknown = set(groups) - set(FEATURE_GROUPS)
    if unknown:
        raise ValueError(f"unknown feature group(s) {sorted(unknown)}; known: {FEATURE_GROUPS}")
    parts = [np.asarray(embeddings, dtype=np.float32)]
    if "signals" in groups:
        parts.append(signal_features(texts))
    if "kb_score" in groups:
        if kb_scores is None:
            raise ValueError("this model uses the KB match score: pass kb_scores (best match score per text)")
        scores = np.asarray(kb_scores, dtype=np.float32).reshape(-1, 1)
        if len(scores) != len(texts):
            raise ValueError(f"kb_scores has {len(scores)} values for {len(texts)} texts")
        parts.append(np.nan_to_num(scores, nan=0.0))
    return np.hstack(parts)
