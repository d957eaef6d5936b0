"""A conversation's state and its one transition function (Chatwoot's shape).

    bot ──handoff──> pending ──take──> open ──resolve──> resolved
     │  └───────────take (agent takes over)──┘  │
     └<───────────── hand back ─────────────────┘

The state is read from the ticketing ``conversations`` record, which stays the one record of the
conversation: ``status='pending'`` (the bot holds it, in ticketing's words) is the hub's ``bot``;
``status='open'`` without an agent is ``pending`` (waiting in the queue), with an agent ``open``;
``resolved`` is ``resolved``. The moves reuse ``ticketing.conversations`` (handoff, take, resolve, which keep
the first-response clock); hand-back, which that module does not have yet, is written here.
Every change writes one ``conversation_events`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from channels.models import ConversationEvent, HubState
from ticketing import conversations as records
from ticketing.lifecycle import InvalidInput
from ticketing.models import Conversation, ConversationStatus, User, UserRole, utcnow

AGENT_ROLES = frozenset({UserRole.AGENT, UserRole.SUPERVISOR, UserRole.ADMIN})

# (from, to) -> event type
TRANSITIONS: dict[tuple[HubState, HubState], str] = {
    (HubState.BOT, HubState.PENDING): "handoff",
    (HubState.BOT, HubState.OPEN): "taken_over",
    (HubState.PENDING, HubState.OPEN): "taken",
    (HubState.PENDING, HubState.BOT): "handed_back",
    (HubState.OPEN, HubState.BOT): "handed_back",
    (HubState.BOT, HubState.RESOLVED): "resolved",
    (HubState.PENDING, HubState.RESOLVED): "resolved",
    (HubState.OPEN, HubState.RESOLVED): "resolved",
}


class IllegalConversationTransition(InvalidInput):
    """The move is not allowed from the conversation's current state (HTTP 409)."""


@dataclass(frozen=True)
class Actor:
    kind: str  # citizen | bot | agent | system
    user: User | None = None

    @classmethod
    def agent(cls, user: User) -> Actor:
        return cls("agent", user)


SYSTEM = Actor("system")
BOT = Actor("bot")
CITIZEN = Actor("citizen")


@dataclass(frozen=True)
class Transition:
    conversation_id: int
    from_state: HubState
    to_state: HubState
    changed: bool


def state_of(conversation: Conversation) -> HubState:
    return state_for(conversation.status, conversation.assignee_user_id)


def state_for(status: ConversationStatus, assignee_user_id: int | None) -> HubState:
    """The hub's state of a conversation record with this ``status`` and assignee."""
    if status == ConversationStatus.RESOLVED:
        return HubState.RESOLVED
    if status == ConversationStatus.PENDING:
        return HubState.BOT
    return HubState.OPEN if assignee_user_id is not None else HubState.PENDING


def lock(session: Session, conversation_id: int) -> Conversation:
    """The conversation row, locked for this unit of work (``InvalidInput`` when unknown)."""
    return records._lock(session, conversation_id)


def transition(
    session: Session,
    conversation_id: int,
    to: HubState,
    actor: Actor,
    *,
    reason: str | None = None,
    already_from: HubState | None = None,
    now: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> Transition:
    """Move the conversation to ``to``; one event row per change.

    ``already_from``: the caller knows the move from that state has already been made by someone else
    (the bot's action server records its own handoff): the event is written if the state is ``to``.
    Moving to the state a conversation is already in changes nothing (idempotent, no event).
    """
    now = now or utcnow()
    c = lock(session, conversation_id)
    current = state_of(c)
    if current == to:
        if already_from is not None and already_from != to and (already_from, to) in TRANSITIONS:
            _event(session, c, TRANSITIONS[(already_from, to)], already_from, to, actor, now, reason, payload)
            return Transition(c.id, already_from, to, True)
        if to == HubState.OPEN and actor.user is not None and c.assignee_user_id != actor.user.id:
            raise IllegalConversationTransition("another agent already has this conversation")
        return Transition(c.id, current, to, False)
    kind = TRANSITIONS.get((current, to))
    if kind is None:
        raise IllegalConversationTransition(
            f"the conversation is {current.value}; it cannot become {to.value}"
        )
    if to in (HubState.OPEN,) and (actor.user is None or actor.user.role not in AGENT_ROLES):
        raise IllegalConversationTransition("only hotline agents take conversations")
    if to == HubState.PENDING or (to == HubState.OPEN and current == HubState.BOT):
        records.handoff(
            session,
            channel=c.channel,
            channel_user_id=c.channel_user_id,
            conversation_id=c.conversation_id,
            reason=reason or ("agent_takeover" if to == HubState.OPEN else None),
            now=now,
        )
        c = lock(session, c.id)
    if to == HubState.OPEN:
        assert actor.user is not None
        records.take(session, c, actor.user, now=now)
    elif to == HubState.BOT:
        c.status = ConversationStatus.PENDING
        c.assignee_user_id = None
        c.handoff_requested_at = None
        c.handoff_reason = None
        c.opened_at = None
        c.first_human_response_at = None
        c.updated_at = now
    elif to == HubState.RESOLVED:
        records.resolve(session, c, now=now)
    _event(session, c, kind, current, to, actor, now, reason, payload)
    session.flush()
    return Transition(c.id, current, to, True)


def _event(
    session: Session,
    c: Conversation,
    kind: str,
    from_state: HubState | None,
    to_state: HubState,
    actor: Actor,
    now: datetime,
    reason: str | None,
    payload: dict[str, Any] | None,
) -> None:
    data = dict(payload or {})
    if reason:
        data["reason"] = reason
    session.add(
        ConversationEvent(
            conversation_id=c.id,
            at=now,
            type=kind,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value,
            actor_kind=actor.kind,
            actor_user_id=actor.user.id if actor.user else None,
            payload=data,
        )
    )


def record_created(session: Session, conversation: Conversation, now: datetime) -> None:
    """The first event of a conversation record (it starts with the bot)."""
    _event(session, conversation, "created", None, HubState.BOT, CITIZEN, now, None, None)
