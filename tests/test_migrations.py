"""The Alembic chain builds exactly the schema the table models describe, and downgrades cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import saring.db.tables  # noqa: F401
from saring.db.base import Base
from saring.db.session import alembic_config, get_engine, init_db

# SQLite cannot add a foreign key to an existing table without copying it (0003 documents why).
KNOWN_SQLITE_DIFFERENCES = {("add_fk", "posts")}


def _differences(url: str) -> list:
    with get_engine(url).connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [
        d
        for d in diffs
        if (d[0], getattr(getattr(d[1], "table", None), "name", None)) not in KNOWN_SQLITE_DIFFERENCES
    ]


def test_chain_is_linear_and_named():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = script.get_heads()
    assert heads == ["0010_media"]
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert chain == [
        "0001_core",
        "0002_registry",
        "0003_collection",
        "0004_desk",
        "0005_comms",
        "0007_reports",
        "0008_judgement",
        "0009_accounts",
        "0010_media",
    ]


def test_migrated_schema_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    init_db(url)
    assert _differences(url) == []


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    init_db(url)
    cfg = alembic_config(url)
    command.downgrade(cfg, "base")
    with get_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is None
    command.upgrade(cfg, "head")
    assert _differences(url) == []
