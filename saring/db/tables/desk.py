"""Tables of the desk part (added by its own migration)."""

from __future__ import annotations
