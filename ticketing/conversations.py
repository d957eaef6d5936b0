"""Conversations handed from the bot to a human agent (Chatwoot's shape: one status field, few states).

    pending (the bot holds it) ─request_handoff─> open (waits for / talks with an agent) ─resolve─> resolved

- ``handoff_requested_at`` is when the citizen asked for a human: the agents' first-response time counts
  from there, so the time spent with the bot is never counted.
- ``take`` puts an agent on an open conversation; ``record_agent_reply`` stamps the first human answer.
- A new handoff from the same channel identity after ``resolved`` opens a new conversation record.
The hub (issue to come) carries the messages; this module only keeps the record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing.errors import InvalidInput
from ticketing.models import Channel, Conversation, ConversationStatus, User, UserRole, utcnow

MAX_REASON_CHARS = 2000


def handoff(
    session: Session,
    *,
    channel: Channel | str,
    channel_user_id: str,
    conversation_id: str | None,
    reason: str | None,
    now: datetime | None = None,
) -> Conversation:
    """Mark the conversation for a human (``pending`` -> ``open``). Idempotent while it is open."""
    now = now or utcnow()
    try:
        channel = Channel(channel)
    except ValueError as exc:
        raise InvalidInput(f"unknown channel: {channel!r}") from exc
    if not channel_user_id:
        raise InvalidInput("channel_user_id is required")
    reason = (reason or "").strip()[:MAX_REASON_CHARS] or None
    stmt = select(Conversation).where(
        Conversation.channel == channel,
        Conversation.channel_user_id == channel_user_id,
        Conversation.status != ConversationStatus.RESOLVED,
    )
    if conversation_id:
        stmt = stmt.where(Conversation.conversation_id == conversation_id)
    conversation = session.scalar(stmt.order_by(Conversation.id.desc()).limit(1).with_for_update())
    if conversation is None:
        conversation = Conversation(
            channel=channel,
            channel_user_id=channel_user_id,
            conversation_id=conversation_id,
            status=ConversationStatus.PENDING,
            created_at=now,
        )
        session.add(conversation)
    if conversation.status == ConversationStatus.PENDING:
        conversation.status = ConversationStatus.OPEN
        conversation.handoff_requested_at = now
        conversation.handoff_reason = reason
    conversation.updated_at = now
    session.flush()
    return conversation


def handoff_queue(session: Session) -> list[Conversation]:
    """Open conversations nobody has taken yet, longest waiting first."""
    return list(
        session.scalars(
            select(Conversation)
            .where(Conversation.status == ConversationStatus.OPEN, Conversation.assignee_user_id.is_(None))
            .order_by(Conversation.handoff_requested_at, Conversation.id)
        )
    )


def _lock(session: Session, conversation: Conversation | int) -> Conversation:
    conversation_id = conversation if isinstance(conversation, int) else conversation.id
    found = session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise InvalidInput("unknown conversation")
    return found


def take(
    session: Session, conversation: Conversation | int, agent: User, *, now: datetime | None = None
) -> Conversation:
    """An agent takes an open conversation (refused when another agent already has it)."""
    now = now or utcnow()
    if agent.role not in (UserRole.AGENT, UserRole.SUPERVISOR, UserRole.ADMIN) or not agent.active:
        raise InvalidInput("only hotline agents take conversations")
    c = _lock(session, conversation)
    if c.status != ConversationStatus.OPEN:
        raise InvalidInput(f"the conversation is {c.status.value}, not open")
    if c.assignee_user_id not in (None, agent.id):
        raise InvalidInput("another agent already has this conversation")
    c.assignee_user_id = agent.id
    c.opened_at = c.opened_at or now
    c.updated_at = now
    session.flush()
    return c


def record_agent_reply(
    session: Session, conversation: Conversation | int, *, now: datetime | None = None
) -> Conversation:
    """The agent answered the citizen: the first answer stops the first-response clock."""
    now = now or utcnow()
    c = _lock(session, conversation)
    if c.status != ConversationStatus.OPEN:
        raise InvalidInput(f"the conversation is {c.status.value}, not open")
    if c.first_human_response_at is None:
        c.first_human_response_at = now
    c.updated_at = now
    session.flush()
    return c


def resolve(
    session: Session, conversation: Conversation | int, *, now: datetime | None = None
) -> Conversation:
    now = now or utcnow()
    c = _lock(session, conversation)
    if c.status == ConversationStatus.RESOLVED:
        return c
    c.status = ConversationStatus.RESOLVED
    c.resolved_at = now
    c.updated_at = now
    session.flush()
    return c


def first_response_seconds(conversation: Conversation) -> float | None:
    """Wall-clock seconds from the handoff request to the first human answer (None until answered)."""
    if conversation.handoff_requested_at is None or conversation.first_human_response_at is None:
        return None
    return (conversation.first_human_response_at - conversation.handoff_requested_at).total_seconds()
