"""registry of official accounts and contacts; impersonation flags of posts (issue 13)

Revision ID: 0009_accounts
Revises: 0008_judgement
Create Date: 2026-12-07 11:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_accounts"
down_revision = "0008_judgement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skpd", sa.String(length=50), nullable=False),
        sa.Column("skpd_name", sa.String(length=200), nullable=False),
        sa.Column("official_name", sa.String(length=200), nullable=False),
        sa.Column("official_title", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("profile_url", sa.Text(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("payment_accounts", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_accounts")),
    )
    with op.batch_alter_table("official_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_accounts_skpd"), ["skpd"], unique=False)
        batch_op.create_index("ix_official_accounts_platform_handle", ["platform", "handle"], unique=True)

    op.create_table(
        "impersonation_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("imitates_id", sa.Integer(), nullable=True),
        sa.Column("imitates_label", sa.String(length=300), nullable=False),
        sa.Column("skpd", sa.String(length=50), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imitates_id"],
            ["official_accounts.id"],
            name=op.f("fk_impersonation_flags_imitates_id_official_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_impersonation_flags_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impersonation_flags")),
        sa.UniqueConstraint("post_id", name=op.f("uq_impersonation_flags_post_id")),
    )
    with op.batch_alter_table("impersonation_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impersonation_flags_imitates_id"), ["imitates_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("impersonation_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impersonation_flags_imitates_id"))
    op.drop_table("impersonation_flags")
    with op.batch_alter_table("official_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_official_accounts_platform_handle")
        batch_op.drop_index(batch_op.f("ix_official_accounts_skpd"))
    op.drop_table("official_accounts")
