"""The fixed validation split used to compare model versions, defined once."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

FIXED_SPLIT_ID = "content-sha1-mod100-lt20-v1"
FIXED_SPLIT_DESCRIPTION = (
    "An example is in the fixed validation split when int(sha1(normalised text)[:8], 16) % 100 < 20. "
    "Membership depends only on the text, so it never changes as data or verdicts are added, exact "
    "duplicates always fall on the same side, and no model version ever trains on it."
)
_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """Stable content key of a text: sha1 of its lower-cased, space-collapsed form."""
    norm = _SPACE.sub(" ", text.strip().lower())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def in_fixed_validation(key: str) -> bool:
    """Whether the example with this content key belongs to the fixed validation split."""
    return int(key[:8], 16) % 100 < 20


def fixed_validation_mask(keys: Sequence[str]) -> np.ndarray:
    """Boolean mask over examples: True for the fixed validation split."""
    return np.fromiter((in_fixed_validation(k) for k in keys), dtype=bool, count=len(keys))
