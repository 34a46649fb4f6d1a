"""images (issue 12): media files by SHA-256, the posts and fact checks that carry them; posts.ocr_text

Revision ID: 0010_media
Revises: 0009_accounts
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_media"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("relpath", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=50), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("phash", sa.String(length=300), nullable=False),
        sa.Column("ocr_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_media_files_sha256")),
    )
    op.create_table(
        "post_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_post_media_post_id_posts")),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_post_media_media_id_media_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_media")),
        sa.UniqueConstraint("post_id", "media_id", name=op.f("uq_post_media_post_id_media_id")),
    )
    with op.batch_alter_table("post_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_media_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_media_media_id"), ["media_id"], unique=False)

    op.create_table(
        "kb_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kb_item_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kb_item_id"], ["kb_items.id"], name=op.f("fk_kb_media_kb_item_id_kb_items")
        ),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_kb_media_media_id_media_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_media")),
        sa.UniqueConstraint("kb_item_id", "media_id", name=op.f("uq_kb_media_kb_item_id_media_id")),
    )
    with op.batch_alter_table("kb_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_media_kb_item_id"), ["kb_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_media_media_id"), ["media_id"], unique=False)

    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite gets a plain ADD COLUMN (no copy of the posts table, which other rows point at)
    with op.batch_alter_table("posts", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("ocr_text", sa.Text(), nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("posts", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        batch_op.drop_column("ocr_text")
    for table, indexes in (
        ("kb_media", ("ix_kb_media_media_id", "ix_kb_media_kb_item_id")),
        ("post_media", ("ix_post_media_media_id", "ix_post_media_post_id")),
        ("media_files", ()),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
