"""citizen reports (issue 14): reports, their reporters kept apart, reporter blocks, the outbox

Revision ID: 0007_reports
Revises: 0005_comms (the lead rechains after 0006 at merge)
Create Date: 2026-12-07 06:14:36.514352
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_reports"
down_revision = "0005_comms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporter_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_hash", sa.String(length=64), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("blocked_by", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporter_blocks")),
    )
    with op.batch_alter_table("reporter_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporter_blocks_contact_hash"), ["contact_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_reporter_blocks_ip_hash"), ["ip_hash"], unique=False)

    op.create_table(
        "citizen_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=20), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("seen_platform", sa.String(length=30), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("link_key", sa.String(length=64), nullable=True),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("kecamatan", sa.String(length=100), nullable=True),
        sa.Column("desa", sa.String(length=100), nullable=True),
        sa.Column("screenshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("screenshot_type", sa.String(length=20), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_verdict", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_citizen_reports_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_reports")),
        sa.UniqueConstraint("post_id", name=op.f("uq_citizen_reports_post_id")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_citizen_reports_tracking_code")),
    )
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_reports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizen_reports_ip_hash"), ["ip_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizen_reports_link_key"), ["link_key"], unique=False)

    op.create_table(
        "citizen_reporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=False),
        sa.Column("contact_hash", sa.String(length=64), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delete_after", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["citizen_reports.id"],
            name=op.f("fk_citizen_reporters_report_id_citizen_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_reporters")),
        sa.UniqueConstraint("report_id", name=op.f("uq_citizen_reporters_report_id")),
    )
    with op.batch_alter_table("citizen_reporters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_reporters_contact_hash"), ["contact_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizen_reporters_delete_after"), ["delete_after"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["citizen_reports.id"],
            name=op.f("fk_outbox_messages_report_id_citizen_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbox_messages_dedup_key")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_purpose"), ["purpose"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_topic"), ["topic"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_topic"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_report_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_purpose"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_created_at"))

    op.drop_table("outbox_messages")
    with op.batch_alter_table("citizen_reporters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_reporters_delete_after"))
        batch_op.drop_index(batch_op.f("ix_citizen_reporters_contact_hash"))

    op.drop_table("citizen_reporters")
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_reports_link_key"))
        batch_op.drop_index(batch_op.f("ix_citizen_reports_ip_hash"))
        batch_op.drop_index(batch_op.f("ix_citizen_reports_created_at"))

    op.drop_table("citizen_reports")
    with op.batch_alter_table("reporter_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporter_blocks_ip_hash"))
        batch_op.drop_index(batch_op.f("ix_reporter_blocks_contact_hash"))

    op.drop_table("reporter_blocks")
