"""Tables of the collection part (added by its own migration)."""

from __future__ import annotations
