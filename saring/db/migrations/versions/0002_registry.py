"""registry tables: model versions and model events

Revision ID: 0002_registry
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_registry"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("parent_version", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("encoder", sa.String(length=300), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("data_snapshot", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("validation_split", sa.String(length=100), nullable=False),
        sa.Column("validation_macro_f1", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("trained_by", sa.String(length=100), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_model_versions_version")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_versions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_model_versions_trained_at"), ["trained_at"], unique=False)

    op.create_table(
        "model_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=True),
        sa.Column("previous_version", sa.String(length=100), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_events")),
    )
    with op.batch_alter_table("model_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_model_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_model_events_version_at", ["version", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("model_events", schema=None) as batch_op:
        batch_op.drop_index("ix_model_events_version_at")
        batch_op.drop_index(batch_op.f("ix_model_events_at"))
        batch_op.drop_index(batch_op.f("ix_model_events_action"))
    op.drop_table("model_events")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_versions_trained_at"))
        batch_op.drop_index(batch_op.f("ix_model_versions_status"))
    op.drop_table("model_versions")
