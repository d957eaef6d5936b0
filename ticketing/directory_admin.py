"""The directory in the database, as callers read it and admins change it: agencies, areas, categories and
the routing rules (category x area -> agency). The data files it starts from: ``ticketing.directory``.

``check_*`` look up a code the client sent in a body or query string: an unknown code there is invalid
input (:class:`~ticketing.errors.UnknownCode`, 422). ``access_*`` look up a code named in the URL path: an
unknown one is a missing resource (404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ticketing import routing
from ticketing.errors import AgencyNotFound, CategoryNotFound, RuleNotFound, UnknownCode
from ticketing.models import Agency, Area, Category, RoutingRule, utcnow

# ---------------------------------------------------------------------------------------------- lookups


def check_agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise UnknownCode(f"unknown agency code: {code}")
    return agency


def check_area(session: Session, code: str) -> Area:
    area = find_area(session, code)
    if area is None:
        raise UnknownCode(f"unknown area code: {code}")
    return area


def find_area(session: Session, code: str) -> Area | None:
    return session.scalar(select(Area).where(Area.code == code))


def check_category(session: Session, code: str) -> Category:
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise UnknownCode(f"unknown category code: {code}")
    return category


def access_agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code).options(joinedload(Agency.area)))
    if agency is None:
        raise AgencyNotFound(code)
    return agency


# ------------------------------------------------------------------------------------------------ reads


def list_agencies(session: Session, kind: str | None = None, q: str | None = None) -> list[Agency]:
    stmt = select(Agency).options(joinedload(Agency.area)).order_by(Agency.name)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    if q:
        stmt = stmt.where(or_(Agency.name.ilike(f"%{q}%"), Agency.code.ilike(f"%{q}%")))
    return list(session.scalars(stmt))


def list_areas(session: Session, kind: str | None = None) -> list[Area]:
    stmt = select(Area).order_by(Area.name)
    if kind:
        stmt = stmt.where(Area.kind == kind)
    return list(session.scalars(stmt))


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.code)))


def _rules_query() -> Any:
    return select(RoutingRule).options(
        joinedload(RoutingRule.category), joinedload(RoutingRule.area), joinedload(RoutingRule.agency)
    )


def list_rules(
    session: Session, category: str | None = None, area: str | None = None, agency: str | None = None
) -> list[RoutingRule]:
    stmt = _rules_query().order_by(RoutingRule.category_id, RoutingRule.area_id.is_not(None), RoutingRule.id)
    if category:
        stmt = stmt.where(RoutingRule.category_id == check_category(session, category).id)
    if area:
        stmt = stmt.where(RoutingRule.area_id == check_area(session, area).id)
    if agency:
        stmt = stmt.where(RoutingRule.agency_id == check_agency(session, agency).id)
    return list(session.scalars(stmt))


# ------------------------------------------------------------------------------------------------ edits


def do_update_category(session: Session, code: str, changes: dict[str, Any]) -> Category:
    """Rename a category, switch supervisor approval of its answers on or off, or retire it."""
    category = session.scalar(select(Category).where(Category.code == code).with_for_update())
    if category is None:
        raise CategoryNotFound(code)
    for key in ("name", "description", "requires_approval", "active"):
        if key in changes:
            setattr(category, key, changes[key])
    session.flush()
    return category


def do_put_rule(
    session: Session, *, category: str, agency: str, area: str | None = None, note: str | None = None
) -> RoutingRule:
    """Create or change the rule for (category, area) through ``ticketing.routing`` (one place for
    routing); ``area`` None is the province-wide default."""
    check_category(session, category)  # clear messages for unknown codes
    if area:
        check_area(session, area)
    check_agency(session, agency)
    rule = routing.set_routing_rule(
        session, category_code=category, area_code=area, agency_code=agency, note=note
    )
    rule.updated_at = utcnow()
    session.flush()
    session.expire(rule)
    return session.scalar(_rules_query().where(RoutingRule.id == rule.id))


def do_delete_rule(session: Session, rule_id: int) -> None:
    rule = session.scalar(_rules_query().where(RoutingRule.id == rule_id))
    if rule is None:
        raise RuleNotFound(rule_id)
    routing.delete_routing_rule(
        session, category_code=rule.category.code, area_code=rule.area.code if rule.area else None
    )
