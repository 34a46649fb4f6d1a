"""Tables of the registry part (added by its own migration)."""

from __future__ import annotations
