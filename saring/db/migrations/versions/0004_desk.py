"""desk tables: SKPD, users, sessions, login attempts, routing rules, assignments, comments;
queue_items.category/kecamatan with queue indexes; audit_log made append-only in the database

Revision ID: 0004_desk
Revises: 0003_collection
Create Date: 2026-11-23 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_desk"
down_revision = "0003_collection"
branch_labels = None
depends_on = None

_PG_AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION saring_audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def _audit_triggers_up() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(_PG_AUDIT_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION saring_audit_log_append_only()"
        )


def _audit_triggers_down() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS saring_audit_log_append_only()")


def upgrade() -> None:
    op.create_table(
        "skpd",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skpd")),
        sa.UniqueConstraint("code", name=op.f("uq_skpd_code")),
    )
    op.create_table(
        "desk_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("skpd_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["skpd_id"], ["skpd.id"], name=op.f("fk_desk_users_skpd_id_skpd")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_desk_users_username")),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["desk_users.id"], name=op.f("fk_desk_sessions_user_id_desk_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_desk_sessions_token_hash")),
    )
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_sessions_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_desk_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "desk_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_login_attempts")),
    )
    with op.batch_alter_table("desk_login_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_login_attempts_at"), ["at"], unique=False)
        batch_op.create_index("ix_desk_login_attempts_ip_username_at", ["ip", "username", "at"], unique=False)

    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("kecamatan", sa.String(length=100), nullable=True),
        sa.Column("skpd_id", sa.Integer(), nullable=False),
        sa.Column("hours_high", sa.Integer(), nullable=False),
        sa.Column("hours_medium", sa.Integer(), nullable=False),
        sa.Column("hours_low", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["skpd_id"], ["skpd.id"], name=op.f("fk_routing_rules_skpd_id_skpd")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.create_index("ix_routing_rules_category_kecamatan", ["category", "kecamatan"], unique=True)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_item_id", sa.Integer(), nullable=False),
        sa.Column("skpd_id", sa.Integer(), nullable=False),
        sa.Column("pic_user_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("routed_by", sa.String(length=100), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_item_id"], ["queue_items.id"], name=op.f("fk_assignments_queue_item_id_queue_items")
        ),
        sa.ForeignKeyConstraint(["skpd_id"], ["skpd.id"], name=op.f("fk_assignments_skpd_id_skpd")),
        sa.ForeignKeyConstraint(
            ["pic_user_id"], ["desk_users.id"], name=op.f("fk_assignments_pic_user_id_desk_users")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["routing_rules.id"],
            name=op.f("fk_assignments_rule_id_routing_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("queue_item_id", name=op.f("uq_assignments_queue_item_id")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_skpd_item", ["skpd_id", "queue_item_id"], unique=False)
        batch_op.create_index(  # overdue view: open follow-ups past their deadline
            "ix_assignments_status_deadline_item", ["status", "deadline", "queue_item_id"], unique=False
        )

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_item_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_item_id"], ["queue_items.id"], name=op.f("fk_comments_queue_item_id_queue_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_queue_item_id"), ["queue_item_id"], unique=False)

    with op.batch_alter_table("queue_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("kecamatan", sa.String(length=100), nullable=True))
        for column in ("category", "kecamatan", "band"):  # filter, then read in priority order
            batch_op.create_index(
                f"ix_queue_items_{column}_status_priority", [column, "status", "priority"], unique=False
            )

    _audit_triggers_up()


def downgrade() -> None:
    _audit_triggers_down()
    with op.batch_alter_table("queue_items", schema=None) as batch_op:
        for column in ("category", "kecamatan", "band"):
            batch_op.drop_index(f"ix_queue_items_{column}_status_priority")
        batch_op.drop_column("kecamatan")
        batch_op.drop_column("category")
    op.drop_table("comments")
    op.drop_table("assignments")
    op.drop_table("routing_rules")
    op.drop_table("desk_login_attempts")
    op.drop_table("desk_sessions")
    op.drop_table("desk_users")
    op.drop_table("skpd")
