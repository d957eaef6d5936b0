"""The application layer for tickets: the ONE set of functions that the HTTP handlers, the bot's actions
(through ``ticketing.citizen_desk``) and next the hub call.

Zulip's shape (``zerver/actions``, ``zerver/lib``):
- ``access_*`` fetch a row only if the caller may see it: outside the caller's scope a ticket is reported
  missing (:class:`~ticketing.errors.TicketNotFound`, 404), never forbidden, so codes cannot be probed;
- ``check_*`` validate, lock and decide (the expected ``version`` of a ticket; codes that must name rows);
- ``do_*`` change the data through the state machine (``ticketing.lifecycle``, ``replies``, ``routing``,
  ``intake``), which writes one event per change, and return the ticket (or the new row).

Every function works inside the caller's unit of work (a ``Session``) and never commits: the caller
commits everything or nothing. Scoping rule: an agency officer sees only the tickets currently assigned to
their agency; every other role sees all tickets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ticketing import intake, lifecycle, replies, routing
from ticketing.callers import Principal
from ticketing.directory_admin import check_agency, check_area, check_category, find_area
from ticketing.errors import ConcurrentUpdate, InvalidInput, NotAllowed, TicketNotFound, UnknownCode
from ticketing.lifecycle import Actor, TicketDraft
from ticketing.models import Channel, Rating, Reply, Ticket, TicketEvent, User
from vietnam.places import resolve_place

__all__ = [
    "TicketDraft",
    "access_citizen_ticket",
    "access_ticket",
    "access_ticket_detail",
    "check_reply_of",
    "check_version",
    "do_add_note",
    "do_answer",
    "do_ask_citizen",
    "do_assign",
    "do_close",
    "do_create_ticket",
    "do_file_open311_request",
    "do_merge",
    "do_rate_as_citizen",
    "do_record_citizen_reply",
    "do_record_rating",
    "do_reopen",
    "do_return",
    "do_review_answer",
    "do_start",
    "do_triage",
    "scoped",
]

# ---------------------------------------------------------------------------------------------- access


def scoped(stmt: Select[Any], caller: Principal) -> Select[Any]:
    """``stmt`` over tickets, limited to those ``caller`` may see."""
    if caller.is_agency_officer:
        return stmt.where(Ticket.agency_id == caller.agency_id)
    return stmt


def access_ticket(session: Session, caller: Principal, code: str) -> Ticket:
    """The ticket ``code`` if ``caller`` may see it (TicketNotFound otherwise)."""
    ticket = session.scalar(scoped(select(Ticket).where(Ticket.code == code), caller))
    if ticket is None:
        raise TicketNotFound(code)
    return ticket


def access_ticket_detail(session: Session, caller: Principal, code: str) -> Ticket:
    """The ticket with everything its detail view shows (history, replies, names), loaded in a few queries."""
    stmt = scoped(
        select(Ticket)
        .where(Ticket.code == code)
        .options(
            joinedload(Ticket.category),
            joinedload(Ticket.area),
            joinedload(Ticket.agency),
            joinedload(Ticket.citizen),
            joinedload(Ticket.merged_into),
            selectinload(Ticket.events).joinedload(TicketEvent.actor_user),
            selectinload(Ticket.replies).joinedload(Reply.author),
            selectinload(Ticket.replies).joinedload(Reply.reviewed_by),
        ),
        caller,
    )
    ticket = session.scalar(stmt)
    if ticket is None:
        raise TicketNotFound(code)
    return ticket


def access_citizen_ticket(session: Session, code: str) -> Ticket | None:
    """The ticket ``code`` for the citizen side, which checks ownership itself (``replies.owns`` or the
    second factor, ``ticketing.citizen_desk``). None when there is no such ticket."""
    return lifecycle.get_ticket_by_code(session, code)


# ---------------------------------------------------------------------------------------------- checks


def check_version(ticket: Ticket, version: int | None) -> None:
    """Optimistic concurrency for clients: the version they read must still be the ticket's (409)."""
    if version is not None and ticket.version != version:
        raise ConcurrentUpdate(
            f"Ticket {ticket.code} was changed by someone else (version {ticket.version}, "
            f"you sent {version}); reload it."
        )


def _ticket(session: Session, caller: Principal, code: str, version: int | None) -> Ticket:
    ticket = access_ticket(session, caller, code)
    check_version(ticket, version)
    return ticket


def _user(session: Session, caller: Principal) -> User:
    user = session.get(User, caller.user_id)
    if user is None:  # the account was deleted since the caller authenticated
        raise NotAllowed("unknown user")
    return user


def check_reply_of(session: Session, ticket: Ticket, reply_id: int) -> Reply:
    """The answer ``reply_id`` of ``ticket`` (UnknownCode when it is not one of its answers)."""
    reply = session.get(Reply, reply_id)
    if reply is None or reply.ticket_id != ticket.id:
        raise UnknownCode(f"reply {reply_id} is not an answer of ticket {ticket.code}")
    return reply


# ---------------------------------------------------------------------------------------------- intake


def do_create_ticket(
    session: Session, actor: Actor, draft: TicketDraft, *, auto_route: bool = True
) -> Ticket:
    """File a ticket. With ``auto_route`` (default) it is classified, triaged and routed when the classifier
    is confident (``ticketing.intake``), else it waits in the triage queue; without, it stays ``new``."""
    if auto_route:
        return intake.intake(session, draft, actor=actor)
    return lifecycle.create_ticket(session, draft, actor=actor)


def do_file_open311_request(
    session: Session, caller: Principal, draft: TicketDraft, *, category: str, area: str | None = None
) -> tuple[Ticket, routing.Route | None]:
    """A petition whose category the client chose (Open311 ``service_code``): triaged at once and routed by
    the routing rules. ``area`` is an area code; without one, the commune/ward is read from the address
    (``draft.location_text``), which defaults to the area's name."""
    category_row = check_category(session, category)
    area_row = check_area(session, area) if area else None
    if area_row is None and draft.location_text:
        place = resolve_place(draft.location_text)
        area_row = find_area(session, place.code) if place is not None else None
    if draft.location_text is None and area_row is not None:
        draft = replace(draft, location_text=area_row.name)
    ticket = lifecycle.create_ticket(session, draft, actor=caller.actor)
    lifecycle.triage(
        session,
        ticket,
        caller.actor,
        category_id=category_row.id,
        area_id=area_row.id if area_row else None,
    )
    return ticket, routing.route_ticket(session, ticket, intake.ROUTING_ACTOR)


# ----------------------------------------------------------------------------------- staff transitions


def do_triage(
    session: Session,
    caller: Principal,
    code: str,
    *,
    category: str,
    area: str | None = None,
    priority: str | None = None,
    version: int | None = None,
) -> Ticket:
    ticket = _ticket(session, caller, code, version)
    category_id = check_category(session, category).id
    area_id = check_area(session, area).id if area else None
    return lifecycle.triage(
        session, ticket, caller.actor, category_id=category_id, area_id=area_id, priority=priority
    )


def do_assign(
    session: Session,
    caller: Principal,
    code: str,
    *,
    agency: str | None = None,
    reason: str | None = None,
    version: int | None = None,
) -> Ticket:
    """To the named agency (moving it from another one needs a ``reason``), or, with no ``agency``, to the
    one the routing rules give."""
    ticket = _ticket(session, caller, code, version)
    if not agency:
        if routing.route_ticket(session, ticket, caller.actor) is None:
            raise InvalidInput("no routing rule fits this ticket; name the agency")
        return ticket
    agency_id = check_agency(session, agency).id
    if reason:
        return lifecycle.reassign(session, ticket, caller.actor, agency_id=agency_id, reason=reason)
    return lifecycle.assign(session, ticket, caller.actor, agency_id=agency_id)


def do_start(session: Session, caller: Principal, code: str, *, version: int | None = None) -> Ticket:
    return lifecycle.accept(session, _ticket(session, caller, code, version), caller.actor)


def do_ask_citizen(
    session: Session, caller: Principal, code: str, *, question: str | None = None, version: int | None = None
) -> Ticket:
    ticket = _ticket(session, caller, code, version)
    return lifecycle.ask_citizen(session, ticket, caller.actor, question=question)


def do_record_citizen_reply(
    session: Session, caller: Principal, code: str, *, message: str | None = None, version: int | None = None
) -> Ticket:
    ticket = _ticket(session, caller, code, version)
    return lifecycle.citizen_replied(session, ticket, caller.actor, message=message)


def do_close(
    session: Session, caller: Principal, code: str, *, reason: str | None = None, version: int | None = None
) -> Ticket:
    return lifecycle.close(session, _ticket(session, caller, code, version), caller.actor, reason=reason)


def do_reopen(
    session: Session, caller: Principal, code: str, *, reason: str, version: int | None = None
) -> Ticket:
    return lifecycle.reopen(session, _ticket(session, caller, code, version), caller.actor, reason=reason)


def do_return(
    session: Session, caller: Principal, code: str, *, reason: str, version: int | None = None
) -> Ticket:
    """The agency says the ticket is not its responsibility: back to the triage queue to be re-routed (the
    agency no longer sees it)."""
    ticket = _ticket(session, caller, code, version)
    return lifecycle.return_ticket(session, ticket, caller.actor, reason=reason)


def do_merge(
    session: Session, caller: Principal, code: str, *, into: str, version: int | None = None
) -> Ticket:
    """Close ``code`` as a duplicate of ``into``; returns the duplicate."""
    duplicate = _ticket(session, caller, code, version)
    target = access_ticket(session, caller, into)
    return lifecycle.merge(session, duplicate, target, caller.actor)


def do_answer(
    session: Session, caller: Principal, code: str, *, body: str, version: int | None = None
) -> Ticket:
    """Answer the citizen: sent at once, or held for a supervisor where the category says so."""
    ticket = _ticket(session, caller, code, version)
    replies.answer(session, ticket, _user(session, caller), body)
    return ticket


def do_review_answer(
    session: Session, caller: Principal, code: str, *, reply_id: int, approve: bool, note: str | None = None
) -> Ticket:
    """A supervisor approves a held answer (it goes to the citizen) or sends it back with a note."""
    ticket = access_ticket(session, caller, code)
    reply = check_reply_of(session, ticket, reply_id)
    if approve:
        replies.approve(session, reply, _user(session, caller))
    else:
        replies.reject(session, reply, _user(session, caller), note=note or "")
    return ticket


def do_add_note(session: Session, caller: Principal, code: str, *, body: str) -> Ticket:
    """An internal note between staff, never sent to the citizen."""
    ticket = access_ticket(session, caller, code)
    replies.add_note(session, ticket, _user(session, caller), body)
    return ticket


def do_record_rating(
    session: Session, caller: Principal, code: str, *, score: int, comment: str | None = None
) -> Rating:
    """Staff record the rating the citizen gave (e.g. on the phone) for a ticket they filed."""
    ticket = access_ticket(session, caller, code)
    return replies.rate(
        session,
        score=score,
        comment=comment,
        channel=ticket.channel,
        channel_user_id=ticket.channel_user_id,
        ticket=ticket,
    )


# --------------------------------------------------------------------------------------- citizen's side


def do_rate_as_citizen(
    session: Session,
    *,
    score: int,
    comment: str | None,
    channel: Channel | str,
    channel_user_id: str,
    code: str | None,
) -> Rating:
    """The citizen rates an answered ticket they filed (``code``), or the hotline in general (None).
    TicketNotFound, NotAllowed (not theirs), IllegalTransition (not answered yet), InvalidInput (score)."""
    ticket = None
    if code:
        ticket = access_citizen_ticket(session, code)
        if ticket is None:
            raise TicketNotFound(code)
    return replies.rate(
        session, score=score, comment=comment, channel=channel, channel_user_id=channel_user_id, ticket=ticket
    )
