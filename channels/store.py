"""Every read and write the hub makes, as plain functions of a ``Session`` (run in a worker thread by
``channels.db.HubDatabase``). No SQL elsewhere in ``channels/``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from channels import states
from channels import turn_statements as turn
from channels.contract import InboundMessage, OutgoingMessage, ReceiveOutcome
from channels.models import (
    Announcement,
    AnnouncementSubscription,
    Author,
    ChannelStateRow,
    ConversationEvent,
    Direction,
    HubConversation,
    HubCursor,
    HubMessage,
    HubState,
    InboundState,
    OutboxAttempt,
    WebChatSession,
)
from ticketing import replies
from ticketing.citizens import find_or_create_citizen
from ticketing.models import (
    Channel,
    Conversation,
    ConversationStatus,
    OutboundMessage,
    OutboundStatus,
    Ticket,
    TicketEvent,
    User,
)

MAX_TEXT_CHARS = 4000


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def sender_id_for(conversation_id: int) -> str:
    """The Rasa sender id of a conversation record: opaque, no personal data, one tracker per record."""
    return f"hub-{conversation_id}"


# ---------------------------------------------------------------------------------------------
# Conversations
# ---------------------------------------------------------------------------------------------


def active_conversation(session: Session, channel: str, channel_user_id: str) -> Conversation | None:
    return session.scalar(
        select(Conversation)
        .where(
            Conversation.channel == Channel(channel),
            Conversation.channel_user_id == channel_user_id,
            Conversation.status != ConversationStatus.RESOLVED,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def open_conversation(
    session: Session, channel: str, channel_user_id: str, now: datetime, citizen_id: int | None = None
) -> Conversation:
    """The citizen's conversation that is not resolved, or a new one with the bot."""
    found = active_conversation(session, channel, channel_user_id)
    if found is not None:
        return found
    return new_conversation(session, channel, channel_user_id, now, citizen_id)


def new_conversation(
    session: Session, channel: str, channel_user_id: str, now: datetime, citizen_id: int | None = None
) -> Conversation:
    """A new conversation of the citizen, with the bot."""
    conversation = Conversation(
        channel=Channel(channel),
        channel_user_id=channel_user_id,
        citizen_id=citizen_id,
        status=ConversationStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    session.flush()
    conversation.conversation_id = sender_id_for(conversation.id)
    session.add(HubConversation(conversation_id=conversation.id))
    states.record_created(session, conversation, now)
    session.flush()
    return conversation


def hub_row(session: Session, conversation_id: int) -> HubConversation:
    row = session.get(HubConversation, conversation_id)
    if row is None:
        row = HubConversation(conversation_id=conversation_id)
        session.add(row)
        session.flush()
    return row


def conversation_state(session: Session, conversation_id: int) -> HubState:
    c = session.get(Conversation, conversation_id)
    if c is None:
        raise states.InvalidInput("unknown conversation")
    return states.state_of(c)


# ---------------------------------------------------------------------------------------------
# Inbound
# ---------------------------------------------------------------------------------------------


def record_inbound(
    session: Session, message: InboundMessage, normalized: str, now: datetime
) -> tuple[ReceiveOutcome, HubMessage | None]:
    """Store one citizen message once: a resend of the same ``channel_message_id`` is a duplicate. The
    stored row (not attached to the session: what was inserted) unless it is a duplicate."""
    same = {"channel": message.channel, "channel_message_id": message.channel_message_id}
    existing = session.execute(turn.SAME_MESSAGE, same).first()
    if existing is not None:
        return ReceiveOutcome(existing.id, existing.conversation_id, duplicate=True), None
    identity = {"channel": Channel(message.channel), "channel_user_id": message.channel_user_id}
    active = session.execute(turn.ACTIVE_CONVERSATION, identity).first()
    seen = {"of_channel": identity["channel"], "of_user": message.channel_user_id, "now": now}
    if active is not None and not message.display_name and session.execute(turn.IDENTITY_SEEN, seen).rowcount:
        conversation_id = active.id  # a known citizen in their conversation: nothing else to record
    else:
        citizen = find_or_create_citizen(
            session,
            channel=message.channel,
            channel_user_id=message.channel_user_id,
            phone=None,
            name=(message.display_name or None),
            now=now,
        )
        conversation_id = (
            active.id
            if active is not None
            else new_conversation(session, message.channel, message.channel_user_id, now, citizen.id).id
        )
    data: dict[str, Any] = {}
    if message.payload:
        data["payload"] = message.payload
    if message.attachments:
        data["attachments"] = [a.to_json() for a in message.attachments]
    if message.sent_at:
        data["sent_at"] = message.sent_at.isoformat()
    values: dict[str, Any] = {
        "conversation_id": conversation_id,
        "direction": Direction.IN.value,
        "author": Author.CITIZEN.value,
        "channel": message.channel,
        "channel_user_id": message.channel_user_id,
        "channel_message_id": message.channel_message_id,
        "text": message.text[:MAX_TEXT_CHARS],
        "normalized_text": normalized[:MAX_TEXT_CHARS],
        "data": data,
        "state": InboundState.RECEIVED.value,
        "attempts": 0,
        "created_at": now,
    }
    inserted = session.execute(turn.insert_inbound(session.get_bind().dialect.name), values).scalar()
    if inserted is None:  # the same message arrived twice at once: the other copy won
        row = session.execute(turn.SAME_MESSAGE, same).one()
        return ReceiveOutcome(row.id, row.conversation_id, duplicate=True), None
    if session.execute(turn.TOUCH_HUB, {"conversation": conversation_id, "now": now}).rowcount == 0:
        hub_row(session, conversation_id).last_inbound_at = now
    # The citizen wrote: messages a send rule held (Zalo's window) may go now.
    session.execute(turn.RELEASE_HELD, {"to_channel": message.channel, "to_user": message.channel_user_id})
    return ReceiveOutcome(inserted, conversation_id, duplicate=False), HubMessage(id=inserted, **values)


def record_inbound_viewed(
    session: Session, message: InboundMessage, normalized: str, now: datetime
) -> tuple[ReceiveOutcome, dict[str, Any] | None]:
    """:func:`record_inbound`, and the stored message as the agents' events show it (None if a duplicate)."""
    outcome, row = record_inbound(session, message, normalized, now)
    return outcome, message_json(row) if row is not None else None


def claim_next(
    session: Session, conversation_id: int, owner: str, now: datetime, seconds: float
) -> tuple[bool, PendingInbound | None]:
    """Take the conversation's lease and read its next due message, in one transaction (nothing due: the
    lease is given back in the same transaction)."""
    if not claim_conversation(session, conversation_id, owner, now, seconds):
        return False, None
    return True, next_or_release(session, conversation_id, owner, now)


def next_or_release(
    session: Session, conversation_id: int, owner: str, now: datetime
) -> PendingInbound | None:
    """The conversation's next message if it is due now; otherwise None, and the lease is given back."""
    pending = next_inbound(session, conversation_id, now)
    if pending is not None and pending.due:
        return pending
    release_conversation(session, conversation_id, owner)
    return None


def claim_conversation(
    session: Session, conversation_id: int, owner: str, now: datetime, seconds: float
) -> bool:
    """Take the processing lease of a conversation (one worker at a time keeps messages in order)."""
    lease = {
        "conversation": conversation_id,
        "now": now,
        "owner": owner,
        "until": now + timedelta(seconds=seconds),
    }
    if session.execute(turn.TAKE_LEASE, lease).rowcount == 1:
        return True
    if session.get(HubConversation, conversation_id) is not None:
        return False  # another worker holds it
    hub_row(session, conversation_id)  # a conversation the hub had no row for yet
    return session.execute(turn.TAKE_LEASE, lease).rowcount == 1


def release_conversation(session: Session, conversation_id: int, owner: str) -> None:
    session.execute(turn.GIVE_LEASE_BACK, {"conversation": conversation_id, "owner": owner})


@dataclass(frozen=True)
class PendingInbound:
    id: int
    conversation_id: int
    sender_id: str
    channel: str
    channel_user_id: str
    text: str
    normalized_text: str
    payload: str | None
    attempts: int
    first_attempt_at: datetime | None
    state: HubState
    created_at: datetime
    due: bool


def next_inbound(session: Session, conversation_id: int, now: datetime) -> PendingInbound | None:
    """The oldest message of the conversation still to be handled (due or not)."""
    session.flush()  # a state change made in this unit of work is what the row shows
    row = session.execute(turn.NEXT_INBOUND, {"conversation": conversation_id}).first()
    if row is None:
        return None
    first = row.data.get("first_attempt_at")
    return PendingInbound(
        id=row.id,
        conversation_id=conversation_id,
        sender_id=row.sender_id or sender_id_for(conversation_id),
        channel=row.channel,
        channel_user_id=row.channel_user_id,
        text=row.text,
        normalized_text=row.normalized_text or row.text,
        payload=row.data.get("payload"),
        attempts=row.attempts,
        first_attempt_at=datetime.fromisoformat(first) if first else None,
        state=states.state_for(row.status, row.assignee_user_id),
        created_at=row.created_at,
        due=row.next_attempt_at is None or row.next_attempt_at <= now,
    )


def due_conversations(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Conversations with a message to handle now and no worker on them."""
    rows = session.execute(
        select(HubMessage.conversation_id)
        .join(HubConversation, HubConversation.conversation_id == HubMessage.conversation_id, isouter=True)
        .where(
            HubMessage.direction == Direction.IN.value,
            HubMessage.state == InboundState.RECEIVED.value,
            or_(HubMessage.next_attempt_at.is_(None), HubMessage.next_attempt_at <= now),
            or_(HubConversation.lease_until.is_(None), HubConversation.lease_until < now),
        )
        .group_by(HubMessage.conversation_id)
        .order_by(func.min(HubMessage.id))
        .limit(limit)
    )
    return [r[0] for r in rows]


def mark_inbound(session: Session, message_id: int, state: InboundState) -> None:
    session.execute(turn.MARK_INBOUND, {"message": message_id, "new_state": state.value})


def set_attachments(session: Session, message_id: int, attachments: list[dict[str, Any]]) -> None:
    row = session.get(HubMessage, message_id)
    if row is not None:
        row.data = {**row.data, "attachments": attachments}


def defer_inbound(session: Session, message_id: int, now: datetime, delay: float) -> int:
    """The bot did not answer: try the message again after ``delay`` seconds. Returns the attempts."""
    row = session.get(HubMessage, message_id)
    assert row is not None
    row.attempts += 1
    row.next_attempt_at = now + timedelta(seconds=delay)
    if "first_attempt_at" not in row.data:
        row.data = {**row.data, "first_attempt_at": now.isoformat()}
    return row.attempts


def bot_is_back(session: Session, conversation_id: int) -> None:
    """The bot answered: the conversation's outage bookkeeping (if any) is cleared."""
    session.execute(turn.BOT_BACK, {"conversation": conversation_id})


def set_bot_down(session: Session, conversation_id: int, now: datetime | None) -> HubConversation:
    hub = hub_row(session, conversation_id)
    if now is None:
        hub.bot_down_since = None
        hub.bot_down_notice_at = None
    elif hub.bot_down_since is None:
        hub.bot_down_since = now
    return hub


# ---------------------------------------------------------------------------------------------
# Outbound: transcript + outbox
# ---------------------------------------------------------------------------------------------


def enqueue(
    session: Session,
    conversation: Conversation | int,
    author: Author,
    message: OutgoingMessage,
    now: datetime,
    *,
    agent_user_id: int | None = None,
    ticket_id: int | None = None,
) -> HubMessage:
    """A message for the citizen: one transcript row and one outbox row (``outbound_messages``)."""
    [row] = enqueue_many(
        session, conversation, author, [message], now, agent_user_id=agent_user_id, ticket_id=ticket_id
    )
    return row


def enqueue_many(
    session: Session,
    conversation: Conversation | int,
    author: Author,
    messages: Sequence[OutgoingMessage],
    now: datetime,
    *,
    agent_user_id: int | None = None,
    ticket_id: int | None = None,
) -> list[HubMessage]:
    """:func:`enqueue` for several messages in order (a bot's replies), inserted in two batches. The
    transcript rows returned are what was inserted (not attached to the session)."""
    session.flush()  # the rows these reference (a new conversation, a ticket) are in the database
    c = (
        session.execute(turn.CONVERSATION, {"conversation": conversation}).one()
        if isinstance(conversation, int)
        else conversation
    )
    outbound_ids = session.scalars(
        turn.INSERT_OUTBOUND,
        [
            {
                "ticket_id": ticket_id,
                "channel": c.channel,
                "channel_user_id": c.channel_user_id,
                "conversation_id": c.conversation_id,
                "body": message.text[:MAX_TEXT_CHARS],
                "status": OutboundStatus.PENDING,
                "attempts": 0,
                "created_at": now,
            }
            for message in messages
        ],
    ).all()
    rows = [
        {
            "conversation_id": c.id,
            "direction": Direction.OUT.value,
            "author": author.value,
            "agent_user_id": agent_user_id,
            "channel": str(c.channel),
            "channel_user_id": c.channel_user_id,
            "channel_message_id": None,
            "text": message.text[:MAX_TEXT_CHARS],
            "normalized_text": None,
            "data": message.to_json(),
            "state": None,
            "attempts": 0,
            "next_attempt_at": None,
            "claimed_until": None,
            "held_reason": None,
            "outbound_message_id": outbound_id,
            "created_at": now,
        }
        for message, outbound_id in zip(messages, outbound_ids, strict=True)
    ]
    ids = session.scalars(turn.INSERT_OUTGOING, rows).all()
    return [HubMessage(id=i, **row) for i, row in zip(ids, rows, strict=True)]


def _unadopted(channels: Iterable[str]) -> Any:
    return (
        select(OutboundMessage)
        .join(HubMessage, HubMessage.outbound_message_id == OutboundMessage.id, isouter=True)
        .where(
            OutboundMessage.status == OutboundStatus.PENDING,
            OutboundMessage.channel.in_([Channel(c) for c in channels]),
            OutboundMessage.channel_user_id.is_not(None),
            HubMessage.id.is_(None),
        )
    )


def has_unadopted(session: Session, channels: Iterable[str]) -> bool:
    """Whether the ticketing core queued messages the hub has not taken into its outbox yet."""
    return session.scalar(_unadopted(channels).with_only_columns(OutboundMessage.id).limit(1)) is not None


def adopt_ticketing_outbound(
    session: Session, channels: Iterable[str], now: datetime, limit: int = 100
) -> int:
    """Messages the ticketing core queued (an agency's approved answer) become transcript rows of the
    citizen's conversation and enter the outbox. Returns how many were adopted."""
    channels = list(channels)
    if not channels:
        return 0
    rows = session.scalars(_unadopted(channels).order_by(OutboundMessage.id).limit(limit)).all()
    for outbound in rows:
        conversation = None
        if outbound.conversation_id:
            conversation = session.scalar(
                select(Conversation)
                .where(
                    Conversation.conversation_id == outbound.conversation_id,
                    Conversation.channel == outbound.channel,
                    Conversation.channel_user_id == outbound.channel_user_id,
                )
                .limit(1)
            )
        if conversation is None:
            conversation = open_conversation(session, outbound.channel.value, outbound.channel_user_id, now)
        purpose = "notification" if outbound.ticket_id else "system"
        session.add(
            HubMessage(
                conversation_id=conversation.id,
                direction=Direction.OUT.value,
                author=Author.SYSTEM.value,
                channel=outbound.channel.value,
                channel_user_id=outbound.channel_user_id,
                text=outbound.body,
                data={"text": outbound.body, "purpose": purpose, "ticket_id": outbound.ticket_id},
                attempts=0,
                outbound_message_id=outbound.id,
                created_at=now,
            )
        )
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class Delivery:
    hub_message_id: int
    outbound_message_id: int
    conversation_id: int
    channel: str
    recipient: str
    message: OutgoingMessage
    attempts: int
    last_inbound_at: datetime | None


def claim_deliveries(
    session: Session,
    channels: Iterable[str],
    now: datetime,
    claim_seconds: float,
    limit: int = 50,
    run_limit: int = 20,
) -> list[Delivery]:
    """The messages that may be sent now, each recipient's in order: for up to ``limit`` recipients whose
    first waiting message is due, that message and the due ones right after it (up to ``run_limit``).
    A message waiting for a retry or held by a send rule holds back the ones after it."""
    channel_values = list(channels)
    if not channel_values:
        return []
    heads = session.execute(turn.DUE_HEADS, {"channels": channel_values, "now": now, "limit": limit}).all()
    if not heads:
        return []
    runs = _runs(session, heads, channel_values, now, run_limit)
    # One statement claims them all: on PostgreSQL another process may have claimed some meanwhile.
    ids = [m.id for run in runs for m in run]
    until = now + timedelta(seconds=claim_seconds)
    claimed = set(session.scalars(turn.CLAIM, {"ids": ids, "now": now, "until": until}))
    taken: list[Any] = []
    stray: list[int] = []  # claimed after a gap in a run: not sent in this pass, so given back
    for run in runs:
        prefix = list(itertools.takewhile(lambda m: m.id in claimed, run))
        taken += prefix
        stray += [m.id for m in run[len(prefix) :] if m.id in claimed]
    if stray:
        session.execute(turn.UNCLAIM, {"ids": stray})
    last_inbound = _last_inbound(session, {(r.channel, r.channel_user_id) for r in taken})
    return [
        Delivery(
            hub_message_id=row.id,
            outbound_message_id=row.outbound_message_id or 0,
            conversation_id=row.conversation_id,
            channel=row.channel,
            recipient=row.channel_user_id,
            message=OutgoingMessage.from_json(row.data or {"text": row.text}),
            attempts=row.attempts,
            last_inbound_at=last_inbound.get((row.channel, row.channel_user_id)),
        )
        for row in taken
    ]


def _runs(
    session: Session, heads: Sequence[Any], channels: list[str], now: datetime, run_limit: int
) -> list[list[Any]]:
    """Each head with the recipient's waiting messages right after it that are due too (in order, up to
    the first that is not)."""
    following = session.execute(
        turn.WAITING_AFTER,
        {
            "channels": channels,
            "users": list({h.channel_user_id for h in heads}),
            "after": min(h.id for h in heads),
            "limit": len(heads) * run_limit,  # enough for full runs; a run cut short goes on next pass
        },
    )
    runs = {(h.channel, h.channel_user_id): [h] for h in heads}
    stopped: set[tuple[str, str]] = set()
    for row in following:
        key = (row.channel, row.channel_user_id)
        run = runs.get(key)
        if run is None or key in stopped or row.id <= run[-1].id:  # not before or at the head
            continue
        if len(run) >= run_limit or not _is_due(row, now):
            stopped.add(key)
            continue
        run.append(row)
    return list(runs.values())


def _is_due(row: Any, now: datetime) -> bool:
    """An outbound row that may be tried now: not held, not waiting for a retry, not claimed."""
    return (
        row.held_reason is None
        and (row.next_attempt_at is None or row.next_attempt_at <= now)
        and (row.claimed_until is None or row.claimed_until < now)
    )


def _last_inbound(session: Session, recipients: set[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    """When each ``(channel, channel_user_id)`` last wrote (any of its conversations), in one query."""
    if not recipients:
        return {}
    rows = session.execute(
        turn.LAST_INBOUND,
        {"channels": list({c for c, _ in recipients}), "users": list({u for _, u in recipients})},
    )
    return {
        (r.channel, r.channel_user_id): r.at for r in rows if (r.channel, r.channel_user_id) in recipients
    }


def record_failed(
    session: Session,
    delivery: Delivery,
    now: datetime,
    error: str,
    duration_ms: int,
    *,
    retry_in: float | None,
) -> None:
    """A failed attempt; ``retry_in`` None gives up (the message is marked failed)."""
    replies.mark_failed(session, delivery.outbound_message_id, error, give_up=retry_in is None)
    session.execute(
        update(HubMessage)
        .where(HubMessage.id == delivery.hub_message_id)
        .values(
            claimed_until=None,
            attempts=HubMessage.attempts + 1,
            next_attempt_at=None if retry_in is None else now + timedelta(seconds=retry_in),
        )
    )
    session.add(
        OutboxAttempt(
            outbound_message_id=delivery.outbound_message_id,
            at=now,
            ok=False,
            error=error[:1000],
            duration_ms=duration_ms,
        )
    )


@dataclass(frozen=True)
class Outcome:
    """One send attempt: ``sent``, ``failed`` (``retry_in`` None: given up) or ``held`` (``error`` is the
    send rule's reason); or ``released``: not tried, because the recipient's message before it did not go
    (it waits for the next pass)."""

    kind: str
    delivery: Delivery
    duration_ms: int = 0
    error: str = ""
    retry_in: float | None = None


def record_outcomes(session: Session, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Write a pass's outcomes: the sent ones in a few batch statements, the others one by one."""
    sent = [o for o in outcomes if o.kind == "sent"]
    if sent:
        _record_sent_many(session, sent, now)
    released = [o.delivery.hub_message_id for o in outcomes if o.kind == "released"]
    if released:
        session.execute(turn.UNCLAIM, {"ids": released})
    for outcome in outcomes:
        if outcome.kind == "held":
            hold(session, outcome.delivery, outcome.error)
        elif outcome.kind == "failed":
            record_failed(
                session, outcome.delivery, now, outcome.error, outcome.duration_ms, retry_in=outcome.retry_in
            )


def _record_sent_many(session: Session, sent: Sequence[Outcome], now: datetime) -> None:
    """Messages the adapters sent: marked sent (``outbound_messages`` and transcript rows) and one attempt
    each recorded, in a few batch statements."""
    replies.mark_sent_many(session, [o.delivery.outbound_message_id for o in sent], now=now)
    session.execute(turn.SENT, {"ids": [o.delivery.hub_message_id for o in sent]})
    session.execute(
        turn.INSERT_ATTEMPTS,
        [
            {
                "outbound_message_id": o.delivery.outbound_message_id,
                "at": now,
                "ok": True,
                "error": None,
                "duration_ms": o.duration_ms,
            }
            for o in sent
        ],
    )


def claim_after_outcomes(
    session: Session,
    outcomes: Sequence[Outcome],
    channels: Iterable[str],
    now: datetime,
    claim_seconds: float,
) -> list[Delivery]:
    """Write a pass's outcomes and claim the next pass's messages, in one transaction."""
    record_outcomes(session, outcomes, now)
    return claim_deliveries(session, channels, now, claim_seconds)


def hold(session: Session, delivery: Delivery, reason: str) -> None:
    session.execute(
        update(HubMessage)
        .where(HubMessage.id == delivery.hub_message_id)
        .values(claimed_until=None, held_reason=reason[:200])
    )


def hub_status(session: Session) -> dict[str, int]:
    """Counts for supervisors and monitoring: the handoff queue, conversations with agents, the outbox."""
    waiting = and_(Conversation.status == ConversationStatus.OPEN, Conversation.assignee_user_id.is_(None))
    with_agents = and_(
        Conversation.status == ConversationStatus.OPEN, Conversation.assignee_user_id.is_not(None)
    )
    count = select(func.count()).select_from(Conversation)
    return {
        "waiting": session.scalar(count.where(waiting)) or 0,
        "with_agents": session.scalar(count.where(with_agents)) or 0,
        "outbox_backlog": outbox_backlog(session),
        "held": session.scalar(
            select(func.count()).select_from(HubMessage).where(HubMessage.held_reason.is_not(None))
        )
        or 0,
        "unanswered_messages": session.scalar(
            select(func.count())
            .select_from(HubMessage)
            .where(
                HubMessage.direction == Direction.IN.value, HubMessage.state == InboundState.RECEIVED.value
            )
        )
        or 0,
    }


def outbox_backlog(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.status == OutboundStatus.PENDING)
        )
        or 0
    )


# ---------------------------------------------------------------------------------------------
# Reading conversations (agents, web chat)
# ---------------------------------------------------------------------------------------------


def message_json(row: HubMessage, status: str | None = None) -> dict[str, Any]:
    data = row.data or {}
    out: dict[str, Any] = {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "direction": row.direction,
        "author": row.author,
        "text": row.text,
        "created_at": row.created_at.isoformat(),
    }
    if row.agent_user_id:
        out["agent_user_id"] = row.agent_user_id
    if data.get("buttons"):
        out["buttons"] = data["buttons"]
    if data.get("attachments"):
        out["attachments"] = data["attachments"]
    if data.get("payload"):
        out["payload"] = data["payload"]
    if row.direction == Direction.IN.value:
        out["state"] = row.state
    elif status is not None:
        out["delivery"] = "held" if row.held_reason else status
    return out


def _messages(session: Session, *where: Any, after_id: int, limit: int) -> list[dict]:
    rows = session.execute(
        select(HubMessage, OutboundMessage.status)
        .join(OutboundMessage, OutboundMessage.id == HubMessage.outbound_message_id, isouter=True)
        .where(*where, HubMessage.id > after_id)
        .order_by(HubMessage.id)
        .limit(limit)
    ).all()
    return [message_json(m, status.value if status else None) for m, status in rows]


def transcript(session: Session, conversation_id: int, after_id: int = 0, limit: int = 500) -> list[dict]:
    return _messages(session, HubMessage.conversation_id == conversation_id, after_id=after_id, limit=limit)


def messages_of_identity(
    session: Session, channel: str, channel_user_id: str, after_id: int = 0, limit: int = 200
) -> list[dict]:
    """Every message to and from one channel identity after ``after_id`` (web chat reconnects)."""
    rows = session.execute(
        turn.IDENTITY_MESSAGES,
        {"channel": channel, "channel_user_id": channel_user_id, "after": after_id, "limit": limit},
    )
    return [message_json(r, r.delivery_status.value if r.delivery_status else None) for r in rows]


def visitor_feed(
    session: Session, channel: str, channel_user_id: str, after_id: int = 0, limit: int = 200
) -> list[dict]:
    """What a web-chat visitor sees after ``after_id``: their messages and those delivered to them, up to
    the first one still in the outbox (so a cursor never skips a message delivered later)."""
    feed = []
    for message in messages_of_identity(session, channel, channel_user_id, after_id, limit):
        if message["direction"] == Direction.OUT.value and message.get("delivery") not in ("sent", "failed"):
            break
        feed.append(message)
    return feed


def identity_state(session: Session, channel: str, channel_user_id: str) -> HubState:
    c = session.execute(
        turn.ACTIVE_CONVERSATION, {"channel": Channel(channel), "channel_user_id": channel_user_id}
    ).first()
    return states.state_for(c.status, c.assignee_user_id) if c is not None else HubState.BOT


def queue_position(session: Session, conversation: Conversation) -> int | None:
    """1 for the conversation waiting longest; None when it is not waiting."""
    if states.state_of(conversation) != HubState.PENDING or conversation.handoff_requested_at is None:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.status == ConversationStatus.OPEN,
            Conversation.assignee_user_id.is_(None),
            or_(
                Conversation.handoff_requested_at < conversation.handoff_requested_at,
                and_(
                    Conversation.handoff_requested_at == conversation.handoff_requested_at,
                    Conversation.id < conversation.id,
                ),
            ),
        )
    )
    return int(ahead or 0) + 1


def typical_wait_seconds(session: Session, now: datetime, sample: int = 20) -> float | None:
    """Median wait from handoff to an agent taking it, over the last ``sample`` taken conversations of
    the past week (None without data)."""
    rows = session.execute(
        select(Conversation.handoff_requested_at, Conversation.opened_at)
        .where(
            Conversation.opened_at.is_not(None),
            Conversation.handoff_requested_at.is_not(None),
            Conversation.opened_at > now - timedelta(days=7),
        )
        .order_by(Conversation.opened_at.desc())
        .limit(sample)
    ).all()
    waits = sorted((o - h).total_seconds() for h, o in rows if o >= h)
    if not waits:
        return None
    return waits[len(waits) // 2]


def conversation_json(session: Session, c: Conversation, *, with_messages: bool) -> dict[str, Any]:
    state = states.state_of(c)
    tickets = []
    if c.conversation_id:
        tickets = [
            {"code": code, "status": status.value, "kind": kind.value}
            for code, status, kind in session.execute(
                select(Ticket.code, Ticket.status, Ticket.kind)
                .where(Ticket.conversation_id == c.conversation_id)
                .order_by(Ticket.id)
            )
        ]
    assignee = session.get(User, c.assignee_user_id) if c.assignee_user_id else None
    out: dict[str, Any] = {
        "id": c.id,
        "state": state.value,
        "channel": c.channel.value,
        "channel_user_id": c.channel_user_id,
        "sender_id": c.conversation_id,
        "citizen_id": c.citizen_id,
        "assignee": {"id": assignee.id, "name": assignee.display_name} if assignee else None,
        "handoff_reason": c.handoff_reason,
        "handoff_requested_at": c.handoff_requested_at.isoformat() if c.handoff_requested_at else None,
        "first_human_response_at": (
            c.first_human_response_at.isoformat() if c.first_human_response_at else None
        ),
        "queue_position": queue_position(session, c),
        "created_at": c.created_at.isoformat(),
        "updated_at": c.updated_at.isoformat(),
        "tickets": tickets,
    }
    last = session.scalar(
        select(HubMessage).where(HubMessage.conversation_id == c.id).order_by(HubMessage.id.desc()).limit(1)
    )
    out["last_message"] = message_json(last) if last else None
    if with_messages:
        out["messages"] = transcript(session, c.id)
    return out


def list_conversations(
    session: Session,
    states_wanted: Sequence[HubState],
    *,
    assignee_user_id: int | None = None,
    with_messages: bool = False,
    limit: int = 50,
) -> list[dict[str, Any]]:
    conditions = []
    for s in states_wanted:
        if s == HubState.BOT:
            conditions.append(Conversation.status == ConversationStatus.PENDING)
        elif s == HubState.PENDING:
            conditions.append(
                and_(Conversation.status == ConversationStatus.OPEN, Conversation.assignee_user_id.is_(None))
            )
        elif s == HubState.OPEN:
            conditions.append(
                and_(
                    Conversation.status == ConversationStatus.OPEN, Conversation.assignee_user_id.is_not(None)
                )
            )
        else:
            conditions.append(Conversation.status == ConversationStatus.RESOLVED)
    # Only the hub's conversations (a record the bot's actions made for an unverified sender is not one).
    stmt = (
        select(Conversation)
        .join(HubConversation, HubConversation.conversation_id == Conversation.id)
        .where(or_(*conditions))
    )
    if assignee_user_id is not None:
        stmt = stmt.where(Conversation.assignee_user_id == assignee_user_id)
    if list(states_wanted) == [HubState.PENDING]:
        stmt = stmt.order_by(Conversation.handoff_requested_at, Conversation.id)
    else:
        stmt = stmt.order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    found = session.scalars(stmt.limit(limit)).all()
    return [conversation_json(session, c, with_messages=with_messages) for c in found]


def get_conversation(session: Session, conversation_id: int, *, with_messages: bool = True) -> dict | None:
    c = session.get(Conversation, conversation_id)
    if c is None or not session.get(HubConversation, conversation_id):
        return None
    return conversation_json(session, c, with_messages=with_messages)


def conversation_events(session: Session, conversation_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "type": e.type,
            "from": e.from_state,
            "to": e.to_state,
            "actor": e.actor_kind,
            "actor_user_id": e.actor_user_id,
            "payload": e.payload,
        }
        for e in session.scalars(
            select(ConversationEvent)
            .where(ConversationEvent.conversation_id == conversation_id)
            .order_by(ConversationEvent.id)
        )
    ]


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise states.InvalidInput("unknown user")
    return user


# ---------------------------------------------------------------------------------------------
# Web chat sessions
# ---------------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_webchat_session(session: Session, visitor_id: str, token: str, now: datetime) -> None:
    session.add(WebChatSession(visitor_id=visitor_id, token_hash=token_digest(token), created_at=now))
    session.flush()


def webchat_visitor(session: Session, token: str, now: datetime | None = None) -> str | None:
    row = session.scalar(select(WebChatSession).where(WebChatSession.token_hash == token_digest(token)))
    if row is None:
        return None
    if now is not None and (row.last_seen_at is None or now - row.last_seen_at > timedelta(minutes=5)):
        row.last_seen_at = now
    return row.visitor_id


# ---------------------------------------------------------------------------------------------
# Announcements
# ---------------------------------------------------------------------------------------------


def subscribe(session: Session, channel: str, channel_user_id: str, area_code: str, now: datetime) -> bool:
    """Subscribe (or re-subscribe) an identity to a commune/ward. True when it was not subscribed."""
    row = session.scalar(
        select(AnnouncementSubscription).where(
            AnnouncementSubscription.channel == channel,
            AnnouncementSubscription.channel_user_id == channel_user_id,
            AnnouncementSubscription.area_code == area_code,
        )
    )
    if row is None:
        session.add(
            AnnouncementSubscription(
                channel=channel,
                channel_user_id=channel_user_id,
                area_code=area_code,
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return True
    was_active = row.active
    row.active = True
    row.updated_at = now
    return not was_active


def unsubscribe(session: Session, channel: str, channel_user_id: str, now: datetime) -> list[str]:
    """Cancel every subscription of an identity; the area codes that were active."""
    rows = session.scalars(
        select(AnnouncementSubscription).where(
            AnnouncementSubscription.channel == channel,
            AnnouncementSubscription.channel_user_id == channel_user_id,
            AnnouncementSubscription.active.is_(True),
        )
    ).all()
    for row in rows:
        row.active = False
        row.updated_at = now
    return [r.area_code for r in rows]


def subscriptions_of(session: Session, channel: str, channel_user_id: str) -> list[str]:
    return list(
        session.scalars(
            select(AnnouncementSubscription.area_code).where(
                AnnouncementSubscription.channel == channel,
                AnnouncementSubscription.channel_user_id == channel_user_id,
                AnnouncementSubscription.active.is_(True),
            )
        )
    )


def broadcast(
    session: Session, area_codes: Sequence[str], body: str, author: User, text: str, now: datetime
) -> Announcement:
    """An announcement to every active subscriber of the areas (empty: every subscriber), one outbox
    message each (an identity subscribed to several of the areas gets it once)."""
    stmt = select(AnnouncementSubscription.channel, AnnouncementSubscription.channel_user_id).where(
        AnnouncementSubscription.active.is_(True)
    )
    if area_codes:
        stmt = stmt.where(AnnouncementSubscription.area_code.in_(list(area_codes)))
    recipients = sorted({(channel, user) for channel, user in session.execute(stmt.distinct())})
    announcement = Announcement(
        area_codes=list(area_codes),
        body=body,
        author_user_id=author.id,
        recipients=len(recipients),
        created_at=now,
    )
    session.add(announcement)
    session.flush()
    message = OutgoingMessage(text=text, purpose="announcement")
    for channel, channel_user_id in recipients:
        conversation = active_conversation(session, channel, channel_user_id) or open_conversation(
            session, channel, channel_user_id, now
        )
        enqueue(session, conversation, Author.SYSTEM, message, now)
    return announcement


def announcements(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "area_codes": a.area_codes,
            "body": a.body,
            "author_user_id": a.author_user_id,
            "recipients": a.recipients,
            "created_at": a.created_at.isoformat(),
        }
        for a in session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit))
    ]


# ---------------------------------------------------------------------------------------------
# Ticket status notifications (a follower of ticket_events)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketChange:
    event_id: int
    ticket_id: int
    code: str
    kind: str
    type: str
    to_status: str
    channel: str
    channel_user_id: str
    conversation_sender_id: str | None
    agency_name: str | None
    seconds_after_filing: float
    question: str | None = None  # what the agency asks the citizen (waiting_citizen)


def cursor(session: Session, name: str) -> int | None:
    row = session.get(HubCursor, name)
    return row.last_id if row else None


def ticket_changes_after(
    session: Session, last_id: int | None, channels: Iterable[str], limit: int = 200
) -> tuple[int, list[TicketChange]]:
    """Status changes of tickets filed on the given channels after event ``last_id``; on the first call
    (``None``) the follower starts at the newest event (no notification of history)."""
    from ticketing.models import Agency

    newest = session.scalar(select(func.max(TicketEvent.id))) or 0
    if last_id is None:
        return newest, []
    rows = session.execute(
        select(TicketEvent, Ticket, Agency.name)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Agency, Agency.id == Ticket.agency_id, isouter=True)
        .where(TicketEvent.id > last_id)
        .order_by(TicketEvent.id)
        .limit(limit)
    ).all()
    wanted = {Channel(c) for c in channels}
    changes = []
    high = last_id
    for event, ticket, agency_name in rows:
        high = event.id
        if ticket.channel not in wanted or not ticket.channel_user_id:
            continue
        if event.to_status is None or event.from_status == event.to_status:
            continue
        changes.append(
            TicketChange(
                event_id=event.id,
                ticket_id=ticket.id,
                code=ticket.code,
                kind=ticket.kind.value,
                type=event.type,
                to_status=event.to_status.value,
                channel=ticket.channel.value,
                channel_user_id=ticket.channel_user_id,
                conversation_sender_id=ticket.conversation_id,
                agency_name=agency_name,
                seconds_after_filing=(event.at - ticket.created_at).total_seconds(),
                question=(event.payload or {}).get("question") if event.type == "waiting_citizen" else None,
            )
        )
    return high, changes


def advance_cursor(session: Session, name: str, expected: int | None, new: int) -> bool:
    """Move a cursor from ``expected`` to ``new`` atomically (another hub process may have moved it)."""
    if expected is None:
        inserted = session.execute(
            _insert(session)(HubCursor).values(name=name, last_id=new).on_conflict_do_nothing()
        )
        return inserted.rowcount == 1
    result = session.execute(
        update(HubCursor).where(HubCursor.name == name, HubCursor.last_id == expected).values(last_id=new)
    )
    return result.rowcount == 1


def notify_ticket_change(session: Session, change: TicketChange, text: str, now: datetime) -> None:
    conversation = None
    if change.conversation_sender_id:
        conversation = session.scalar(
            select(Conversation).where(Conversation.conversation_id == change.conversation_sender_id).limit(1)
        )
        if conversation is not None and conversation.status == ConversationStatus.RESOLVED:
            conversation = None
    if conversation is None:
        conversation = open_conversation(session, change.channel, change.channel_user_id, now)
    enqueue(
        session,
        conversation,
        Author.SYSTEM,
        OutgoingMessage(text=text, purpose="notification"),
        now,
        ticket_id=change.ticket_id,
    )


# ---------------------------------------------------------------------------------------------
# Channel state (tokens): compare-and-set
# ---------------------------------------------------------------------------------------------


def state_get(session: Session, channel: str, key: str) -> str | None:
    row = session.get(ChannelStateRow, (channel, key))
    return row.value if row else None


def state_compare_and_set(
    session: Session, channel: str, key: str, expected: str | None, value: str, now: datetime
) -> bool:
    if expected is None:
        result = session.execute(
            _insert(session)(ChannelStateRow)
            .values(channel=channel, key=key, value=value, updated_at=now)
            .on_conflict_do_nothing()
        )
        return result.rowcount == 1
    result = session.execute(
        update(ChannelStateRow)
        .where(
            ChannelStateRow.channel == channel, ChannelStateRow.key == key, ChannelStateRow.value == expected
        )
        .values(value=value, updated_at=now)
    )
    return result.rowcount == 1
