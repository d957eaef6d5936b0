"""the hub's tables: messages, conversation bookkeeping and events, outbox attempts, web chat sessions,
announcements and subscriptions, channel state, cursors

Revision ID: hub0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "hub0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "hub_conversations",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", TIME, nullable=True),
        sa.Column("last_inbound_at", TIME, nullable=True),
        sa.Column("bot_down_since", TIME, nullable=True),
        sa.Column("bot_down_notice_at", TIME, nullable=True),
        sa.Column("queue_notice_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_hub_conversations_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_hub_conversations"),
    )
    op.create_table(
        "hub_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("agent_user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_user_id", sa.String(200), nullable=False),
        sa.Column("channel_message_id", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalized_text", sa.Text(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TIME, nullable=True),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.Column("held_reason", sa.String(200), nullable=True),
        sa.Column("outbound_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_hub_messages_direction"),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name="fk_hub_messages_conversation_id_conversations"
        ),
        sa.ForeignKeyConstraint(["agent_user_id"], ["users.id"], name="fk_hub_messages_agent_user_id_users"),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_messages.id"],
            name="fk_hub_messages_outbound_message_id_outbound_messages",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_hub_messages"),
        sa.UniqueConstraint("channel", "channel_message_id", name="uq_hub_messages_channel_message"),
        sa.UniqueConstraint("outbound_message_id", name="uq_hub_messages_outbound_message_id"),
    )
    op.create_index("ix_hub_messages_conversation_id_id", "hub_messages", ["conversation_id", "id"])
    op.create_index("ix_hub_messages_state_next", "hub_messages", ["state", "next_attempt_at"])
    op.create_index("ix_hub_messages_recipient", "hub_messages", ["channel", "channel_user_id", "direction"])
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_conversation_events_conversation_id_conversations",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name="fk_conversation_events_actor_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_events"),
    )
    op.create_index(
        "ix_conversation_events_conversation_id_id", "conversation_events", ["conversation_id", "id"]
    )
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbound_message_id", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(1000), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_messages.id"],
            name="fk_outbox_attempts_outbound_message_id_outbound_messages",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_attempts"),
    )
    op.create_index("ix_outbox_attempts_outbound_message_id", "outbox_attempts", ["outbound_message_id"])
    op.create_table(
        "webchat_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webchat_sessions"),
        sa.UniqueConstraint("visitor_id", name="uq_webchat_sessions_visitor_id"),
        sa.UniqueConstraint("token_hash", name="uq_webchat_sessions_token_hash"),
    )
    op.create_table(
        "announcement_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_user_id", sa.String(200), nullable=False),
        sa.Column("area_code", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_announcement_subscriptions"),
        sa.UniqueConstraint(
            "channel", "channel_user_id", "area_code", name="uq_announcement_subscriptions_who"
        ),
    )
    op.create_index(
        "ix_announcement_subscriptions_area", "announcement_subscriptions", ["area_code", "active"]
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_codes", JSON, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name="fk_announcements_author_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_announcements"),
    )
    op.create_table(
        "channel_state",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("channel", "key", name="pk_channel_state"),
    )
    op.create_table(
        "hub_cursors",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_hub_cursors"),
    )


def downgrade() -> None:
    for table in (
        "hub_cursors",
        "channel_state",
        "announcements",
        "announcement_subscriptions",
        "webchat_sessions",
        "outbox_attempts",
        "conversation_events",
        "hub_messages",
        "hub_conversations",
    ):
        op.drop_table(table)
