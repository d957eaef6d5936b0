"""Routing: which agency answers a ticket of category C in area A. Rules are rows (admins edit them).

Resolution order (the first that gives an active agency not excluded wins):
1. the rule for (C, A)                  e.g. moi_truong x phuong_my_tho -> UBND phường Mỹ Tho
2. the province-wide rule for (C, NULL)  e.g. giao_thong -> Sở Xây dựng
3. the area's commune/ward People's Committee (agency of kind commune_committee bound to A)
4. the province default: the province-wide rule of category ``khac``
Nothing found -> None: the ticket stays in the agents' triage queue (no guess).

``exclude`` lists agencies that already returned the ticket as not theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing.errors import UnknownCode
from ticketing.lifecycle import Actor, agencies_that_returned, assign, return_ticket
from ticketing.models import Agency, AgencyKind, Area, Category, RoutingRule, Ticket

DEFAULT_CATEGORY = "khac"


@dataclass(frozen=True)
class Route:
    agency_id: int
    agency_code: str
    agency_name: str
    via: str  # "area_rule" | "province_rule" | "commune_committee" | "province_default"


def _route(agency: Agency, via: str) -> Route:
    return Route(agency.id, agency.code, agency.name, via)


def _usable(agency: Agency | None, exclude: set[int]) -> bool:
    return agency is not None and agency.active and agency.id not in exclude


def _rule_agency(session: Session, category_id: int, area_id: int | None) -> Agency | None:
    cond = RoutingRule.area_id.is_(None) if area_id is None else RoutingRule.area_id == area_id
    return session.scalar(
        select(Agency)
        .join(RoutingRule, RoutingRule.agency_id == Agency.id)
        .where(RoutingRule.category_id == category_id, cond)
    )


def resolve_agency(
    session: Session,
    *,
    category_id: int | None,
    area_id: int | None,
    exclude: Iterable[int] = (),
) -> Route | None:
    excluded = set(exclude)
    if category_id is not None:
        if area_id is not None:
            agency = _rule_agency(session, category_id, area_id)
            if _usable(agency, excluded):
                return _route(agency, "area_rule")  # type: ignore[arg-type]
        agency = _rule_agency(session, category_id, None)
        if _usable(agency, excluded):
            return _route(agency, "province_rule")  # type: ignore[arg-type]
    if area_id is not None:
        agency = session.scalar(
            select(Agency)
            .where(
                Agency.area_id == area_id,
                Agency.kind == AgencyKind.COMMUNE_COMMITTEE,
                Agency.active.is_(True),
            )
            .order_by(Agency.id)
            .limit(1)
        )
        if _usable(agency, excluded):
            return _route(agency, "commune_committee")  # type: ignore[arg-type]
    default_category = session.scalar(select(Category.id).where(Category.code == DEFAULT_CATEGORY))
    if default_category is not None:
        agency = _rule_agency(session, default_category, None)
        if _usable(agency, excluded):
            return _route(agency, "province_default")  # type: ignore[arg-type]
    return None


def resolve_by_codes(session: Session, category_code: str | None, area_code: str | None) -> Route | None:
    category_id = (
        session.scalar(select(Category.id).where(Category.code == category_code)) if category_code else None
    )
    area_id = session.scalar(select(Area.id).where(Area.code == area_code)) if area_code else None
    return resolve_agency(session, category_id=category_id, area_id=area_id)


def route_ticket(
    session: Session, ticket: Ticket, actor: Actor, *, now: datetime | None = None
) -> Route | None:
    """Assign a triaged ticket to the agency its category and area resolve to, skipping agencies that
    returned it. Returns None (ticket stays in the triage queue) when nothing fits."""
    route = resolve_agency(
        session,
        category_id=ticket.category_id,
        area_id=ticket.area_id,
        exclude=agencies_that_returned(session, ticket),
    )
    if route is not None:
        assign(session, ticket, actor, agency_id=route.agency_id, now=now)
    return route


def return_and_reroute(
    session: Session, ticket: Ticket, actor: Actor, *, reason: str, now: datetime | None = None
) -> Route | None:
    """The agency returns the ticket (not its responsibility) and it is re-routed at once to the next
    agency the rules give, skipping every agency that returned it. Two events: ``returned`` (by the
    agency) and ``rerouted`` (by routing). None: no other agency fits, the ticket waits in the triage
    queue for an agent."""
    return_ticket(session, ticket, actor, reason=reason, now=now)
    return route_ticket(session, ticket, Actor.system("routing"), now=now)


# ---------------------------------------------------------------------------------------------
# Admin edits
# ---------------------------------------------------------------------------------------------


def _id_by_code(session: Session, model: type, code: str) -> int:
    found = session.scalar(select(model.id).where(model.code == code))  # type: ignore[attr-defined]
    if found is None:
        raise UnknownCode(f"unknown {model.__tablename__[:-1]} code: {code}")  # type: ignore[attr-defined]
    return found


def set_routing_rule(
    session: Session, *, category_code: str, area_code: str | None, agency_code: str, note: str | None = None
) -> RoutingRule:
    """Create or change the rule for (category, area); ``area_code`` None is the province-wide default."""
    category_id = _id_by_code(session, Category, category_code)
    area_id = _id_by_code(session, Area, area_code) if area_code else None
    agency_id = _id_by_code(session, Agency, agency_code)
    cond = RoutingRule.area_id.is_(None) if area_id is None else RoutingRule.area_id == area_id
    rule = session.scalar(select(RoutingRule).where(RoutingRule.category_id == category_id, cond))
    if rule is None:
        rule = RoutingRule(category_id=category_id, area_id=area_id, agency_id=agency_id, note=note)
        session.add(rule)
    else:
        rule.agency_id = agency_id
        if note is not None:
            rule.note = note
    session.flush()
    return rule


def delete_routing_rule(session: Session, *, category_code: str, area_code: str | None) -> bool:
    category_id = _id_by_code(session, Category, category_code)
    area_id = _id_by_code(session, Area, area_code) if area_code else None
    cond = RoutingRule.area_id.is_(None) if area_id is None else RoutingRule.area_id == area_id
    rule = session.scalar(select(RoutingRule).where(RoutingRule.category_id == category_id, cond))
    if rule is None:
        return False
    session.delete(rule)
    session.flush()
    return True
