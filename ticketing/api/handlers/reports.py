"""Supervisor reports."""

from __future__ import annotations

from aiohttp import web

from ticketing import reports
from ticketing.api.handlers.common import ok
from ticketing.api.routes import Call, Route
from ticketing.api.schema import SLUG_PATTERN, Field, Schema

MONTHLY_QUERY = Schema(
    Field(
        "month", required=True, pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM (Asia/Ho_Chi_Minh)"
    ),
    Field("agency", pattern=SLUG_PATTERN, description="Only this agency"),
)


async def monthly(request: web.Request, call: Call) -> web.StreamResponse:
    q = call.query
    return ok(await call.read(reports.monthly_report, call.principal, q["month"], q.get("agency")))


ROUTES = [
    Route(
        "GET",
        "/api/reports/monthly",
        monthly,
        "Report response times, SLA compliance and satisfaction per agency for a month",
        "reports",
        roles=frozenset({"supervisor", "admin", "agency_officer"}),
        query=MONTHLY_QUERY,
        description="Agency officers get their own agency only.",
    ),
]
