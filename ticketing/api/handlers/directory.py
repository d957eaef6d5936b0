"""Agencies, areas, categories and the routing rules (category x area -> agency)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ticketing.api import admin
from ticketing.api.handlers.common import no_content, ok
from ticketing.api.routes import Call, Route
from ticketing.api.schema import SLUG_PATTERN, Field, Schema
from ticketing.api.views import agency_view, area_view, category_view
from ticketing.models import Agency, Area, AreaKind, Category


def list_agencies(session: Session, kind: str | None, q: str | None) -> list[dict[str, Any]]:
    stmt = select(Agency).options(joinedload(Agency.area)).order_by(Agency.name)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    if q:
        stmt = stmt.where(or_(Agency.name.ilike(f"%{q}%"), Agency.code.ilike(f"%{q}%")))
    return [agency_view(a) for a in session.scalars(stmt)]


def get_agency(session: Session, code: str) -> dict[str, Any]:
    return agency_view(admin.agency_by_code(session, code, as_resource=True))


def list_areas(session: Session, kind: str | None) -> list[dict[str, Any]]:
    stmt = select(Area).order_by(Area.name)
    if kind:
        stmt = stmt.where(Area.kind == kind)
    return [area_view(a) for a in session.scalars(stmt)]


def list_categories(session: Session) -> list[dict[str, Any]]:
    return [category_view(c) for c in session.scalars(select(Category).order_by(Category.code))]


AGENCY_QUERY = Schema(
    Field(
        "kind",
        enum=("department", "commune_committee", "utility", "post", "police", "service_centre", "other"),
    ),
    Field("q", max_length=100),
)
AREA_QUERY = Schema(Field("kind", enum=tuple(k.value for k in AreaKind)))
RULE_QUERY = Schema(
    Field("category", pattern=SLUG_PATTERN),
    Field("area", pattern=SLUG_PATTERN),
    Field("agency", pattern=SLUG_PATTERN),
)
CATEGORY_UPDATE = Schema(
    Field("name", min_length=1, max_length=200),
    Field("description", nullable=True, max_length=2000),
    Field("requires_approval", kind="boolean", description="Answers wait for a supervisor's approval"),
    Field("active", kind="boolean"),
)
RULE_PUT = Schema(
    Field("category", required=True, pattern=SLUG_PATTERN),
    Field(
        "area",
        nullable=True,
        pattern=SLUG_PATTERN,
        description="Area code; null for the province-wide default",
    ),
    Field("agency", required=True, pattern=SLUG_PATTERN),
    Field("note", nullable=True, max_length=1000),
)


async def agencies(request: web.Request, call: Call) -> web.StreamResponse:
    return ok({"items": await call.read(list_agencies, call.query.get("kind"), call.query.get("q"))})


async def agency(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(get_agency, request.match_info["code"]))


async def areas(request: web.Request, call: Call) -> web.StreamResponse:
    return ok({"items": await call.read(list_areas, call.query.get("kind"))})


async def categories(request: web.Request, call: Call) -> web.StreamResponse:
    return ok({"items": await call.read(list_categories)})


async def update_category(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.write(admin.update_category, request.match_info["code"], call.body))


async def rules(request: web.Request, call: Call) -> web.StreamResponse:
    q = call.query
    return ok({"items": await call.read(admin.list_rules, q.get("category"), q.get("area"), q.get("agency"))})


async def put_rule(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.write(admin.put_rule, call.body))


async def delete_rule(request: web.Request, call: Call) -> web.StreamResponse:
    await call.write(admin.delete_rule, int(request.match_info["rule_id"]))
    return no_content()


ADMIN = frozenset({"admin"})
ID = {"type": "integer"}

ROUTES = [
    Route("GET", "/api/agencies", agencies, "List agencies", "directory", query=AGENCY_QUERY),
    Route("GET", "/api/agencies/{code}", agency, "Show an agency", "directory"),
    Route(
        "GET", "/api/areas", areas, "List areas (province, communes, wards)", "directory", query=AREA_QUERY
    ),
    Route("GET", "/api/categories", categories, "List ticket categories", "directory"),
    Route(
        "PATCH",
        "/api/categories/{code}",
        update_category,
        "Change a category (name, approval, active)",
        "directory",
        roles=ADMIN,
        body=CATEGORY_UPDATE,
    ),
    Route("GET", "/api/routing-rules", rules, "List routing rules", "directory", query=RULE_QUERY),
    Route(
        "PUT",
        "/api/routing-rules",
        put_rule,
        "Create or change the routing rule of a category and area",
        "directory",
        roles=ADMIN,
        body=RULE_PUT,
    ),
    Route(
        "DELETE",
        r"/api/routing-rules/{rule_id:\d+}",
        delete_rule,
        "Delete a routing rule",
        "directory",
        roles=ADMIN,
        responses={204: "Deleted"},
        path_params={"rule_id": ID},
    ),
]
