"""Intake: a new ticket is created, triaged and routed in one unit of work.

Used by ``ticketing.tickets.do_create_ticket`` (the bot's actions, the API). Per kind:

- petition (PA-): the triage classifier (``ticketing.triage.classify``) gives category, area and confidence.
  Confident -> triaged and routed by the routing rules (assigned). Not confident, or no rule
  -> stays ``new`` (or ``triaged``) in the agents' triage queue; the classifier's guess is kept only as a
  suggestion in ``details["triage_suggestion"]``, never acted on.
- question (HD-): classified like a petition for the category, but stays with the hotline agents
  (``triaged``): they answer, or assign it to an agency.
- postal (BC-): routed to the provincial post office (the agency of kind ``post``).
- appointment (LH-): routed to the public administration service centre of the commune/ward named in the
  location (``ttphcc_<area>``), else that commune's People's Committee; no area -> triage queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import lifecycle, routing, triage
from ticketing.errors import InvalidInput
from ticketing.lifecycle import Actor, TicketDraft
from ticketing.models import Agency, AgencyKind, Area, Category, Ticket, TicketKind
from vietnam.places import resolve_place

log = logging.getLogger(__name__)

TRIAGE_ACTOR = Actor.system("triage")
ROUTING_ACTOR = Actor.system("routing")


def _area_id(session: Session, code: str | None) -> int | None:
    return session.scalar(select(Area.id).where(Area.code == code)) if code else None


def _place_area(session: Session, *texts: str | None) -> int | None:
    for text in texts:
        if text:
            place = resolve_place(text)
            if place is not None:
                return _area_id(session, place.code)
    return None


def intake(
    session: Session, draft: TicketDraft, *, actor: Actor | None = None, now: datetime | None = None
) -> Ticket:
    """Create the ticket, triage and route it. Everything or nothing (the caller's transaction)."""
    try:
        kind = TicketKind(draft.kind)
    except ValueError as exc:
        raise InvalidInput(f"unknown kind: {draft.kind!r}") from exc
    ticket = lifecycle.create_ticket(session, draft, actor=actor, now=now)
    if kind in (TicketKind.PETITION, TicketKind.QUESTION):
        _triage_and_route(session, ticket, kind, now)
    else:
        _route_by_kind(session, ticket, kind, now)
    return ticket


def _triage_and_route(session: Session, ticket: Ticket, kind: TicketKind, now: datetime | None) -> None:
    found = triage.classify(ticket.description, ticket.location_text)
    if found.needs_human:  # a guess: kept for the agent as a suggestion, never acted on
        ticket.details = {
            **(ticket.details or {}),
            "triage_suggestion": {
                "category": found.category,
                "area": found.area_code,
                "confidence": round(found.confidence, 4),
            },
        }
        session.flush()
        return
    # The row stays referenced (identity map) so the triage step does not read it again.
    category = session.scalar(select(Category).where(Category.code == found.category))
    if category is None:
        log.warning("classifier returned a category missing from the directory: %r", found.category)
        return
    area_id = _area_id(session, found.area_code) or _place_area(session, ticket.location_text)
    lifecycle.triage(
        session,
        ticket,
        TRIAGE_ACTOR,
        category_id=category.id,
        area_id=area_id,
        confidence=found.confidence,
        now=now,
    )
    if kind == TicketKind.PETITION:
        routing.route_ticket(session, ticket, ROUTING_ACTOR, now=now)


def _route_by_kind(session: Session, ticket: Ticket, kind: TicketKind, now: datetime | None) -> None:
    area_id = _place_area(session, ticket.location_text, ticket.description)
    agency: Agency | None = None
    if kind == TicketKind.POSTAL:
        agency = session.scalar(
            select(Agency)
            .where(Agency.kind == AgencyKind.POST, Agency.active.is_(True))
            .order_by(Agency.id)
            .limit(1)
        )
    elif area_id is not None:  # appointment
        agency = session.scalar(
            select(Agency)
            .where(
                Agency.area_id == area_id,
                Agency.kind.in_([AgencyKind.SERVICE_CENTRE, AgencyKind.COMMUNE_COMMITTEE]),
                Agency.active.is_(True),
            )
            .order_by((Agency.kind == AgencyKind.SERVICE_CENTRE).desc(), Agency.id)
            .limit(1)
        )
    if agency is None:
        return
    lifecycle.triage(session, ticket, TRIAGE_ACTOR, category_id=None, area_id=area_id, now=now)
    lifecycle.assign(session, ticket, ROUTING_ACTOR, agency_id=agency.id, now=now)


@dataclass(frozen=True)
class TriagePreview:
    classification: triage.TriageResult
    route: routing.Route | None


def preview_triage(session: Session, text: str, location_text: str | None) -> TriagePreview:
    """What intake would make of a petition: the classifier's category and area (``ticketing.triage``) and
    the agency the routing rules give for them (``ticketing.routing``). Nothing is written."""
    result = triage.classify(text, location_text)
    return TriagePreview(result, routing.resolve_by_codes(session, result.category, result.area_code))
