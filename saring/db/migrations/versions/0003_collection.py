"""collection tables: source checkpoints, quarantine, issue clusters, LSH state, flow runs; posts.cluster_id

Revision ID: 0003_collection
Revises: 0002_registry
Create Date: 2026-11-23 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_collection"
down_revision = "0002_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=True),
        sa.Column("records_read", sa.Integer(), nullable=False),
        sa.Column("posts_added", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_checkpoints_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_checkpoints")),
        sa.UniqueConstraint("source_id", name=op.f("uq_source_checkpoints_source_id")),
    )
    op.create_table(
        "quarantined_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_quarantined_records_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_records")),
        sa.UniqueConstraint("source_id", "position", name=op.f("uq_quarantined_records_source_id_position")),
    )
    with op.batch_alter_table("quarantined_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_records_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarantined_records_source_id"), ["source_id"], unique=False)

    op.create_table(
        "issue_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("representative_post_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("post_count", sa.Integer(), nullable=False),
        sa.Column("platform_counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_clusters")),
        sa.UniqueConstraint("representative_post_id", name=op.f("uq_issue_clusters_representative_post_id")),
    )
    with op.batch_alter_table("issue_clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_clusters_last_seen_at"), ["last_seen_at"], unique=False)

    op.create_table(
        "lsh_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lsh_states")),
        sa.UniqueConstraint("name", name=op.f("uq_lsh_states_name")),
    )
    op.create_table(
        "flow_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=50), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("prefect_run_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_runs")),
    )
    with op.batch_alter_table("flow_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_runs_flow"), ["flow"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_runs_started_at"), ["started_at"], unique=False)

    # posts.cluster_id. SQLite gets a plain ADD COLUMN: a foreign key would make batch mode copy and drop
    # `posts`, which fails once matches and queue items point at it (foreign keys are on).
    sqlite = op.get_bind().dialect.name == "sqlite"
    fk_name = "fk_posts_cluster_id_issue_clusters"
    foreign_key = () if sqlite else (sa.ForeignKey("issue_clusters.id", name=fk_name),)
    with op.batch_alter_table("posts", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("cluster_id", sa.Integer(), *foreign_key, nullable=True))
        batch_op.create_index(batch_op.f("ix_posts_cluster_id"), ["cluster_id"], unique=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("posts", schema=None, recreate="never" if sqlite else "auto") as batch_op:
        batch_op.drop_index(batch_op.f("ix_posts_cluster_id"))
        if not sqlite:
            batch_op.drop_constraint("fk_posts_cluster_id_issue_clusters", type_="foreignkey")
        batch_op.drop_column("cluster_id")

    with op.batch_alter_table("flow_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_runs_started_at"))
        batch_op.drop_index(batch_op.f("ix_flow_runs_flow"))
    op.drop_table("flow_runs")
    op.drop_table("lsh_states")
    with op.batch_alter_table("issue_clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_clusters_last_seen_at"))
    op.drop_table("issue_clusters")
    with op.batch_alter_table("quarantined_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_records_source_id"))
        batch_op.drop_index(batch_op.f("ix_quarantined_records_created_at"))
    op.drop_table("quarantined_records")
    op.drop_table("source_checkpoints")
