"""The hub's own tables (migrations in ``channels/migrations``, version table ``channels_alembic_version``).

They sit beside the ticketing tables they build on, which stay the records of who and what:
``citizens`` / ``channel_identities`` (who writes), ``conversations`` (one record per conversation: the
channel identity, the Rasa sender id in ``conversation_id``, the agent in ``assignee_user_id``; tickets
name the same sender id) and ``outbound_messages`` (the outbox's queue and delivery status).

- ``hub_messages``: every message of a conversation, both ways, in order (the transcript agents read);
  inbound rows are unique per ``(channel, channel_message_id)`` (de-duplication) and carry their
  processing state; outbound rows carry the delivery schedule of their ``outbound_messages`` row.
- ``hub_conversations``: per-conversation bookkeeping of the hub (processing lease, bot outage, notices).
- ``conversation_events``: one row per state transition (append-only).
- ``outbox_attempts``: one row per send attempt.
- ``webchat_sessions``: a web-chat visitor's session (only a digest of its secret is stored).
- ``announcement_subscriptions``, ``announcements``: commune/ward announcements.
- ``channel_state``: small durable per-channel values (access tokens), compare-and-set.
- ``hub_cursors``: how far a follower job (ticket status notifications) has read.

The foreign keys into ticketing's tables name their columns directly (they live on another metadata).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ticketing.models import NAMING_CONVENTION, Conversation, OutboundMessage, User, UTCDateTime, utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")


class HubBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class HubState(enum.StrEnum):
    """A conversation's state as the hub and the agents see it (Chatwoot's shape)."""

    BOT = "bot"  # the bot answers
    PENDING = "pending"  # waiting for an agent; the bot is not called
    OPEN = "open"  # an agent has it; the bot is not called
    RESOLVED = "resolved"


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"


class Author(enum.StrEnum):
    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"  # the hub itself (acknowledgements, queue position) and ticket notifications


class InboundState(enum.StrEnum):
    RECEIVED = "received"  # stored, not yet handled (the bot may be down: retried)
    ANSWERED = "answered"  # the bot answered it
    FOR_AGENTS = "for_agents"  # the conversation is with the agents
    HANDLED = "handled"  # handled by the hub itself (subscription commands)


class HubConversation(HubBase):
    __tablename__ = "hub_conversations"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey(Conversation.id), primary_key=True, autoincrement=False
    )
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bot_down_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bot_down_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queue_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HubMessage(HubBase):
    __tablename__ = "hub_messages"
    __table_args__ = (
        UniqueConstraint("channel", "channel_message_id", name="uq_hub_messages_channel_message"),
        Index("ix_hub_messages_conversation_id_id", "conversation_id", "id"),
        Index("ix_hub_messages_state_next", "state", "next_attempt_at"),
        Index("ix_hub_messages_recipient", "channel", "channel_user_id", "direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey(Conversation.id))
    direction: Mapped[str] = mapped_column(String(3))
    author: Mapped[str] = mapped_column(String(16))
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey(User.id))
    channel: Mapped[str] = mapped_column(String(32))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    channel_message_id: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    normalized_text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # buttons, payload, attachments...
    # Inbound: an InboundState. Outbound: NULL (delivery status is outbound_messages.status).
    state: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_reason: Mapped[str | None] = mapped_column(String(200))
    outbound_message_id: Mapped[int | None] = mapped_column(ForeignKey(OutboundMessage.id), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConversationEvent(HubBase):
    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey(Conversation.id))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    type: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey(User.id))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class OutboxAttempt(HubBase):
    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbound_message_id: Mapped[int] = mapped_column(ForeignKey(OutboundMessage.id), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(String(1000))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class WebChatSession(HubBase):
    __tablename__ = "webchat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnnouncementSubscription(HubBase):
    __tablename__ = "announcement_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "channel_user_id", "area_code", name="uq_announcement_subscriptions_who"),
        Index("ix_announcement_subscriptions_area", "area_code", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Announcement(HubBase):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey(User.id))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChannelStateRow(HubBase):
    __tablename__ = "channel_state"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HubCursor(HubBase):
    __tablename__ = "hub_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
