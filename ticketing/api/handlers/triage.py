"""`POST /api/triage`: classify a text (category, area) and say which agency would get it."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from ticketing import routing, triage
from ticketing.api.handlers.common import ok
from ticketing.api.routes import ALL_ROLES, Call, Route
from ticketing.api.schema import Field, Schema

TRIAGE = Schema(
    Field("text", required=True, min_length=1, max_length=5000),
    Field("location", nullable=True, max_length=500),
)

RESPONSE = {
    "type": "object",
    "required": ["category", "area", "agency", "confidence"],
    "properties": {
        "category": {"type": "string"},
        "area": {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "agency": {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "needs_agent": {"type": "boolean", "description": "Low confidence: an agent should triage it"},
        "area_candidates": {"type": "array", "items": {"type": "string"}},
    },
}


def triage_text(session: Session, text: str, location: str | None) -> dict[str, Any]:
    """The classifier's category and area (`ticketing.triage`) and the agency the routing rules give
    for them (`ticketing.routing`): a preview, nothing is written."""
    result = triage.classify(text, location)
    route = routing.resolve_by_codes(session, result.category, result.area_code)
    return {
        "category": result.category,
        "area": {"code": result.area_code, "name": result.area_name} if result.area_code else None,
        "agency": {"code": route.agency_code, "name": route.agency_name} if route else None,
        "confidence": round(float(result.confidence), 4),
        "needs_agent": bool(result.needs_human),
        "area_candidates": list(result.area_candidates),
    }


async def triage_handler(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(triage_text, call.body["text"], call.body.get("location")))


triage_handler.__name__ = "triage"

ROUTES = [
    Route(
        "POST",
        "/api/triage",
        triage_handler,
        "Classify a petition text and find the responsible agency",
        "triage",
        roles=ALL_ROLES,
        body=TRIAGE,
        response_schema=RESPONSE,
        description="Works with or without diacritics. Low confidence sets needs_agent: an agent triages it.",
    ),
]
