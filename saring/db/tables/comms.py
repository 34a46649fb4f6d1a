"""Tables of the comms part (added by its own migration)."""

from __future__ import annotations
