"""Load the directory (``ticketing.directory`` dataclasses) and SLA policies into the database. Idempotent.

By default only missing rows are inserted, so admins' edits in the database (a changed routing rule, an
agency's phone) survive a re-seed; ``update_existing=True`` also rewrites rows from the data files.

    .venv/bin/python -m ticketing.cli seed [--update]   # DATABASE_URL, default sqlite:///var/helpdesk.sqlite3
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ticketing import directory
from ticketing.models import Agency, AgencyKind, Area, AreaKind, Category, RoutingRule
from ticketing.sla import seed_sla_policies

log = logging.getLogger(__name__)

PROVINCE_AREA_CODE = "dong_thap"
PROVINCE_AREA_NAME = "Tỉnh Đồng Tháp"
_AGENCY_KIND_ALIASES = {"people_committee": AgencyKind.COMMUNE_COMMITTEE}


@dataclass
class SeedReport:
    areas: int = 0
    agencies: int = 0
    categories: int = 0
    routing_rules: int = 0
    sla_policies: int = 0

    def total(self) -> int:
        return self.areas + self.agencies + self.categories + self.routing_rules + self.sla_policies


def _agency_kind(value: str) -> AgencyKind:
    if value in _AGENCY_KIND_ALIASES:
        return _AGENCY_KIND_ALIASES[value]
    try:
        return AgencyKind(value)
    except ValueError:
        return AgencyKind.OTHER


def _set(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def seed_areas(session: Session, areas: Iterable[directory.Area], *, update_existing: bool = False) -> int:
    written = 0
    existing = {a.code: a for a in session.scalars(select(Area))}
    province = existing.get(PROVINCE_AREA_CODE)
    if province is None:
        province = Area(
            code=PROVINCE_AREA_CODE, name=PROVINCE_AREA_NAME, kind=AreaKind.PROVINCE, aliases=["Dong Thap"]
        )
        session.add(province)
        session.flush()
        written += 1
    for item in areas:
        values = {
            "name": item.name,
            "kind": AreaKind(item.kind),
            "parent_id": province.id,
            "aliases": list(item.aliases),
            "former_province": item.former_province,
            "former_districts": list(item.former_districts),
        }
        row = existing.get(item.code)
        if row is None:
            session.add(Area(code=item.code, **values))
            written += 1
        elif update_existing and _set(row, values):
            written += 1
    session.flush()
    return written


def seed_agencies(
    session: Session, agencies: Iterable[directory.Agency], *, update_existing: bool = False
) -> int:
    written = 0
    items = list(agencies)
    areas = dict(session.execute(select(Area.code, Area.id)).all())
    existing = {a.code: a for a in session.scalars(select(Agency))}
    for item in items:
        values = {
            "name": item.name,
            "short_name": item.short_name or None,
            "kind": _agency_kind(item.kind),
            "level": item.level or "province",
            "area_id": areas.get(item.area_code) if item.area_code else None,
            "service_area": item.service_area,
            "handles": item.handles or None,
            "source": item.source or None,
            "verified": item.verified,
            "note": item.note or None,
        }
        row = existing.get(item.code)
        if row is None:
            row = Agency(code=item.code, **values)
            session.add(row)
            existing[item.code] = row
            written += 1
        elif update_existing and _set(row, values):
            written += 1
    session.flush()
    for item in items:  # parents once every agency has an id
        parent = item.parent
        if parent and parent in existing:
            row = existing[item.code]
            if row.parent_id is None or update_existing:
                row.parent_id = existing[parent].id
    session.flush()
    return written


def seed_categories(
    session: Session, categories: Iterable[directory.Category], *, update_existing: bool = False
) -> int:
    written = 0
    existing = {c.code: c for c in session.scalars(select(Category))}
    for item in categories:
        values = {"name": item.name, "description": item.description}
        row = existing.get(item.code)
        if row is None:
            session.add(Category(code=item.code, **values))
            written += 1
        elif update_existing and _set(row, values):
            written += 1
    session.flush()
    return written


def seed_routing_rules(
    session: Session, rules: Iterable[directory.RoutingRule], *, update_existing: bool = False
) -> int:
    categories = dict(session.execute(select(Category.code, Category.id)).all())
    areas = dict(session.execute(select(Area.code, Area.id)).all())
    agencies = dict(session.execute(select(Agency.code, Agency.id)).all())
    existing = {(r.category_id, r.area_id): r for r in session.scalars(select(RoutingRule))}
    written = 0
    for item in rules:
        category_id = categories.get(item.category)
        agency_id = agencies.get(item.agency_code)
        area_id = areas.get(item.area_code) if item.area_code else None
        if category_id is None or agency_id is None or (item.area_code and area_id is None):
            raise ValueError(f"routing rule names unknown codes: {item}")
        row = existing.get((category_id, area_id))
        if row is None:
            row = RoutingRule(category_id=category_id, area_id=area_id, agency_id=agency_id)
            session.add(row)
            existing[(category_id, area_id)] = row
            written += 1
        elif update_existing and row.agency_id != agency_id:
            row.agency_id = agency_id
            written += 1
    session.flush()
    return written


def seed_all(session: Session, *, update_existing: bool = False) -> SeedReport:
    """The directory from ``ticketing.directory`` and the SLA policies from sla_policies.yml."""
    report = SeedReport()
    report.areas = seed_areas(session, directory.load_areas(), update_existing=update_existing)
    report.agencies = seed_agencies(session, directory.load_agencies(), update_existing=update_existing)
    report.categories = seed_categories(session, directory.load_categories(), update_existing=update_existing)
    report.routing_rules = seed_routing_rules(
        session, directory.load_routing_rules(), update_existing=update_existing
    )
    report.sla_policies = seed_sla_policies(session, update_existing=update_existing)
    return report


def ensure_seeded(session: Session) -> SeedReport | None:
    """Seed an empty database (no categories yet); leave a seeded one alone."""
    if session.scalar(select(func.count()).select_from(Category)):
        return None
    return seed_all(session)
