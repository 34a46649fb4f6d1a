"""The one database layer: table models, sessions and migrations."""

from saring.db.base import Base
from saring.db.session import get_engine, init_db, session_scope

__all__ = ["Base", "get_engine", "init_db", "session_scope"]
