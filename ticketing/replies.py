"""Answers to tickets, their approval, delivery to the citizen, ratings and the citizen's reopen.

- An agency officer (of the ticket's agency) or a hotline agent/supervisor/admin answers a ticket.
- When the ticket's category requires approval (``categories.requires_approval``) an answer written by an
  officer or agent waits in ``pending_approval`` until a supervisor approves (or rejects with a note).
  Supervisors' and admins' own answers need no approval.
- A released answer marks the ticket ``answered`` (ticketing.lifecycle) and creates an ``outbound_messages``
  row for the citizen's channel: the seam for the hub's outbox, which later sends it and calls
  :func:`mark_sent` / :func:`mark_failed`.
- The citizen rates the service 1-5 and may reopen within the reopen window.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import labels, lifecycle
from ticketing.errors import IllegalTransition, InvalidInput, NotAllowed
from ticketing.lifecycle import Actor, lock_ticket
from ticketing.models import (
    Agency,
    Category,
    Channel,
    DeliveryState,
    OutboundMessage,
    OutboundStatus,
    Rating,
    Reply,
    ReplyState,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
    UserRole,
    utcnow,
)

MAX_REPLY_CHARS = 10000
MAX_COMMENT_CHARS = 2000
ANSWERABLE = {
    TicketStatus.NEW,
    TicketStatus.TRIAGED,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_CITIZEN,
}


def _clean(body: str | None, field: str, limit: int) -> str:
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput(f"{field} is required")
    if len(body) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters")
    return unicodedata.normalize("NFC", body.strip())


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def _check_can_work_on(user: User, ticket: Ticket) -> None:
    if not user.active:
        raise NotAllowed("inactive user")
    if user.role == UserRole.AGENCY_OFFICER and (
        ticket.agency_id is None or user.agency_id != ticket.agency_id
    ):
        raise NotAllowed("an agency officer can only answer tickets of their own agency")


def _event(session: Session, ticket: Ticket, actor: Actor, type_: str, now: datetime, payload: dict) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            type=type_,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            from_status=ticket.status,
            to_status=ticket.status,
            payload=payload,
        )
    )


def _release(session: Session, ticket: Ticket, reply: Reply, actor: Actor, now: datetime) -> None:
    """Send an approved answer: outbound message + ticket answered."""
    reply.state = ReplyState.APPROVED
    reply.delivery = DeliveryState.QUEUED
    agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
    session.add(
        OutboundMessage(
            ticket_id=ticket.id,
            reply_id=reply.id,
            channel=ticket.channel,
            channel_user_id=ticket.channel_user_id,
            conversation_id=ticket.conversation_id,
            body=labels.answer_message(
                ticket.code, ticket.kind, agency.name if agency else None, reply.body, lifecycle.reopen_days()
            ),
            status=OutboundStatus.PENDING,
            created_at=now,
        )
    )
    lifecycle.mark_answered(session, ticket, actor, reply_id=reply.id, now=now)


def answer(
    session: Session, ticket: Ticket | int, author: User, body: str, *, now: datetime | None = None
) -> Reply:
    """Write the answer to a ticket. Released at once, or held for a supervisor when the category says so."""
    now = _now(now)
    body = _clean(body, "body", MAX_REPLY_CHARS)
    t = lock_ticket(session, ticket)
    _check_can_work_on(author, t)
    if t.status not in ANSWERABLE:
        raise IllegalTransition("answer", t.status, t.code)
    category = session.get(Category, t.category_id) if t.category_id else None
    needs_approval = bool(category and category.requires_approval) and author.role not in (
        UserRole.SUPERVISOR,
        UserRole.ADMIN,
    )
    reply = Reply(
        ticket_id=t.id,
        author_user_id=author.id,
        body=body,
        state=ReplyState.PENDING_APPROVAL if needs_approval else ReplyState.APPROVED,
        delivery=DeliveryState.NOT_SENT,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    actor = Actor.of(author)
    if needs_approval:
        _event(session, t, actor, "reply_submitted", now, {"reply_id": reply.id})
        t.updated_at = now
        lifecycle._flush(session)
    else:
        _release(session, t, reply, actor, now)
    return reply


def _pending_reply(session: Session, reply: Reply | int) -> tuple[Reply, Ticket]:
    reply_obj = session.get(Reply, reply) if isinstance(reply, int) else reply
    if reply_obj is None:
        raise InvalidInput("unknown reply")
    ticket = lock_ticket(session, reply_obj.ticket_id)
    session.refresh(reply_obj)
    if reply_obj.state != ReplyState.PENDING_APPROVAL:
        raise InvalidInput(f"the reply is {reply_obj.state.value}, not waiting for approval")
    return reply_obj, ticket


def _check_reviewer(reviewer: User) -> None:
    if reviewer.role not in (UserRole.SUPERVISOR, UserRole.ADMIN) or not reviewer.active:
        raise NotAllowed("only a supervisor approves answers")


def approve(session: Session, reply: Reply | int, reviewer: User, *, now: datetime | None = None) -> Reply:
    """A supervisor approves a held answer: it goes to the citizen and the ticket is answered."""
    now = _now(now)
    _check_reviewer(reviewer)
    reply_obj, ticket = _pending_reply(session, reply)
    if ticket.status not in ANSWERABLE:
        raise IllegalTransition("answer", ticket.status, ticket.code)
    reply_obj.reviewed_by_id = reviewer.id
    reply_obj.reviewed_at = now
    actor = Actor.of(reviewer)
    _event(session, ticket, actor, "reply_approved", now, {"reply_id": reply_obj.id})
    _release(session, ticket, reply_obj, actor, now)
    return reply_obj


def reject(
    session: Session, reply: Reply | int, reviewer: User, *, note: str, now: datetime | None = None
) -> Reply:
    """A supervisor sends a held answer back to its author with a note; the ticket does not change."""
    now = _now(now)
    _check_reviewer(reviewer)
    note = _clean(note, "note", MAX_COMMENT_CHARS)
    reply_obj, ticket = _pending_reply(session, reply)
    reply_obj.state = ReplyState.REJECTED
    reply_obj.reviewed_by_id = reviewer.id
    reply_obj.reviewed_at = now
    reply_obj.review_note = note
    _event(
        session, ticket, Actor.of(reviewer), "reply_rejected", now, {"reply_id": reply_obj.id, "note": note}
    )
    ticket.updated_at = now
    lifecycle._flush(session)
    return reply_obj


def add_note(
    session: Session, ticket: Ticket | int, author: User, body: str, *, now: datetime | None = None
) -> Reply:
    """An internal note between staff; never sent to the citizen."""
    now = _now(now)
    body = _clean(body, "body", MAX_REPLY_CHARS)
    t = lock_ticket(session, ticket)
    _check_can_work_on(author, t)
    reply = Reply(
        ticket_id=t.id,
        author_user_id=author.id,
        body=body,
        internal=True,
        state=ReplyState.APPROVED,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    _event(session, t, Actor.of(author), "note_added", now, {"reply_id": reply.id})
    t.updated_at = now
    lifecycle._flush(session)
    return reply


def pending_replies(session: Session, *, agency_id: int | None = None) -> list[Reply]:
    """Answers waiting for a supervisor, oldest first."""
    stmt = select(Reply).where(Reply.state == ReplyState.PENDING_APPROVAL).order_by(Reply.id)
    if agency_id is not None:
        stmt = stmt.join(Ticket, Ticket.id == Reply.ticket_id).where(Ticket.agency_id == agency_id)
    return list(session.scalars(stmt))


# ---------------------------------------------------------------------------------------------
# Outbox seam
# ---------------------------------------------------------------------------------------------


def pending_messages(
    session: Session, *, limit: int = 100, channel: Channel | str | None = None
) -> list[OutboundMessage]:
    stmt = select(OutboundMessage).where(OutboundMessage.status == OutboundStatus.PENDING)
    if channel is not None:
        stmt = stmt.where(OutboundMessage.channel == Channel(channel))
    return list(session.scalars(stmt.order_by(OutboundMessage.id).limit(limit)))


def mark_sent(session: Session, message_id: int, *, now: datetime | None = None) -> None:
    mark_sent_many(session, [message_id], now=now)


def mark_sent_many(session: Session, message_ids: list[int], *, now: datetime | None = None) -> None:
    """:func:`mark_sent` for several messages at once (one read, one batch of updates)."""
    now = _now(now)
    messages = {
        m.id: m for m in session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(message_ids)))
    }
    if len(messages) != len(set(message_ids)):
        raise InvalidInput("unknown message")
    for message in messages.values():
        message.status = OutboundStatus.SENT
        message.sent_at = now
        message.attempts += 1
        if message.reply_id:
            reply = session.get(Reply, message.reply_id)
            if reply is not None:
                reply.delivery = DeliveryState.SENT
                reply.sent_at = now
    session.flush()


def mark_failed(session: Session, message_id: int, error: str, *, give_up: bool = False) -> None:
    """Record a failed send (the error text must not contain personal data). ``give_up`` stops retries."""
    message = session.get(OutboundMessage, message_id)
    if message is None:
        raise InvalidInput("unknown message")
    message.attempts += 1
    message.last_error = error[:1000]
    if give_up:
        message.status = OutboundStatus.FAILED
        if message.reply_id:
            reply = session.get(Reply, message.reply_id)
            if reply is not None:
                reply.delivery = DeliveryState.FAILED
    session.flush()


# ---------------------------------------------------------------------------------------------
# The citizen's side
# ---------------------------------------------------------------------------------------------


def owns(ticket: Ticket, channel: Channel | str, channel_user_id: str | None) -> bool:
    """Whether this channel identity filed the ticket."""
    return (
        bool(channel_user_id)
        and ticket.channel == Channel(channel)
        and ticket.channel_user_id == channel_user_id
    )


def rate(
    session: Session,
    *,
    score: int,
    comment: str | None,
    channel: Channel | str,
    channel_user_id: str | None,
    ticket: Ticket | None = None,
    now: datetime | None = None,
) -> Rating:
    """The citizen rates the service 1-5 (of a ticket they filed, once it is answered, or of the hotline)."""
    now = _now(now)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score must be an integer from 1 to 5")
    try:
        channel = Channel(channel)
    except ValueError as exc:
        raise InvalidInput("unknown channel") from exc
    comment = _clean(comment, "comment", MAX_COMMENT_CHARS) if comment and comment.strip() else None
    agency_id = None
    if ticket is not None:
        if not owns(ticket, channel, channel_user_id):
            raise NotAllowed("only the citizen who filed the ticket can rate it")
        if ticket.status not in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
            raise IllegalTransition(
                "rate", ticket.status, ticket.code, "the ticket has not been answered yet"
            )
        agency_id = ticket.agency_id
    rating = Rating(
        ticket_id=ticket.id if ticket else None,
        citizen_id=ticket.citizen_id if ticket else None,
        agency_id=agency_id,
        channel=channel,
        channel_user_id=channel_user_id,
        score=score,
        comment=comment,
        created_at=now,
    )
    session.add(rating)
    session.flush()
    if ticket is not None:
        _event(session, ticket, Actor.citizen(), "rated", now, {"score": score, "rating_id": rating.id})
        session.flush()
    return rating


def citizen_reopen(
    session: Session,
    ticket: Ticket,
    *,
    channel: Channel | str,
    channel_user_id: str | None,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """The citizen who filed the ticket asks to look at it again (within the reopen window)."""
    if not owns(ticket, channel, channel_user_id):
        raise NotAllowed("only the citizen who filed the ticket can reopen it")
    return lifecycle.reopen(session, ticket, Actor.citizen(), reason=reason, now=now)
