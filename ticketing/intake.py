"""Intake: a new ticket is created, triaged and routed in one unit of work.

Used by ``ticketing.tickets.do_create_ticket`` (the bot's actions, the API). Per kind:

- petition (PA-): the triage classifier (``ticketing.triage.classify``) gives category, area and confidence.
  Confident -> triaged and routed by the routing rules (assigned). Not confident, no classifier, or no rule
  -> stays ``new`` (or ``triaged``) in the agents' triage queue; the classifier's guess is kept only as a
  suggestion in ``details["triage_suggestion"]``, never acted on.
- question (HD-): classified like a petition for the category, but stays with the hotline agents
  (``triaged``): they answer, or assign it to an agency.
- postal (BC-): routed to the provincial post office (the agency of kind ``post``).
- appointment (LH-): routed to the public administration service centre of the commune/ward named in the
  location (``ttphcc_<area>``), else that commune's People's Committee; no area -> triage queue.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import lifecycle, routing, triage
from ticketing.errors import InvalidInput
from ticketing.lifecycle import Actor, TicketDraft
from ticketing.models import (
    Agency,
    AgencyKind,
    Area,
    Category,
    Ticket,
    TicketKind,
    TicketStatus,
)

log = logging.getLogger(__name__)

TRIAGE_ACTOR = Actor.system("triage")
ROUTING_ACTOR = Actor.system("routing")


def min_confidence() -> float:
    """Below this a petition goes to the triage queue (``TICKETING_TRIAGE_MIN_CONFIDENCE``)."""
    return float(os.environ.get("TICKETING_TRIAGE_MIN_CONFIDENCE", "0.5"))


@dataclass(frozen=True)
class Classification:
    category: str | None
    area: str | None
    confidence: float
    confident: bool


def _code(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        return value.get("code")
    return getattr(value, "code", None)


def _field(result: Any, name: str) -> Any:
    return result.get(name) if isinstance(result, dict) else getattr(result, name, None)


def classify(text: str, location_text: str | None) -> Classification | None:
    """Run helper `directory`'s classifier if it is installed; None when there is none."""
    try:
        module = importlib.import_module("ticketing.triage")
    except ImportError:
        return None
    result = module.classify(text, location_text)
    if result is None:
        return None
    confidence = float(_field(result, "confidence") or 0.0)
    category = _code(_field(result, "category"))
    confident_flag = None
    for name in ("confident", "is_confident"):
        value = _field(result, name)
        if isinstance(value, bool):
            confident_flag = value
    for name in ("needs_human", "needs_review"):
        value = _field(result, name)
        if isinstance(value, bool):
            confident_flag = not value
    if confident_flag is None:
        confident_flag = confidence >= min_confidence()
    return Classification(
        category=category,
        area=_field(result, "area_code") or _code(_field(result, "area")),
        confidence=confidence,
        confident=bool(confident_flag and category),
    )


def _area_id(session: Session, code: str | None) -> int | None:
    return session.scalar(select(Area.id).where(Area.code == code)) if code else None


def _place_area(session: Session, *texts: str | None) -> int | None:
    try:
        from vietnam.places import resolve_place
    except ImportError:  # pragma: no cover - bot/places.py ships with the repo
        return None
    for text in texts:
        if text:
            place = resolve_place(text)
            if place is not None:
                return _area_id(session, place.code)
    return None


@dataclass(frozen=True)
class IntakeResult:
    ticket: Ticket
    classification: Classification | None
    route: routing.Route | None


def intake(
    session: Session, draft: TicketDraft, *, actor: Actor | None = None, now: datetime | None = None
) -> IntakeResult:
    """Create the ticket, triage and route it. Everything or nothing (the caller's transaction)."""
    try:
        kind = TicketKind(draft.kind)
    except ValueError as exc:
        raise InvalidInput(f"unknown kind: {draft.kind!r}") from exc
    ticket = lifecycle.create_ticket(session, draft, actor=actor, now=now)
    classification: Classification | None = None
    route: routing.Route | None = None
    if kind in (TicketKind.PETITION, TicketKind.QUESTION):
        classification = classify(ticket.description, ticket.location_text)
        if classification is None or not classification.confident:
            if classification is not None:
                ticket.details = {
                    **(ticket.details or {}),
                    "triage_suggestion": {
                        "category": classification.category,
                        "area": classification.area,
                        "confidence": round(classification.confidence, 4),
                    },
                }
            session.flush()
            return IntakeResult(ticket, classification, None)
        # The row stays referenced (identity map) so the triage step does not read it again.
        category = session.scalar(select(Category).where(Category.code == classification.category))
        category_id = category.id if category is not None else None
        if category_id is None:
            log.warning("classifier returned an unknown category code %r", classification.category)
            return IntakeResult(ticket, classification, None)
        area_id = _area_id(session, classification.area) or _place_area(session, ticket.location_text)
        lifecycle.triage(
            session,
            ticket,
            TRIAGE_ACTOR,
            category_id=category_id,
            area_id=area_id,
            confidence=classification.confidence,
            now=now,
        )
        if kind == TicketKind.PETITION:
            route = routing.route_ticket(session, ticket, ROUTING_ACTOR, now=now)
        return IntakeResult(ticket, classification, route)

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
        return IntakeResult(ticket, None, None)
    lifecycle.triage(session, ticket, TRIAGE_ACTOR, category_id=None, area_id=area_id, now=now)
    lifecycle.assign(session, ticket, ROUTING_ACTOR, agency_id=agency.id, now=now)
    route = routing.Route(agency.id, agency.code, agency.name, "kind_default")
    return IntakeResult(ticket, None, route)


@dataclass(frozen=True)
class TriagePreview:
    classification: triage.TriageResult
    route: routing.Route | None


def preview_triage(session: Session, text: str, location_text: str | None) -> TriagePreview:
    """What intake would make of a petition: the classifier's category and area (``ticketing.triage``) and
    the agency the routing rules give for them (``ticketing.routing``). Nothing is written."""
    result = triage.classify(text, location_text)
    return TriagePreview(result, routing.resolve_by_codes(session, result.category, result.area_code))


def in_triage_queue(ticket: Ticket) -> bool:
    return ticket.status in (TicketStatus.NEW, TicketStatus.TRIAGED) and ticket.agency_id is None
