"""Agencies, areas, categories and the routing rules (category x area -> agency)."""

from __future__ import annotations

from aiohttp import web

from ticketing import directory_admin
from ticketing.api.handlers.common import no_content, ok
from ticketing.api.routes import Call, Route
from ticketing.api.schema import ID_PARAM, SLUG_PATTERN, Field, Schema
from ticketing.api.views import agency_view, area_view, category_view, items, rule_view
from ticketing.models import AreaKind

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
    Field("category", required=True, pattern=SLUG_PATTERN, example="do_thi"),
    Field(
        "area",
        nullable=True,
        pattern=SLUG_PATTERN,
        description="Area code; null for the province-wide default",
        example="phuong_my_tho",
    ),
    Field("agency", required=True, pattern=SLUG_PATTERN, example="ubnd_phuong_my_tho"),
    Field("note", nullable=True, max_length=1000),
)


async def agencies(request: web.Request, call: Call) -> web.StreamResponse:
    q = call.query
    return ok(
        await call.read(directory_admin.list_agencies, q.get("kind"), q.get("q"), render=items(agency_view))
    )


async def agency(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(directory_admin.access_agency, request.match_info["code"], render=agency_view))


async def areas(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(directory_admin.list_areas, call.query.get("kind"), render=items(area_view)))


async def categories(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(directory_admin.list_categories, render=items(category_view)))


async def update_category(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    return ok(await call.write(directory_admin.do_update_category, code, call.body, render=category_view))


async def rules(request: web.Request, call: Call) -> web.StreamResponse:
    q = call.query
    found = directory_admin.list_rules
    return ok(
        await call.read(found, q.get("category"), q.get("area"), q.get("agency"), render=items(rule_view))
    )


async def put_rule(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.write(directory_admin.do_put_rule, **call.body, render=rule_view))


async def delete_rule(request: web.Request, call: Call) -> web.StreamResponse:
    await call.write(directory_admin.do_delete_rule, int(request.match_info["rule_id"]))
    return no_content()


ADMIN = frozenset({"admin"})
ID = ID_PARAM  # 1 to 2^31-1: any other id names no row (404)

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
        links={"/api/routing-rules/{rule_id}": {"rule_id": "$response.body#/id"}},
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
