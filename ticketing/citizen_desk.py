"""The citizen's side of the ticket layer, as whole units of work: what the bot's actions call (and next
the hub). docs/architecture.md, "Facades used by actions".

Each function opens one unit of work on the database named by ``DATABASE_URL`` (default
``sqlite:///var/helpdesk.sqlite3``; on first use the schema is migrated and an empty directory seeded) and
calls the same ``ticketing.tickets`` functions as the HTTP API. Errors are ``ticketing.errors`` classes
(``InvalidInput``, ``TicketNotFound``, ``NotAllowed``, ``IllegalTransition``); nothing is half-written when
one is raised. Personal data (phone, name) is stored, never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from database import Database, get_database
from security.second_factor import Verdict, check_second_factor, last_four_digits
from ticketing import conversations, labels, replies, tickets
from ticketing.errors import IllegalTransition, InvalidInput, NotAllowed, TicketingError, TicketNotFound
from ticketing.lifecycle import Actor, TicketDraft
from ticketing.models import Reply, ReplyState, Ticket, TicketStatus
from ticketing.seed import ensure_seeded
from vietnam.codes import is_ticket_code, normalize_ticket_code
from vietnam.workdays import LOCAL_TZ, format_datetime_vi

__all__ = [
    "IllegalTransition",
    "InvalidInput",
    "NotAllowed",
    "TicketNotFound",
    "TicketReceipt",
    "TicketStatusView",
    "TicketingError",
    "rate_service",
    "request_handoff",
    "submit_ticket",
    "ticket_status",
]


def _database() -> Database:
    db = get_database()
    db.once("ticketing.directory", ensure_seeded)
    return db


# ------------------------------------------------------------------------------------------ submit_ticket


@dataclass(frozen=True)
class TicketReceipt:
    code: str
    category: str | None  # category code, None while in the triage queue
    agency_name: str | None  # None while in the triage queue
    due_at: datetime | None  # resolution due time, Asia/Ho_Chi_Minh
    status: str = TicketStatus.NEW.value
    category_name: str | None = None

    @property
    def due_text(self) -> str | None:
        return format_datetime_vi(self.due_at)


def submit_ticket(**draft: Any) -> TicketReceipt:
    """File a petition, question, postal or appointment request for the citizen on ``channel`` /
    ``channel_user_id``; triaged and routed when confident. The keywords are the fields of
    :class:`~ticketing.lifecycle.TicketDraft` (``kind``, ``description``, ``location_text``, ``phone``,
    ``name``, ``channel``, ``channel_user_id``, ``conversation_id``, ``details``)."""
    with _database().session() as session:
        ticket = tickets.do_create_ticket(session, Actor.bot(), TicketDraft(**draft))
        return TicketReceipt(
            code=ticket.code,
            category=ticket.category.code if ticket.category else None,
            agency_name=ticket.agency.name if ticket.agency else None,
            due_at=ticket.resolution_due_at.astimezone(LOCAL_TZ) if ticket.resolution_due_at else None,
            status=ticket.status.value,
            category_name=labels.category_label(ticket.category),
        )


# ------------------------------------------------------------------------------------------ ticket_status


@dataclass(frozen=True)
class TicketStatusView:
    """``outcome``: ``found`` (details filled), ``need_second_factor`` (ask the last 4 phone digits),
    ``wrong_second_factor`` (wrong digits, or no such ticket: the same answer) or ``rate_limited`` (too
    many wrong answers from this channel identity). Only ``found`` carries details of the ticket;
    ``message`` is the Vietnamese text to show."""

    code: str
    outcome: str
    message: str
    status: str | None = None
    kind: str | None = None
    agency_name: str | None = None
    created_at: datetime | None = None
    due_at: datetime | None = None
    answered_at: datetime | None = None
    answer: str | None = None
    merged_into: str | None = None


def ticket_status(
    code: str, channel: str, channel_user_id: str, phone_last4: str | None
) -> TicketStatusView | None:
    """The status of a ticket for the citizen who filed it; None when ``code`` is not a ticket code.

    The citizen is recognised by the channel identity that filed the ticket, or else by the last four
    digits of the phone number given at intake (``security.second_factor``: an unknown code reads exactly
    like a known one, and guesses are capped per code and channel identity).
    """
    if not isinstance(code, str) or not is_ticket_code(code):
        return None
    code = normalize_ticket_code(code)
    db = _database()
    with db.session(readonly=True) as session:
        ticket = tickets.access_citizen_ticket(session, code)
        found = _found_view(session, ticket) if ticket is not None else None
        if ticket is not None and replies.owns(ticket, channel, channel_user_id):
            return found
        phone = ticket.citizen.phone if ticket is not None and ticket.citizen is not None else None
    if last_four_digits(phone_last4) is None:
        return TicketStatusView(code, "need_second_factor", labels.SECOND_FACTOR_NEEDED)
    verdict = check_second_factor(
        db.engine,
        subject=f"ticket:{code}",
        requester=f"{channel}:{channel_user_id}",
        given=phone_last4,
        phone_on_file=phone,
    )
    if verdict == Verdict.LIMITED:
        return TicketStatusView(code, "rate_limited", labels.SECOND_FACTOR_LIMITED)
    if verdict == Verdict.FAILED or found is None:
        return TicketStatusView(code, "wrong_second_factor", labels.SECOND_FACTOR_WRONG)
    return found


def _found_view(session: Session, ticket: Ticket) -> TicketStatusView:
    agency_name = ticket.agency.name if ticket.agency else None
    merged_into = ticket.merged_into.code if ticket.merged_into else None
    answer = None
    if ticket.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
        answer = session.scalar(
            select(Reply.body)
            .where(
                Reply.ticket_id == ticket.id, Reply.internal.is_(False), Reply.state == ReplyState.APPROVED
            )
            .order_by(Reply.id.desc())
            .limit(1)
        )
    due_text = format_datetime_vi(ticket.resolution_due_at)
    return TicketStatusView(
        code=ticket.code,
        outcome="found",
        message=labels.status_message(ticket.code, ticket.status, agency_name, due_text, merged_into),
        status=ticket.status.value,
        kind=ticket.kind.value,
        agency_name=agency_name,
        created_at=ticket.created_at.astimezone(LOCAL_TZ),
        due_at=ticket.resolution_due_at.astimezone(LOCAL_TZ) if ticket.resolution_due_at else None,
        answered_at=ticket.answered_at.astimezone(LOCAL_TZ) if ticket.answered_at else None,
        answer=answer,
        merged_into=merged_into,
    )


# ------------------------------------------------------------------------- rate_service, request_handoff


def rate_service(
    score: int, comment: str | None, channel: str, channel_user_id: str, ticket_code: str | None
) -> None:
    """Record the citizen's 1-5 rating, of an answered ticket they filed or of the hotline in general.

    Raises ``InvalidInput`` (score), ``TicketNotFound``, ``NotAllowed`` (not their ticket) or
    ``IllegalTransition`` (not answered yet)."""
    with _database().session() as session:
        tickets.do_rate_as_citizen(
            session,
            score=score,
            comment=comment,
            channel=channel,
            channel_user_id=channel_user_id,
            code=ticket_code,
        )


def request_handoff(
    channel: str, channel_user_id: str, conversation_id: str | None, reason: str | None
) -> None:
    """Mark the conversation for a human agent (Chatwoot-style ``pending`` -> ``open``); idempotent.

    The agents' first-response time counts from the handoff (time with the bot excluded)."""
    with _database().session() as session:
        conversations.handoff(
            session,
            channel=channel,
            channel_user_id=channel_user_id,
            conversation_id=conversation_id,
            reason=reason,
        )
