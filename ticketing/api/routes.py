"""The route table: every endpoint is one `Route` row.

A row says who may call it (`access`, `roles`), what its query string and body look like
(`Schema`s) and what it answers. `register_routes` wraps each handler so that authentication,
role checks and request parsing happen before the handler runs; `ticketing.api.openapi` builds
the OpenAPI document from the same rows, so the two cannot drift apart.

Handlers have the signature `async def handler(request, call: Call) -> web.StreamResponse`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from aiohttp import web

from ticketing.api.context import DATABASE
from ticketing.api.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    MalformedJson,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    too_large_message,
)
from ticketing.api.schema import Schema, check_path_id
from ticketing.callers import ROLES, Principal
from ticketing.errors import NotFound

Access = Literal["public", "user", "api_key"]
ALL_ROLES = frozenset(ROLES)
STAFF = frozenset({"agent", "supervisor", "admin"})

T = TypeVar("T")


@dataclass
class Call:
    """What a handler receives besides the request: the caller and the parsed input."""

    request: web.Request
    principal: Principal | None
    query: dict[str, Any]
    body: dict[str, Any]

    @property
    def app(self) -> web.Application:
        return self.request.app

    async def read(
        self, fn: Callable[..., T], *args: Any, render: Callable[[T], Any] | None = None, **kw: Any
    ) -> Any:
        """Run `fn(session, *args, **kw)` in a worker thread (read-only work); `render` turns its result into
        the response body inside the same unit of work."""
        return await self.request.app[DATABASE].read(fn, *args, render=render, **kw)

    async def write(
        self, fn: Callable[..., T], *args: Any, render: Callable[[T], Any] | None = None, **kw: Any
    ) -> Any:
        """Run `fn(session, *args, **kw)` in a worker thread inside one transaction (all or nothing); `render`
        as for `read`."""
        return await self.request.app[DATABASE].write(fn, *args, render=render, **kw)


Handler = Callable[[web.Request, Call], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    access: Access = "user"
    roles: frozenset[str] = ALL_ROLES
    query: Schema | None = None
    body: Schema | None = None
    body_format: Literal["json", "form"] = "json"
    responses: dict[int, str] = field(default_factory=lambda: {200: "OK"})
    response_schema: dict[str, Any] | None = None
    produces: tuple[str, ...] = ("application/json",)
    description: str = ""
    # Path in the OpenAPI document when the aiohttp path uses a regex (`{format:json|xml}`).
    doc_path: str | None = None
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    # OpenAPI links from the success response: target document path (a trailing `*`: every path that
    # starts so) -> the target's parameters as runtime expressions (`$response.body#/code`) or constants.
    # Every operation on a matching path is linked; clients and stateful fuzzers follow them.
    links: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def openapi_path(self) -> str:
        return self.doc_path or self.path


# Set by ticketing.api.auth at application start-up: resolves the request's credentials.
AuthResolver = Callable[[web.Request, Access], Awaitable[Principal | None]]
AUTH_RESOLVER = web.AppKey("auth_resolver", object)


async def read_body_bytes(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise PayloadTooLarge(too_large_message(request)) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Request body must be JSON (Content-Type: application/json).")
    raw = await read_body_bytes(request)
    if not raw.strip():
        raise MalformedJson("Request body is empty; expected a JSON object.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJson("Request body is not valid UTF-8.") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise MalformedJson(f"Malformed JSON: {exc}.") from None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_form(request: web.Request) -> dict[str, str]:
    """The text fields of a urlencoded or multipart form (file parts are ignored)."""
    if request.content_type not in FORM_TYPES:
        raise UnsupportedMediaType(
            "Request body must be application/x-www-form-urlencoded or multipart/form-data."
        )
    try:
        form = await request.post()  # size-limited by client_max_size; parsed once, then cached
    except web.HTTPRequestEntityTooLarge:
        raise PayloadTooLarge(too_large_message(request)) from None
    except (ValueError, AssertionError, UnicodeDecodeError):
        raise BadRequest("Malformed form body.") from None
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def check_path_parameters(route: Route, request: web.Request) -> None:
    """Integer path parameters (row ids) within the ids' range; beyond it no row exists (404), and the
    number never reaches the database (a 64-bit or larger value overflows its driver or column)."""
    for name, schema in route.path_params.items():
        if schema.get("type") == "integer" and check_path_id(request.match_info.get(name, "")) is None:
            raise NotFound("No such resource.")


def wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def endpoint(request: web.Request) -> web.StreamResponse:
        resolver: AuthResolver = request.app[AUTH_RESOLVER]  # type: ignore[assignment]
        principal = await resolver(request, route.access)
        if route.access != "public":
            if principal is None:
                raise Unauthorized("Authentication required: log in or send 'Authorization: Bearer <token>'.")
            if principal.role not in route.roles:
                raise Forbidden(
                    f"Role '{principal.role}' may not {route.summary[0].lower() + route.summary[1:]}."
                )
        check_path_parameters(route, request)
        query = route.query.parse_query(request.query) if route.query else {}
        body: dict[str, Any] = {}
        if route.body is not None:
            if route.body_format == "form":
                body = route.body.parse_query(await read_form(request))
            else:
                body = route.body.validate(await read_json(request))
        return await route.handler(request, Call(request, principal, query, body))

    endpoint.__name__ = getattr(route.handler, "__name__", "endpoint")
    endpoint.__doc__ = route.summary
    return endpoint


def register_routes(app: web.Application, routes: list[Route]) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, wrap(route))


__all__ = [
    "ALL_ROLES",
    "AUTH_RESOLVER",
    "ROLES",
    "STAFF",
    "ApiError",
    "Call",
    "Principal",
    "Route",
    "read_json",
    "register_routes",
    "wrap",
]
