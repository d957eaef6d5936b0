"""`POST /api/triage`: classify a text (category, area) and say which agency would get it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ticketing import intake
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


def preview_view(preview: intake.TriagePreview) -> dict[str, Any]:
    result, route = preview.classification, preview.route
    return {
        "category": result.category,
        "area": {"code": result.area_code, "name": result.area_name} if result.area_code else None,
        "agency": {"code": route.agency_code, "name": route.agency_name} if route else None,
        "confidence": round(float(result.confidence), 4),
        "needs_agent": bool(result.needs_human),
        "area_candidates": list(result.area_candidates),
    }


async def triage_handler(request: web.Request, call: Call) -> web.StreamResponse:
    text, location = call.body["text"], call.body.get("location")
    return ok(await call.read(intake.preview_triage, text, location, render=preview_view))


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
