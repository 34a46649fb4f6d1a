"""Table models, one module per part of the product; importing this package registers them all."""

from saring.db.tables import accounts, collection, comms, desk, media, registry, reports  # noqa: F401
from saring.db.tables.core import (
    AuditLog,
    Clarification,
    KBItem,
    Match,
    Post,
    QueueItem,
    Source,
    Verdict,
)

__all__ = ["AuditLog", "Clarification", "KBItem", "Match", "Post", "QueueItem", "Source", "Verdict"]
