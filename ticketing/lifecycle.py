"""The ticket state machine: the ONE place where a ticket's status changes.

    new ─triage─> triaged ─assign─> assigned ─accept─> in_progress ─answer─> answered ─close─> closed
    assigned/in_progress ─return (reason)─> triaged ─assign─> assigned   (re-route, same ticket)
    assigned/in_progress ─reassign─> assigned (another agency)
    answered/closed ─reopen (citizen, within N days of the answer)─> in_progress
    triaged/assigned/in_progress ─ask_citizen─> waiting_citizen ─citizen_replied─> (back where it was)
    waiting_citizen ─answer─> answered (the pause ends)
    new/triaged ─answer─> answered (a hotline agent answers a question directly)
    any open ticket ─close with a reason─> closed (withdrawn, invalid, spam)
    any open or answered ticket ─merge─> closed (merged_into set)

Rules
- Every transition writes exactly one ``ticket_events`` row (who, when, type, from -> to, payload) in the
  same transaction as the change. A merge writes the transition on the duplicate plus a
  ``merge_received`` note on the surviving ticket.
- An action not allowed from the current status raises :class:`IllegalTransition` and changes nothing.
- Concurrency: the ticket row is re-read with SELECT ... FOR UPDATE (PostgreSQL) before it is checked, and
  ``tickets.version`` guards the update everywhere (a lost race raises :class:`ConcurrentUpdate`).
- SLA effects (ticketing/sla.py): a return and re-route restarts the first-response clock for the new
  agency while the resolution clock keeps running from intake; waiting on the citizen pauses the
  resolution clock; a reopen starts a fresh resolution clock.
- Functions flush but never commit: the caller's unit of work commits or rolls back as a whole.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ticketing import sla
from ticketing.citizens import find_or_create_citizen
from ticketing.codes import next_ticket_code
from ticketing.errors import (
    ConcurrentUpdate,
    IllegalTransition,
    InvalidInput,
    ReopenWindowClosed,
    TicketNotFound,
)
from ticketing.models import (
    OPEN_STATUSES,
    ActorKind,
    Agency,
    Category,
    Channel,
    Citizen,
    Priority,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    User,
    utcnow,
)
from vietnam.codes import normalize_ticket_code

S = TicketStatus

MAX_DESCRIPTION_CHARS = 5000
MAX_REASON_CHARS = 2000
MAX_DETAILS_CHARS = 20000


def reopen_days() -> int:
    """How many days after the answer a citizen may reopen (``TICKETING_REOPEN_DAYS``, default 7)."""
    return int(os.environ.get("TICKETING_REOPEN_DAYS", "7"))


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who does something. ``label`` must never hold personal data (no names or phones of citizens)."""

    kind: ActorKind
    user_id: int | None = None
    label: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, None, label)

    @classmethod
    def bot(cls) -> Actor:
        return cls(ActorKind.BOT, None, "bot")

    @classmethod
    def citizen(cls) -> Actor:
        return cls(ActorKind.CITIZEN, None, "citizen")

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(ActorKind.USER, user.id, user.username)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _text(value: str | None, field: str, limit: int, *, required: bool = True) -> str | None:
    if value is None or not str(value).strip():
        if required:
            raise InvalidInput(f"{field} is required")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string")
    if len(value) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters")
    return unicodedata.normalize("NFC", value.strip())


_CREATED_HERE = "ticketing_created_ticket_ids"


@event.listens_for(Session, "after_transaction_end")
def _forget_created_tickets(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: its new rows are now visible
        session.info.pop(_CREATED_HERE, None)


def lock_ticket(session: Session, ticket: Ticket | int) -> Ticket:
    """The ticket row, re-read and locked FOR UPDATE (PostgreSQL) so the check and the change are atomic."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.id
    if isinstance(ticket, Ticket) and ticket_id in session.info.get(_CREATED_HERE, ()) and ticket in session:
        return ticket  # created in this transaction: no one else can see it yet
    locked = session.scalar(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise TicketNotFound(ticket_id)
    return locked


def get_ticket_by_code(session: Session, code: str) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.code == normalize_ticket_code(code)))


def _record(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    type_: str,
    from_status: TicketStatus | None,
    to_status: TicketStatus | None,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        type=type_,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        from_status=from_status,
        to_status=to_status,
        payload=payload or {},
    )
    session.add(event)
    return event


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentUpdate("the ticket was changed by someone else") from exc


def _transition(
    session: Session,
    ticket: Ticket | int,
    action: str,
    allowed: frozenset[TicketStatus] | set[TicketStatus],
) -> tuple[Ticket, TicketStatus]:
    locked = lock_ticket(session, ticket)
    if locked.status not in allowed:
        raise IllegalTransition(action, locked.status, locked.code)
    return locked, locked.status


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketDraft:
    """What a new ticket is made of: the ONE shape of a ticket to file, whoever files it (the bot, the API,
    Open311, next the hub). :func:`create_ticket` checks every field."""

    kind: TicketKind | str
    description: str
    channel: Channel | str
    channel_user_id: str | None = None
    conversation_id: str | None = None
    location_text: str | None = None
    details: dict[str, Any] | None = None
    phone: str | None = None
    name: str | None = None
    priority: Priority | str = Priority.NORMAL


def create_ticket(
    session: Session,
    draft: TicketDraft,
    *,
    citizen: Citizen | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Intake: a new ticket in status ``new`` with its code, citizen and started SLA clocks."""
    now = _now(now)
    try:
        kind = TicketKind(draft.kind)
        channel = Channel(draft.channel)
        priority = Priority(draft.priority)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    description = _text(draft.description, "description", MAX_DESCRIPTION_CHARS)
    location_text = _text(draft.location_text, "location_text", 500, required=False)
    details, channel_user_id, phone, name = draft.details, draft.channel_user_id, draft.phone, draft.name
    if details is not None:
        if not isinstance(details, dict):
            raise InvalidInput("details must be an object")
        try:
            encoded = json.dumps(details, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise InvalidInput("details must be plain JSON") from exc
        if len(encoded) > MAX_DETAILS_CHARS:
            raise InvalidInput(f"details are longer than {MAX_DETAILS_CHARS} characters")
    if citizen is None and (channel_user_id or phone or name):
        citizen = find_or_create_citizen(
            session, channel=channel, channel_user_id=channel_user_id, phone=phone, name=name, now=now
        )
    ticket = Ticket(
        code=next_ticket_code(session, kind, now),
        kind=kind,
        status=S.NEW,
        priority=priority,
        channel=channel,
        channel_user_id=channel_user_id,
        conversation_id=draft.conversation_id,
        description=description,
        location_text=location_text,
        details=details or {},
        citizen_id=citizen.id if citizen else None,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    sla.start_clocks(session, ticket, now)
    session.flush()
    session.info.setdefault(_CREATED_HERE, set()).add(ticket.id)
    _record(
        session,
        ticket,
        actor or Actor.bot(),
        "created",
        None,
        S.NEW,
        now,
        {"kind": kind.value, "channel": channel.value},
    )
    _flush(session)
    return ticket


# ---------------------------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------------------------


def triage(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    category_id: int | None,
    area_id: int | None = None,
    priority: Priority | str | None = None,
    confidence: float | None = None,
    now: datetime | None = None,
) -> Ticket:
    """new -> triaged: the category (and area) are known. Re-triage of a triaged ticket is allowed.

    Petitions need a category; postal and appointment requests may be triaged without one."""
    now = _now(now)
    t, before = _transition(session, ticket, "triage", {S.NEW, S.TRIAGED})
    if category_id is None:
        if t.kind == TicketKind.PETITION:
            raise InvalidInput("a petition needs a category")
    elif session.get(Category, category_id) is None:
        raise InvalidInput("unknown category")
    t.category_id = category_id
    t.area_id = area_id if area_id is not None else t.area_id
    if priority is not None:
        try:
            t.priority = Priority(priority)
        except ValueError as exc:
            raise InvalidInput(f"unknown priority: {priority!r}") from exc
    t.triage_confidence = confidence
    t.triaged_at = now
    t.status = S.TRIAGED
    sla.recompute_due(session, t)
    payload: dict[str, Any] = {"category_id": category_id, "area_id": t.area_id}
    if confidence is not None:
        payload["confidence"] = round(confidence, 4)
    _record(session, t, actor, "triaged", before, S.TRIAGED, now, payload)
    _flush(session)
    return t


def assign(
    session: Session, ticket: Ticket | int, actor: Actor, *, agency_id: int, now: datetime | None = None
) -> Ticket:
    """triaged -> assigned. After a return this is the re-route (first-response clock restarts)."""
    now = _now(now)
    t, before = _transition(session, ticket, "assign", {S.TRIAGED})
    if session.get(Agency, agency_id) is None:
        raise InvalidInput("unknown agency")
    rerouted = t.return_count > 0
    t.agency_id = agency_id
    t.assigned_at = now
    t.status = S.ASSIGNED
    if rerouted:
        sla.restart_first_response(session, t, now)
    _record(
        session,
        t,
        actor,
        "rerouted" if rerouted else "assigned",
        before,
        S.ASSIGNED,
        now,
        {"agency_id": agency_id},
    )
    _flush(session)
    return t


def reassign(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    agency_id: int,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """assigned/in_progress -> assigned to another agency (by an agent or supervisor)."""
    now = _now(now)
    reason = _text(reason, "reason", MAX_REASON_CHARS)
    t, before = _transition(session, ticket, "reassign", {S.ASSIGNED, S.IN_PROGRESS})
    if session.get(Agency, agency_id) is None:
        raise InvalidInput("unknown agency")
    previous = t.agency_id
    t.agency_id = agency_id
    t.assigned_at = now
    t.accepted_at = None
    t.status = S.ASSIGNED
    sla.restart_first_response(session, t, now)
    _record(
        session,
        t,
        actor,
        "reassigned",
        before,
        S.ASSIGNED,
        now,
        {"from_agency_id": previous, "agency_id": agency_id, "reason": reason},
    )
    _flush(session)
    return t


def accept(session: Session, ticket: Ticket | int, actor: Actor, *, now: datetime | None = None) -> Ticket:
    """assigned -> in_progress: the agency takes the ticket (this is its first response)."""
    now = _now(now)
    t, before = _transition(session, ticket, "accept", {S.ASSIGNED})
    t.status = S.IN_PROGRESS
    t.accepted_at = now
    if t.first_response_at is None:
        t.first_response_at = now
    _record(session, t, actor, "accepted", before, S.IN_PROGRESS, now, {"agency_id": t.agency_id})
    _flush(session)
    return t


def return_ticket(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """assigned/in_progress -> triaged: the agency says it is not responsible (reason required).

    The ticket leaves the agency (it no longer sees it) and waits in the triage queue to be re-routed
    with :func:`assign`; the resolution clock keeps running.
    """
    now = _now(now)
    reason = _text(reason, "reason", MAX_REASON_CHARS)
    t, before = _transition(session, ticket, "return", {S.ASSIGNED, S.IN_PROGRESS})
    previous = t.agency_id
    t.agency_id = None
    t.accepted_at = None
    t.return_count = (t.return_count or 0) + 1
    t.status = S.TRIAGED
    _record(session, t, actor, "returned", before, S.TRIAGED, now, {"agency_id": previous, "reason": reason})
    _flush(session)
    return t


def agencies_that_returned(session: Session, ticket: Ticket) -> set[int]:
    if not ticket.return_count:
        return set()
    rows = session.scalars(
        select(TicketEvent.payload).where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "returned")
    )
    return {p["agency_id"] for p in rows if p and p.get("agency_id") is not None}


def ask_citizen(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    question: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """triaged/assigned/in_progress -> waiting_citizen: the resolution clock pauses."""
    now = _now(now)
    t, before = _transition(session, ticket, "ask the citizen about", {S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS})
    t.status = S.WAITING_CITIZEN
    if t.agency_id is not None and t.first_response_at is None:
        t.first_response_at = now
    sla.pause(t, now)
    payload = {"resume_to": before.value, **({"question": question} if question else {})}
    _record(session, t, actor, "waiting_citizen", before, S.WAITING_CITIZEN, now, payload)
    _flush(session)
    return t


def citizen_replied(
    session: Session,
    ticket: Ticket | int,
    actor: Actor | None = None,
    *,
    message: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """waiting_citizen -> the status it was in before; the resolution clock resumes. ``message``: what the
    citizen sent (kept in the event, which the ticket's history shows its staff)."""
    now = _now(now)
    t, before = _transition(session, ticket, "resume", {S.WAITING_CITIZEN})
    last_wait = session.scalar(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == t.id, TicketEvent.type == "waiting_citizen")
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )
    target = S((last_wait.payload or {}).get("resume_to", "in_progress")) if last_wait else S.IN_PROGRESS
    if target == S.IN_PROGRESS and t.agency_id is None:
        target = S.TRIAGED
    paused = sla.resume(session, t, now)
    t.status = target
    _record(
        session,
        t,
        actor or Actor.citizen(),
        "citizen_replied",
        before,
        target,
        now,
        {"paused_working_seconds": paused, **({"message": message} if message else {})},
    )
    _flush(session)
    return t


def mark_answered(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    reply_id: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """-> answered (called by ticketing.replies when an answer is released to the citizen)."""
    now = _now(now)
    t, before = _transition(
        session, ticket, "answer", {S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_CITIZEN}
    )
    if before == S.WAITING_CITIZEN:  # answered without the citizen's reply: the pause ends here
        sla.resume(session, t, now)
    t.status = S.ANSWERED
    t.answered_at = now
    if t.first_response_at is None:
        t.first_response_at = now
    _record(session, t, actor, "answered", before, S.ANSWERED, now, {"reply_id": reply_id})
    _flush(session)
    return t


def close(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """answered -> closed; an open ticket can also be closed with a reason (withdrawn, invalid, spam)."""
    now = _now(now)
    reason = _text(reason, "reason", MAX_REASON_CHARS, required=False)
    locked = lock_ticket(session, ticket)
    if locked.status != S.ANSWERED and not (locked.status in OPEN_STATUSES and reason):
        detail = (
            "a reason is required to close an unanswered ticket" if locked.status in OPEN_STATUSES else ""
        )
        raise IllegalTransition("close", locked.status, locked.code, detail)
    before = locked.status
    locked.status = S.CLOSED
    locked.closed_at = now
    locked.sla_paused_at = None
    _record(session, locked, actor, "closed", before, S.CLOSED, now, {"reason": reason} if reason else {})
    _flush(session)
    return locked


def reopen(
    session: Session,
    ticket: Ticket | int,
    actor: Actor,
    *,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """answered/closed -> in_progress (triaged when no agency), within ``reopen_days()`` of the answer."""
    now = _now(now)
    reason = _text(reason, "reason", MAX_REASON_CHARS)
    t, before = _transition(session, ticket, "reopen", {S.ANSWERED, S.CLOSED})
    if t.merged_into_id is not None:
        raise IllegalTransition("reopen", t.status, t.code, "the ticket was merged into another ticket")
    if t.answered_at is None:
        raise IllegalTransition("reopen", t.status, t.code, "the ticket was closed without an answer")
    if now - t.answered_at > timedelta(days=reopen_days()):
        raise ReopenWindowClosed(
            "reopen", t.status, t.code, f"more than {reopen_days()} days after the answer"
        )
    target = S.IN_PROGRESS if t.agency_id is not None else S.TRIAGED
    t.status = target
    t.reopened_at = now
    t.reopen_count = (t.reopen_count or 0) + 1
    t.closed_at = None
    t.answered_at = None
    sla.restart_resolution(session, t, now)
    _record(session, t, actor, "reopened", before, target, now, {"reason": reason})
    _flush(session)
    return t


def merge(
    session: Session,
    duplicate: Ticket | int,
    into: Ticket | int,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> Ticket:
    """Close ``duplicate`` as merged into ``into``; both tickets get an event. Returns the duplicate."""
    now = _now(now)
    dup_id = duplicate if isinstance(duplicate, int) else duplicate.id
    into_id = into if isinstance(into, int) else into.id
    if dup_id == into_id:
        raise InvalidInput("a ticket cannot be merged into itself")
    # Lock both rows in id order so two opposite merges cannot deadlock.
    first, second = sorted((dup_id, into_id))
    rows = {first: lock_ticket(session, first), second: lock_ticket(session, second)}
    dup, target = rows[dup_id], rows[into_id]
    if dup.status == S.CLOSED:
        raise IllegalTransition("merge", dup.status, dup.code)
    if target.merged_into_id is not None:
        raise IllegalTransition("merge into", target.status, target.code, "the target was itself merged")
    before = dup.status
    dup.status = S.CLOSED
    dup.closed_at = now
    dup.sla_paused_at = None
    dup.merged_into_id = target.id
    _record(session, dup, actor, "merged", before, S.CLOSED, now, {"into": target.code})
    _record(
        session, target, actor, "merge_received", target.status, target.status, now, {"duplicate": dup.code}
    )
    target.updated_at = now  # bumps the target's version too: a concurrent change of it is detected
    _flush(session)
    return dup


def auto_close_answered(session: Session, now: datetime | None = None) -> list[str]:
    """Close answered tickets whose reopen window has passed. Returns their codes. Idempotent."""
    now = _now(now)
    limit = now - timedelta(days=reopen_days())
    ids = session.scalars(
        select(Ticket.id).where(Ticket.status == S.ANSWERED, Ticket.answered_at < limit).order_by(Ticket.id)
    ).all()
    closed = []
    for ticket_id in ids:
        t = close(session, ticket_id, Actor.system("auto_close"), now=now)
        closed.append(t.code)
    return closed


def events_of(session: Session, ticket: Ticket) -> list[TicketEvent]:
    return list(
        session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    )
