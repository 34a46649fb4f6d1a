"""comms tables: clarification templates (versioned), per-channel variants, publications;
clarifications gain claim, source, verdict, revision, approval and KB columns

Revision ID: 0005_comms
Revises: 0004_desk
Create Date: 2026-11-23 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_comms"
down_revision = "0004_desk"
branch_labels = None
depends_on = None

# Added to `clarifications`. SQLite gets plain ADD COLUMNs (no table copy: other rows point at it).
_CLARIFICATION_COLUMNS = (
    ("verdict", sa.String(length=30), True, None),
    ("claim_text", sa.Text(), False, ""),
    ("source_text", sa.Text(), False, ""),
    ("source_url", sa.Text(), True, None),
    ("revision", sa.Integer(), False, "1"),
    ("review_note", sa.Text(), False, ""),
    ("approved_by", sa.String(length=100), True, None),
    ("approved_at", sa.DateTime(timezone=True), True, None),
    ("kb_id", sa.String(length=200), True, None),
    ("index_status", sa.String(length=20), True, None),
)


def upgrade() -> None:
    op.create_table(
        "clarification_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification_templates")),
        sa.UniqueConstraint("channel", "version", name=op.f("uq_clarification_templates_channel_version")),
    )
    with op.batch_alter_table("clarification_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clarification_templates_channel"), ["channel"], unique=False)

    op.create_table(
        "clarification_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clarification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clarification_id"],
            ["clarifications.id"],
            name=op.f("fk_clarification_variants_clarification_id_clarifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification_variants")),
        sa.UniqueConstraint(
            "clarification_id", "channel", name=op.f("uq_clarification_variants_clarification_id_channel")
        ),
    )
    with op.batch_alter_table("clarification_variants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clarification_variants_clarification_id"), ["clarification_id"], unique=False
        )

    op.create_table(
        "clarification_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clarification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=True),
        sa.Column("engagement", sa.JSON(), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clarification_id"],
            ["clarifications.id"],
            name=op.f("fk_clarification_publications_clarification_id_clarifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification_publications")),
        sa.UniqueConstraint(
            "clarification_id", "channel", name=op.f("uq_clarification_publications_clarification_id_channel")
        ),
    )
    with op.batch_alter_table("clarification_publications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clarification_publications_clarification_id"), ["clarification_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clarification_publications_published_at"), ["published_at"], unique=False
        )

    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "clarifications", schema=None, recreate="never" if sqlite else "auto"
    ) as batch_op:
        for name, type_, nullable, default in _CLARIFICATION_COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name,
                    type_,
                    nullable=nullable,
                    server_default=None if default is None else sa.text(f"'{default}'"),
                )
            )
        batch_op.create_index(batch_op.f("ix_clarifications_kb_id"), ["kb_id"], unique=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "clarifications", schema=None, recreate="never" if sqlite else "auto"
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clarifications_kb_id"))
        for name, *_ in reversed(_CLARIFICATION_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("clarification_publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clarification_publications_published_at"))
        batch_op.drop_index(batch_op.f("ix_clarification_publications_clarification_id"))
    op.drop_table("clarification_publications")
    with op.batch_alter_table("clarification_variants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clarification_variants_clarification_id"))
    op.drop_table("clarification_variants")
    with op.batch_alter_table("clarification_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clarification_templates_channel"))
    op.drop_table("clarification_templates")
