"""The OpenAPI 3.1 document, generated from the route table (see ticketing.api.routes)."""

from __future__ import annotations

import re
from typing import Any

from ticketing.api.routes import Route

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}

_STANDARD_ERRORS = {
    400: "Malformed request (bad JSON, bad encoding)",
    401: "Not authenticated",
    403: "Role not allowed",
    404: "Not found (also for tickets outside the caller's agency)",
    409: "Conflict: invalid transition or concurrent update",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Validation error (unknown fields, wrong types, bad codes)",
    503: "The database is not available now; retry after the Retry-After header's seconds",
}
# Operations that never wait for the database (liveness, this document) never answer 503 for it.
_NO_DATABASE_TAGS = frozenset({"meta"})

_PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    params = []
    for name in _PARAM.findall(route.openapi_path):
        schema = route.path_params.get(name, {"type": "string"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _operation(route: Route) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.handler.__name__,
        "summary": route.summary,
        "tags": [route.tag],
    }
    if route.description:
        op["description"] = route.description
    params = _path_parameters(route)
    if route.query is not None:
        params += route.query.query_parameters()
    if params:
        op["parameters"] = params
    if route.body is not None:
        media = "application/json" if route.body_format == "json" else "application/x-www-form-urlencoded"
        op["requestBody"] = {"required": True, "content": {media: {"schema": route.body.json_schema()}}}
    if route.access == "user":
        op["security"] = [{"session": []}, {"bearer": []}]
        op["x-roles"] = sorted(route.roles)
    elif route.access == "api_key":
        op["security"] = [{"open311_api_key": []}]
    else:
        op["security"] = []
    responses: dict[str, Any] = {}
    for status, text in route.responses.items():
        content: dict[str, Any] = {}
        for media in route.produces:
            content[media] = {"schema": route.response_schema} if route.response_schema else {}
        responses[str(status)] = {"description": text, **({"content": content} if content else {})}
    errors = dict(_STANDARD_ERRORS)
    if route.access == "public":
        errors.pop(401)
        errors.pop(403)
    if route.body is None:
        for status in (413, 415):
            errors.pop(status)
    if route.tag in _NO_DATABASE_TAGS or route.path == "/healthz":
        errors.pop(503)
    for status, text in errors.items():
        responses.setdefault(
            str(status),
            {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )
    op["responses"] = responses
    return op


def _matches(target: str, path: str) -> bool:
    return path.startswith(target[:-1]) if target.endswith("*") else path == target


def _add_links(paths: dict[str, dict[str, Any]], route: Route) -> None:
    """The route's links (``Route.links``) on its first success response, by target operationId."""
    source = paths[_PARAM.sub(lambda m: "{" + m.group(1) + "}", route.openapi_path)][route.method.lower()]
    success = next(status for status in sorted(source["responses"]) if status.startswith("2"))
    links = source["responses"][success].setdefault("links", {})
    for target, parameters in route.links.items():
        for path, operations in paths.items():
            if not _matches(target, path):
                continue
            for operation in operations.values():
                wanted = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
                if wanted and wanted <= set(parameters):
                    links[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {name: parameters[name] for name in sorted(wanted)},
                    }


def build_openapi(routes: list[Route], server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for route in routes:
        path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", route.openapi_path)
        op = _operation(route)
        op_id = f"{route.tag}_{route.handler.__name__.strip('_')}"
        n = 2
        while op_id in seen:
            op_id, n = f"{route.tag}_{route.handler.__name__.strip('_')}_{n}", n + 1
        seen.add(op_id)
        op["operationId"] = op_id
        paths.setdefault(path, {})[route.method.lower()] = op
    for route in routes:
        if route.links:
            _add_links(paths, route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "1022 helpdesk ticketing API",
            "version": "1.0.0",
            "description": (
                "Tickets (petitions, escalated questions, postal and appointment requests) for the 1022 "
                "public-service hotline of Đồng Tháp province: intake, triage, routing to the responsible "
                "agency, replies, SLA reports, Open311 GeoReport v2 and a public status page. Agency "
                "officers only ever see their own agency's tickets (other tickets answer 404)."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "helpdesk_session"},
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "API token of an integration user",
                },
                "open311_api_key": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
        },
    }
