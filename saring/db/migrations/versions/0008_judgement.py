"""matches gain the match judge's probability, stance and evidence

Revision ID: 0008_judgement
Revises: 0007_reports
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_judgement"
down_revision = "0007_reports"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("probability", sa.Float()),
    ("p_spreads", sa.Float()),
    ("stance", sa.String(length=20)),
    ("evidence", sa.JSON()),
    ("judge_version", sa.String(length=100)),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite gets plain ADD COLUMNs (no table copy: the table is large and other rows point at it)
    with op.batch_alter_table("matches", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("matches", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
